"""What content there is (``tutor content stats``): in the store, and in the code.

Two different things, reported apart because they differ whenever a curriculum was
imported or content was not loaded:

* **the store** — the curriculum it holds and the content loaded with it (item families,
  misconceptions, imported problems): what the tutor uses;
* **the code** — the item generators and buggy rules the installed package provides, and
  how much of the shipped default pack they cover (what `tutor graph load default` loads).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from tutor.domain import ContentBank, Curriculum

__all__ = ["CodeCoverage", "ContentStats", "DomainCoverage", "StoreContent", "code_coverage"]


@dataclass(frozen=True)
class DomainCoverage:
    """One row of a coverage table: a domain's points, how many have items, the item
    families (generators) for it, and the misconceptions signalling its points."""

    domain: str
    knowledge_points: int
    with_generators: int
    generators: int
    misconceptions: int

    @property
    def without_generators(self) -> int:
        """Points of this domain that no generator makes items for."""
        return self.knowledge_points - self.with_generators


def domain_rows(
    domain_of: Mapping[str, str], family_points: Iterable[str], signals: Iterable[Iterable[str]]
) -> tuple[DomainCoverage, ...]:
    """Coverage rows by domain: ``domain_of`` maps each point to its domain,
    ``family_points`` is each family's own point, ``signals`` each misconception's points.
    Largest domain first."""
    points = Counter(domain_of.values())
    family_list = [kp for kp in family_points if kp in domain_of]
    with_items = Counter(domain_of[kp] for kp in set(family_list))
    families = Counter(domain_of[kp] for kp in family_list)
    mc_domains: Counter[str] = Counter()
    for kps in signals:
        for domain in {domain_of[kp] for kp in kps if kp in domain_of}:
            mc_domains[domain] += 1
    return tuple(
        DomainCoverage(d, points[d], with_items[d], families[d], mc_domains[d])
        for d in sorted(points, key=lambda d: (-points[d], d))
    )


def _table(rows: tuple[DomainCoverage, ...], families_word: str) -> list[str]:
    header = (
        f"{'domain':<14}{'points':>8}{'with items':>12}{'without':>9}"
        f"{families_word:>12}{'misconc.':>10}"
    )
    lines = [header, "-" * len(header)]
    for d in rows:
        lines.append(
            f"{d.domain:<14}{d.knowledge_points:>8}{d.with_generators:>12}"
            f"{d.without_generators:>9}{d.generators:>12}{d.misconceptions:>10}"
        )
    lines.append("-" * len(header))
    total = DomainCoverage(
        "total",
        sum(d.knowledge_points for d in rows),
        sum(d.with_generators for d in rows),
        sum(d.generators for d in rows),
        0,
    )
    lines.append(
        f"{'total':<14}{total.knowledge_points:>8}{total.with_generators:>12}"
        f"{total.without_generators:>9}{total.generators:>12}{'':>10}"
    )
    lines.append("(a misconception counts once in each domain of the points it signals)")
    return lines


@dataclass(frozen=True)
class StoreContent:
    """What a store holds: its curriculum's size and the content loaded with it."""

    url: str
    curriculum: str | None
    knowledge_points: int
    prerequisite_edges: int
    standards: int
    alignments: int
    item_families: int
    knowledge_points_with_item_families: int
    misconceptions: int
    imported_problems: int
    imported_problems_mapped: int
    domains: tuple[DomainCoverage, ...]

    @classmethod
    def of(
        cls,
        url: str,
        curriculum: Curriculum | None,
        content: ContentBank,
        *,
        problems: int,
        problems_mapped: int,
    ) -> StoreContent:
        """Count a store's curriculum and content (``curriculum`` None: it holds none)."""
        points = curriculum.knowledge_points if curriculum is not None else ()
        domain_of = {kp.id: kp.domain or "-" for kp in points}
        return cls(
            url=url,
            curriculum=curriculum.name if curriculum is not None else None,
            knowledge_points=len(points),
            prerequisite_edges=len(curriculum.edges) if curriculum is not None else 0,
            standards=len(curriculum.standards) if curriculum is not None else 0,
            alignments=sum(len(kp.standards) for kp in points),
            item_families=len(content.families),
            knowledge_points_with_item_families=len({f.kp for f in content.families}),
            misconceptions=len(content.misconceptions),
            imported_problems=problems,
            imported_problems_mapped=problems_mapped,
            domains=domain_rows(
                domain_of,
                (f.kp for f in content.families),
                (m.signals for m in content.misconceptions),
            ),
        )


