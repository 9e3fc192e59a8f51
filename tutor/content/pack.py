"""A curriculum pack as a folder of CSV files: everything a store's curriculum holds, editable.

``tutor graph export --pack DIR`` writes these files and ``tutor graph import --pack DIR``
reads them back, so a curriculum designer can edit a curriculum in a spreadsheet and load
it again with nothing lost. All files are UTF-8 CSV (no BOM; ``\\n`` line endings):

============================== ============================================================
``pack.csv``                   ``key,value``: ``format`` (``kptutor-pack-1``), ``curriculum``
``knowledge_points.csv``       ``id,name,name_zh,grade,domain,description,description_zh,``
                               ``standards,subject,attrs`` — ``standards`` are the aligned
                               standard ids joined by ``;``; ``attrs`` a JSON object or empty
``prerequisites.csv``          ``from,to``: ``from`` is a direct prerequisite of ``to``
``related.csv``                ``a,b``: a non-prerequisite "related" link
``standards.csv``              ``id,framework,grade,domain,description``
``standard_prerequisites.csv`` ``from,to`` between standards (e.g. the CCSS coherence map)
``item_families.csv``          ``id,generator,kp,levels`` — ``levels`` joined by ``;``
``assesses.csv``               ``family,kp,weight``: the Q-matrix (weight 1.0 for the
                               family's own point, less for the others its items exercise)
``misconceptions.csv``         ``id,description,description_zh,signals`` — the points whose
                               gap it signals, joined by ``;``
============================== ============================================================

The first columns of ``knowledge_points.csv``, ``prerequisites.csv`` and
``misconceptions.csv`` are those of the shipped ``content/k12-math`` files. An empty grade,
domain or attrs cell means "none". Reading checks the whole folder before anything is
returned; every problem is one :class:`~tutor.errors.InputError` naming the file and line.

This module also says what a load would lose (:func:`losses`), so that no load drops
alignments, item families or misconceptions without saying so.
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from tutor.content.csvfiles import CsvTable, read_csv
from tutor.domain import (
    ContentBank,
    Curriculum,
    Edge,
    ItemFamily,
    KnowledgePoint,
    MisconceptionInfo,
    Standard,
    check_id,
    grade_rank,
    validate_content,
    validate_curriculum,
)
from tutor.errors import InputError, TutorError

__all__ = [
    "PACK_FILES",
    "PACK_FORMAT",
    "Loss",
    "Pack",
    "fitting_content",
    "losses",
    "read_pack",
    "write_pack",
]

PACK_FORMAT = "kptutor-pack-1"

#: file name -> its columns, in the order they are written.
PACK_FILES: dict[str, tuple[str, ...]] = {
    "pack.csv": ("key", "value"),
    "knowledge_points.csv": (
        "id",
        "name",
        "name_zh",
        "grade",
        "domain",
        "description",
        "description_zh",
        "standards",
        "subject",
        "attrs",
    ),
    "prerequisites.csv": ("from", "to"),
    "related.csv": ("a", "b"),
    "standards.csv": ("id", "framework", "grade", "domain", "description"),
    "standard_prerequisites.csv": ("from", "to"),
    "item_families.csv": ("id", "generator", "kp", "levels"),
    "assesses.csv": ("family", "kp", "weight"),
    "misconceptions.csv": ("id", "description", "description_zh", "signals"),
}


@dataclass(frozen=True)
class Pack:
    """A curriculum with the content its items need (item families, misconceptions)."""

    curriculum: Curriculum
    content: ContentBank

    def counts(self) -> dict[str, int]:
        """How much the pack holds, by kind (the pack README's and the export's numbers)."""
        c, b = self.curriculum, self.content
        return {
            "knowledge_points": len(c.knowledge_points),
            "prerequisite_edges": len(c.edges),
            "related_edges": len(c.related),
            "standards": len(c.standards),
            "standard_edges": len(c.standard_edges),
            "alignments": sum(len(kp.standards) for kp in c.knowledge_points),
            "item_families": len(b.families),
            "assesses_links": sum(len(f.assesses) for f in b.families),
            "misconceptions": len(b.misconceptions),
            "signals_links": sum(len(m.signals) for m in b.misconceptions),
        }


# -- writing ------------------------------------------------------------------------------


def _joined(values: Iterable[object]) -> str:
    return ";".join(str(v) for v in values)


def _rows(pack: Pack) -> dict[str, Sequence[Sequence[object]]]:
    c, b = pack.curriculum, pack.content
    points = sorted(c.knowledge_points, key=lambda kp: (grade_rank(kp.grade), kp.id))
    return {
        "pack.csv": [("format", PACK_FORMAT), ("curriculum", c.name)],
        "knowledge_points.csv": [
            (
                kp.id,
                kp.name,
                kp.name_zh,
                kp.grade or "",
                kp.domain or "",
                kp.description,
                kp.description_zh,
                _joined(sorted(kp.standards)),
                kp.subject,
                json.dumps(dict(sorted(kp.attrs.items())), ensure_ascii=False) if kp.attrs else "",
            )
            for kp in points
        ],
        "prerequisites.csv": sorted(c.edges),
        "related.csv": sorted(tuple(sorted(pair)) for pair in c.related),
        "standards.csv": [
            (s.id, s.framework, s.grade or "", s.domain or "", s.description)
            for s in sorted(c.standards, key=lambda s: s.id)
        ],
        "standard_prerequisites.csv": sorted(c.standard_edges),
        "item_families.csv": [
            (f.id, f.generator, f.kp, _joined(f.levels))
            for f in sorted(b.families, key=lambda f: f.id)
        ],
        # repr() of a float reads back as the same float.
        "assesses.csv": [
            (f.id, kp, repr(float(w)))
            for f in sorted(b.families, key=lambda f: f.id)
            for kp, w in sorted(f.assesses)
        ],
        "misconceptions.csv": [
            (m.id, m.description, m.description_zh, _joined(sorted(m.signals)))
            for m in sorted(b.misconceptions, key=lambda m: m.id)
        ],
    }


def write_pack(pack: Pack, folder: Path, *, overwrite: bool = False) -> list[Path]:
    """Write ``pack`` into ``folder`` (created if missing); the files written.

    A folder that already holds pack files is refused unless ``overwrite``. The files are
    written into a temporary folder beside it first and moved into place only when all
    of them are complete, so a failed export leaves no half pack.
    """
    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise InputError(f"{folder} is a file, not a folder: give a folder for the pack")
    present = [name for name in PACK_FILES if (folder / name).exists()]
    if present and not overwrite:
        raise InputError(
            f"{folder} already holds a pack ({', '.join(present[:3])}…): choose an empty "
            "folder, or pass --force to replace its files"
        )
    parent = folder.resolve().parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{folder.name}.", dir=parent))
    except OSError as exc:
        raise InputError(f"cannot write the pack to {folder}: {exc.strerror}") from None
    try:
        for name, rows in _rows(pack).items():
            with (staging / name).open("w", encoding="utf-8", newline="") as fh:
                writer = csv.writer(fh, lineterminator="\n")
                writer.writerow(PACK_FILES[name])
                writer.writerows(rows)
        folder.mkdir(exist_ok=True)
        for name in PACK_FILES:
            os.replace(staging / name, folder / name)
    except OSError as exc:
        raise InputError(f"cannot write the pack to {folder}: {exc.strerror or exc}") from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return [folder / name for name in PACK_FILES]


# -- reading ------------------------------------------------------------------------------


class _Where:
    """Names a file and line in messages."""

    def __init__(self, table: CsvTable) -> None:
        self.path = table.path

    def __call__(self, line: int) -> str:
        return f"{self.path.name} line {line} (in {self.path.parent})"


def _table(folder: Path, name: str, max_bytes: int) -> CsvTable:
    path = folder / name
    if not path.is_file():
        raise InputError(
            f"the pack {folder} has no {name}: a pack folder holds "
            + ", ".join(PACK_FILES)
            + " (write one with `tutor graph export --pack DIR`)"
        )
    return read_csv(
        path,
        what=f"pack file {name}",
        required=PACK_FILES[name],
        allowed=(),
        max_bytes=max_bytes,
        allow_no_rows=name != "knowledge_points.csv",
    )


def _split(text: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in text.split(";") if part.strip())


def _checked_id(kind: str, value: str, where: str) -> str:
    try:
        check_id(kind, value)
    except TutorError as exc:
        raise InputError(f"{where}: {exc}") from None
    return value


def _unique(kind: str, value: str, line: int, seen: dict[str, int], where: _Where) -> None:
    if value in seen:
        raise InputError(f"{where(line)}: duplicate {kind} {value!r} (first on line {seen[value]})")
    seen[value] = line


def _edges(
    table: CsvTable, columns: tuple[str, str], known: dict[str, int], kind: str
) -> list[Edge]:
    where = _Where(table)
    seen: dict[tuple[str, str], int] = {}
    edges: list[Edge] = []
    for line, row in table.rows:
        a, b = row[columns[0]], row[columns[1]]
        for end in (a, b):
            if end not in known:
                raise InputError(f"{where(line)}: unknown {kind} {end!r}")
        if a == b:
            raise InputError(f"{where(line)}: self-loop {a} → {b}")
        if (a, b) in seen:
            raise InputError(f"{where(line)}: duplicate row {a},{b} (first on line {seen[(a, b)]})")
        seen[(a, b)] = line
        edges.append(Edge(a, b))
    return edges


def _header(folder: Path, max_bytes: int) -> str:
    table = _table(folder, "pack.csv", max_bytes)
    where = _Where(table)
    values: dict[str, str] = {}
    for line, row in table.rows:
        if row["key"] in values:
            raise InputError(f"{where(line)}: key {row['key']!r} appears twice")
        values[row["key"]] = row["value"]
    if values.get("format") != PACK_FORMAT:
        raise InputError(
            f"{table.path}: format is {values.get('format')!r}, not {PACK_FORMAT!r}; "
            "this folder was not written by `tutor graph export --pack`"
        )
    name = values.get("curriculum", "")
    if not name:
        raise InputError(f"{table.path}: no curriculum name (a row `curriculum,NAME`)")
    return name


def _standards(folder: Path, max_bytes: int) -> tuple[list[Standard], dict[str, int]]:
    table = _table(folder, "standards.csv", max_bytes)
    where = _Where(table)
    seen: dict[str, int] = {}
    standards = []
    for line, row in table.rows:
        sid = _checked_id("standard", row["id"], where(line))
        _unique("standard", sid, line, seen, where)
        if not row["framework"]:
            raise InputError(f"{where(line)}: standard {sid!r} has no framework")
        grade, domain = row["grade"] or None, row["domain"] or None
        standards.append(Standard(sid, row["framework"], grade, domain, row["description"]))
    return standards, seen


def _attrs(text: str, where: str) -> dict[str, str]:
    if not text:
        return {}
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"{where}: attrs is not valid JSON ({exc.msg})") from None
    if not isinstance(value, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in value.items()
    ):
        raise InputError(f'{where}: attrs must be a JSON object of texts, e.g. {{"source": "x"}}')
    return value


def _points(
    folder: Path, max_bytes: int, standards: dict[str, int]
) -> tuple[list[KnowledgePoint], dict[str, int]]:
    table = _table(folder, "knowledge_points.csv", max_bytes)
    where = _Where(table)
    seen: dict[str, int] = {}
    points = []
    for line, row in table.rows:
        kp_id = _checked_id("knowledge point", row["id"], where(line))
        _unique("knowledge point", kp_id, line, seen, where)
        if not row["name"]:
            raise InputError(f"{where(line)}: knowledge point {kp_id!r} has no name")
        aligned = _split(row["standards"])
        for sid in aligned:
            if sid not in standards:
                raise InputError(
                    f"{where(line)}: {kp_id!r} aligns to {sid!r}, which is not in standards.csv"
                )
        if len(set(aligned)) != len(aligned):
            raise InputError(f"{where(line)}: {kp_id!r} names a standard twice")
        points.append(
            KnowledgePoint(
                id=kp_id,
                name=row["name"],
                name_zh=row["name_zh"],
                grade=row["grade"] or None,
                domain=row["domain"] or None,
                description=row["description"],
                description_zh=row["description_zh"],
                subject=row["subject"] or "math",
                standards=tuple(sorted(aligned)),
                attrs=_attrs(row["attrs"], where(line)),
            )
        )
    return points, seen


def _families(folder: Path, max_bytes: int, points: dict[str, int]) -> list[ItemFamily]:
    table = _table(folder, "item_families.csv", max_bytes)
    where = _Where(table)
    seen: dict[str, int] = {}
    heads: list[tuple[str, str, str, tuple[int, ...]]] = []
    for line, row in table.rows:
        fid = _checked_id("item family", row["id"], where(line))
        _unique("item family", fid, line, seen, where)
        if row["kp"] not in points:
            raise InputError(
                f"{where(line)}: item family {fid!r} is for {row['kp']!r}, "
                "which is not in knowledge_points.csv"
            )
        try:
            levels = tuple(int(v) for v in _split(row["levels"]))
        except ValueError:
            raise InputError(
                f"{where(line)}: levels {row['levels']!r} are not whole numbers joined by ';'"
            ) from None
        if not levels:
            raise InputError(f"{where(line)}: item family {fid!r} has no levels")
        heads.append((fid, row["generator"] or fid, row["kp"], levels))
    links = _table(folder, "assesses.csv", max_bytes)
    at = _Where(links)
    assesses: dict[str, dict[str, float]] = {fid: {} for fid in seen}
    for line, row in links.rows:
        fid, kp = row["family"], row["kp"]
        if fid not in seen:
            raise InputError(f"{at(line)}: unknown item family {fid!r} (not in item_families.csv)")
        if kp not in points:
            raise InputError(f"{at(line)}: unknown knowledge point {kp!r}")
        if kp in assesses[fid]:
            raise InputError(f"{at(line)}: {fid},{kp} appears twice")
        try:
            weight = float(row["weight"])
        except ValueError:
            raise InputError(f"{at(line)}: weight {row['weight']!r} is not a number") from None
        if not 0.0 < weight <= 1.0:
            raise InputError(f"{at(line)}: weight {weight} is not in (0, 1]")
        assesses[fid][kp] = weight
    families = []
    for fid, generator, kp, levels in heads:
        if assesses[fid].get(kp) != 1.0:
            raise InputError(
                f"{links.path}: item family {fid!r} needs the row {fid},{kp},1.0 "
                "(a family assesses its own point with weight 1.0)"
            )
        families.append(
            ItemFamily(fid, generator, kp, levels, tuple(sorted(assesses[fid].items())))
        )
    return families


def _misconceptions(
    folder: Path, max_bytes: int, points: dict[str, int]
) -> list[MisconceptionInfo]:
    table = _table(folder, "misconceptions.csv", max_bytes)
    where = _Where(table)
    seen: dict[str, int] = {}
    found = []
    for line, row in table.rows:
        mid = _checked_id("misconception", row["id"], where(line))
        _unique("misconception", mid, line, seen, where)
        signals = _split(row["signals"])
        if not signals:
            raise InputError(f"{where(line)}: misconception {mid!r} signals no knowledge point")
        for kp in signals:
            if kp not in points:
                raise InputError(
                    f"{where(line)}: misconception {mid!r} signals {kp!r}, "
                    "which is not in knowledge_points.csv"
                )
        if len(set(signals)) != len(signals):
            raise InputError(f"{where(line)}: misconception {mid!r} names a point twice")
        found.append(
            MisconceptionInfo(
                mid, row["description"], row["description_zh"], tuple(sorted(signals))
            )
        )
    return found


def read_pack(folder: Path, *, max_bytes: int = 64 * 1024 * 1024) -> Pack:
    """Read and check a pack folder written by :func:`write_pack` (and maybe edited).

    Everything is checked before the pack is returned: each file's columns, ids, and every
    reference (edges, alignments, Q-matrix rows, signals) by file and line, then the whole
    (no prerequisite cycle). ``max_bytes`` limits each file.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise InputError(
            f"the pack folder {folder} does not exist; write one with "
            "`tutor graph export --pack DIR`"
        )
    name = _header(folder, max_bytes)
    standards, standard_ids = _standards(folder, max_bytes)
    points, point_ids = _points(folder, max_bytes, standard_ids)
    edges = _edges(
        _table(folder, "prerequisites.csv", max_bytes), ("from", "to"), point_ids, "knowledge point"
    )
    related = _edges(
        _table(folder, "related.csv", max_bytes), ("a", "b"), point_ids, "knowledge point"
    )
    standard_edges = _edges(
        _table(folder, "standard_prerequisites.csv", max_bytes),
        ("from", "to"),
        standard_ids,
        "standard",
    )
    curriculum = Curriculum(
        name=name,
        knowledge_points=tuple(points),
        edges=tuple(edges),
        related=tuple((a, b) for a, b in related),
        standards=tuple(standards),
        standard_edges=tuple(standard_edges),
    )
    bank = ContentBank(
        families=tuple(_families(folder, max_bytes, point_ids)),
        misconceptions=tuple(_misconceptions(folder, max_bytes, point_ids)),
    )
    try:
        validate_curriculum(curriculum)  # what needs the whole: cycles
        validate_content(bank, point_ids)
    except TutorError as exc:
        raise InputError(f"the pack {folder}: {exc}") from None
    return Pack(curriculum, bank)


# -- what a load would lose ---------------------------------------------------------------


@dataclass(frozen=True)
class Loss:
    """Something the store holds that a load would remove: its kind and which ones."""

    kind: str
    ids: tuple[str, ...]

    def describe(self, shown: int = 5) -> str:
        """``"3 item families (a, b, c)"``, naming at most ``shown`` of them."""
        names = ", ".join(self.ids[:shown]) + (", …" if len(self.ids) > shown else "")
        return f"{len(self.ids)} {self.kind} ({names})"


def _alignments(c: Curriculum) -> set[str]:
    return {f"{kp.id}→{sid}" for kp in c.knowledge_points for sid in kp.standards}


def losses(before: Pack | None, after: Pack) -> tuple[Loss, ...]:
    """What of ``before`` (the store's pack now) loading ``after`` would remove: standards,
    alignments, item families and their Q-matrix links, misconceptions and their links.
    Points and prerequisite edges are what a designer edits and are not counted."""
    if before is None:
        return ()
    b_fam = {f.id: f for f in before.content.families}
    a_fam = {f.id: f for f in after.content.families}
    b_mc = {m.id: m for m in before.content.misconceptions}
    a_mc = {m.id: m for m in after.content.misconceptions}
    found = [
        Loss(
            "standards",
            tuple(
                sorted(
                    {s.id for s in before.curriculum.standards}
                    - {s.id for s in after.curriculum.standards}
                )
            ),
        ),
        Loss(
            "alignments",
            tuple(sorted(_alignments(before.curriculum) - _alignments(after.curriculum))),
        ),
        Loss("item families", tuple(sorted(set(b_fam) - set(a_fam)))),
        Loss(
            "item family links (ASSESSES)",
            tuple(
                sorted(
                    f"{fid}→{kp}"
                    for fid in set(b_fam) & set(a_fam)
                    for kp in dict(b_fam[fid].assesses).keys() - dict(a_fam[fid].assesses).keys()
                )
            ),
        ),
        Loss("misconceptions", tuple(sorted(set(b_mc) - set(a_mc)))),
        Loss(
            "misconception links (SIGNALS)",
            tuple(
                sorted(
                    f"{mid}→{kp}"
                    for mid in set(b_mc) & set(a_mc)
                    for kp in set(b_mc[mid].signals) - set(a_mc[mid].signals)
                )
            ),
        ),
    ]
    return tuple(loss for loss in found if loss.ids)


def fitting_content(bank: ContentBank, kp_ids: Iterable[str]) -> ContentBank:
    """The part of ``bank`` that fits a curriculum of ``kp_ids``: families whose own point
    is there (links to points that are gone removed), misconceptions that still signal a
    point that is there. What a load that brings no content of its own keeps."""
    ids = set(kp_ids)
    families = tuple(
        ItemFamily(
            f.id, f.generator, f.kp, f.levels, tuple((k, w) for k, w in f.assesses if k in ids)
        )
        for f in bank.families
        if f.kp in ids
    )
    misconceptions = tuple(
        MisconceptionInfo(
            m.id, m.description, m.description_zh, tuple(k for k in m.signals if k in ids)
        )
        for m in bank.misconceptions
        if any(k in ids for k in m.signals)
    )
    return ContentBank(families, misconceptions)