@dataclass(frozen=True)
class CodeCoverage:
    """What the code provides: generators and buggy rules, and how much of the shipped
    default pack (``pack``) they cover."""

    pack: str
    knowledge_points: int
    generators: int
    knowledge_points_with_generators: int
    misconceptions: int
    domains: tuple[DomainCoverage, ...]


def code_coverage() -> CodeCoverage:
    """Coverage of the shipped default pack by the registered generators and buggy rules."""
    from tutor.content.curricula import default_curriculum
    from tutor.content.items import GENERATORS, ensure_generators_loaded
    from tutor.content.misconceptions import load_misconceptions

    ensure_generators_loaded()
    curriculum = default_curriculum()
    domain_of = {kp.id: kp.domain or "-" for kp in curriculum.knowledge_points}
    misconceptions = load_misconceptions()
    return CodeCoverage(
        pack=curriculum.name,
        knowledge_points=len(domain_of),
        generators=len(GENERATORS),
        knowledge_points_with_generators=len({g.kp for g in GENERATORS.values()} & set(domain_of)),
        misconceptions=len(misconceptions),
        domains=domain_rows(
            domain_of, (g.kp for g in GENERATORS.values()), (m.signals for m in misconceptions)
        ),
    )


@dataclass(frozen=True)
class ContentStats:
    """``tutor content stats``: the store's content, and apart from it the code's."""

    store: StoreContent
    code: CodeCoverage

    def to_json(self) -> dict[str, object]:
        """The CLI contract of ``tutor content stats --json``: the store's counts at the
        top, the code's under ``"code"``.

        The six keys of the original contract (issue 3) stay at the top: ``generators`` and
        ``knowledge_points_with_generators`` count what the store holds (a generator is
        stored as an item family), like every other top-level number.
        """
        s, c = self.store, self.code
        return {
            "curriculum": s.curriculum,
            "knowledge_points": s.knowledge_points,
            "generators": s.item_families,
            "knowledge_points_with_generators": s.knowledge_points_with_item_families,
            "prerequisite_edges": s.prerequisite_edges,
            "standards": s.standards,
            "alignments": s.alignments,
            "item_families": s.item_families,
            "knowledge_points_with_item_families": s.knowledge_points_with_item_families,
            "misconceptions": s.misconceptions,
            "imported_problems": s.imported_problems,
            "imported_problems_mapped": s.imported_problems_mapped,
            "code": {
                "pack": c.pack,
                "knowledge_points": c.knowledge_points,
                "generators": c.generators,
                "knowledge_points_with_generators": c.knowledge_points_with_generators,
                "misconceptions": c.misconceptions,
            },
        }

    def table(self) -> str:
        """Both reports, for people: the store first (what the tutor uses), then the code."""
        s, c = self.store, self.code
        if s.curriculum is None:
            lines = [
                f"In the store ({s.url}): no curriculum. Load one: `tutor graph load default`",
            ]
        else:
            lines = [
                f"In the store ({s.url}): curriculum {s.curriculum}",
                f"  {s.knowledge_points} knowledge points, {s.prerequisite_edges} prerequisite "
                f"edges, {s.standards} standards, {s.alignments} alignments",
                f"  {s.item_families} item families (items for "
                f"{s.knowledge_points_with_item_families} points), "
                f"{s.misconceptions} misconceptions",
                "",
                *_table(s.domains, "families"),
            ]
        lines.append(
            f"  imported problems: {s.imported_problems} "
            f"({s.imported_problems_mapped} mapped to knowledge points)"
        )
        lines += [
            "",
            f"In the code (not the store): item generators and buggy rules written for the "
            f"default pack {c.pack}",
            f"  {c.generators} generators make items for {c.knowledge_points_with_generators} "
            f"of its {c.knowledge_points} points; {c.misconceptions} misconception rules",
            "",
            *_table(c.domains, "generators"),
        ]
        if s.curriculum is not None and (
            s.item_families != c.generators or s.misconceptions != c.misconceptions
        ):
            lines += [
                "",
                f"note: the store holds {s.item_families} item families and "
                f"{s.misconceptions} misconceptions, the code provides {c.generators} and "
                f"{c.misconceptions}; `tutor graph load default` loads the code's content "
                "with the default pack",
            ]
        return "\n".join(lines)
