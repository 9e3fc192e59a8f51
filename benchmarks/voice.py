"""The tutor's voice (issue 15): what a child is shown, judged, on held-out generator families.

Cases: for every family of :data:`tutor.llm.plan.HELD_OUT_FAMILIES` (never trained on), items
at the family's first level (``--items`` seeds each); per item every kind a student meets —
feedback after a wrong answer *with* a misconception (a buggy rule's answer) and *without*
one (a near miss no rule explains), hints at rungs 1–3, the explanation (plain and after the
wrong answer), and the why after a right answer — in English and Chinese, in the three styles.

Each case goes through :func:`tutor.llm.explain.explain` exactly as the engine calls it (plan →
template → model rewording → guard → regenerate → template), and the **shown** text is
judged:

* by the guard's own causes (:func:`tutor.llm.guard.check_output` with the plan);
* by checks that do not go through the guard's maths reader: the answer written out in a
  hint or feedback, the wrong script (CJK in English, no CJK in Chinese), U+FFFD, empty;
  an explanation or why that does not state the verified answer
  (:func:`tutor.llm.guard.stated_answer_correct`).

Reported: faulty texts by cause (goal 0), the share worded by the model per language (goal
≥ 80 % en, ≥ 50 % zh), reading level (Flesch-Kincaid grade of English texts, longest
sentence of Chinese ones), length; and the latency of the first words (the template, which a
page shows at once) through the engine on this machine, p50/p95 for 1 student and for 30
concurrent students.

A real model is slow on a shared 2-core CPU, so ``--model-sample N`` sends only every k-th
case (N in all, half per language, deterministic) to the model; the other cases are shown
their template, and the model share is reported on the sample. ``--compare`` with
``--adapter PATH`` runs the base model and base + adapter on the same cases in one run.
``--write-gate`` writes the measured pass rates per language into the language gate
(``content/llm/voice_gate.json``, :mod:`tutor.llm.gate`).

Run (full; hours on 2 CPU cores):
    python benchmarks/voice.py --model smollm2 --items 2 --write BENCHMARKS.md --write-gate
Reduced (what BENCHMARKS.md shows, see its section for N):
    python benchmarks/voice.py --model smollm2 --model-sample 40 --write BENCHMARKS.md \\
        --write-gate
Before/after LoRA:
    python benchmarks/voice.py --model smollm2 --adapter PATH --compare --model-sample 40
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _report import write_section  # noqa: E402

from tutor.content.items import GENERATORS, Item, ensure_generators_loaded, generate  # noqa: E402
from tutor.diagnosis.answer import diagnose_answer  # noqa: E402
from tutor.llm.base import LanguageModel  # noqa: E402
from tutor.llm.explain import Explanation, explain  # noqa: E402
from tutor.llm.guard import (  # noqa: E402
    GuardStats,
    check_output,
    reading_grade,
    sentence_chars,
    stated_answer_correct,
)
from tutor.llm.options import STYLES, ExplainOptions  # noqa: E402
from tutor.llm.plan import (  # noqa: E402
    HELD_OUT_FAMILIES,
    build_plan,
    plan_reference,
    sample_wrong_answers,
)
from tutor.llm.template import TemplateModel  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results" / "voice.json"
CJK = re.compile(r"[\u4e00-\u9fff]")


@dataclass(frozen=True)
class Case:
    """One text a student could be shown."""

    item: Item
    kind: str
    hint_level: int
    language: str
    style: str
    answer: str | None  # the student's answer (wrong for feedback/explanation, right for why)
    with_misconception: bool

    @property
    def label(self) -> str:
        """``kind`` plus what makes it differ (rung, misconception)."""
        if self.kind == "hint":
            return f"hint {self.hint_level}"
        if self.kind == "feedback":
            return "feedback, misconception" if self.with_misconception else "feedback, near miss"
        if self.kind == "explanation" and self.answer:
            return "explanation after a wrong answer"
        return self.kind


def cases(items_per_family: int) -> list[Case]:
    """Every case of the held-out families (see the module docstring), in a fixed order."""
    ensure_generators_loaded()
    out: list[Case] = []
    for family in HELD_OUT_FAMILIES:
        gen = GENERATORS[family]
        for seed in range(items_per_family):
            item = generate(family, gen.levels[0], 1000 + seed)
            with_mc, plain = sample_wrong_answers(item)
            for language in ("en", "zh"):
                for style in STYLES:

                    def add(
                        kind: str,
                        level: int = 1,
                        answer: str | None = None,
                        mc: bool = False,
                        at: tuple[Item, str, str] = (item, language, style),
                    ) -> None:
                        out.append(Case(at[0], kind, level, at[1], at[2], answer, mc))

                    if with_mc:
                        add("feedback", answer=with_mc[0], mc=True)
                    if plain:
                        add("feedback", answer=plain)
                    for level in (1, 2, 3):
                        add("hint", level)
                    add("explanation")
                    wrong = with_mc[0] if with_mc else plain
                    if wrong:
                        add("explanation", answer=wrong, mc=bool(with_mc))
                    add("why", answer=item.answer)
    return out


def _options(case: Case) -> ExplainOptions:
    return ExplainOptions(
        kind=case.kind,  # type: ignore[arg-type]
        hint_level=case.hint_level,
        language=case.language,  # type: ignore[arg-type]
        style=case.style,  # type: ignore[arg-type]
    )


def independent_faults(case: Case, text: str) -> list[str]:
    """Faults found without the guard's maths reader (see the module docstring)."""
    faults = []
    if not text.strip():
        faults.append("empty")
    if "\ufffd" in text:
        faults.append("replacement_char")
    has_cjk = bool(CJK.search(text))
    if has_cjk != (case.language == "zh"):
        faults.append("wrong_script")
    answer = case.item.answer
    if case.kind in ("hint", "feedback"):
        # Written out as a number the problem itself does not contain (an operand that
        # happens to equal the answer, as in 4/6 = 2/6 + □/6, is not giving it away).
        pattern = rf"(?<![\d./]){re.escape(answer)}(?![\d/]|\.\d)"
        problem = case.item.prompt + " " + case.item.prompt_zh
        prompt_numbers = set(re.findall(r"\d+(?:\.\d+)?", problem))
        in_problem = answer in prompt_numbers or re.search(pattern, problem)
        if re.search(pattern, text) and not in_problem:
            faults.append("answer_written_out")
    elif not stated_answer_correct(text, answer, case.item.policy):
        faults.append("answer_not_stated")
    return faults


def judge(case: Case, shown: Explanation) -> dict[str, Any]:
    """The shown text judged (guard causes + independent faults), with its measures."""
    diagnosis = diagnose_answer(case.item, case.answer) if case.answer else None
    plan = build_plan(case.item, case.answer, diagnosis, _options(case))
    ref = plan_reference(case.item, plan)
    causes = [r.split(":")[0] for r in check_output(shown.text, ref, plan=plan)]
    causes += independent_faults(case, shown.text)
    text = shown.text
    return {
        "family": case.item.generator,
        "item": case.item.item_id,
        "kind": case.label,
        "language": case.language,
        "style": case.style,
        "guard": shown.guard,
        "model_worded": shown.guard in ("accepted", "regenerated"),
        "faults": sorted(set(causes)),
        "reasons": [r.split(":")[0] for r in shown.reasons],
        "chars": len(text),
        "reading": reading_grade(text) if case.language == "en" else None,
        "sentence": max(sentence_chars(text), default=0) if case.language == "zh" else None,
        "text": text,
    }


def run_cases(
    all_cases: list[Case],
    model: LanguageModel,
    sample: set[int] | None,
    progress: Callable[[str], None],
) -> list[dict[str, Any]]:
    """Every case shown (through the model where ``sample`` has it, else the template)."""
    template = TemplateModel()
    stats = GuardStats()
    rows = []
    started = time.perf_counter()
    for k, case in enumerate(all_cases):
        asked = sample is None or k in sample
        diagnosis = diagnose_answer(case.item, case.answer) if case.answer else None
        t0 = time.perf_counter()
        shown = explain(
            case.item,
            model=model if asked else template,
            answer=case.answer,
            diagnosis=diagnosis,
            options=_options(case),
            stats=stats,
        )
        row = judge(case, shown)
        row["asked_model"] = asked and model.name != "template"
        row["seconds"] = round(time.perf_counter() - t0, 3)
        if row["asked_model"] and shown.model == "template":
            row["model_worded"] = False
        if not row["asked_model"]:
            row["model_worded"] = False
        rows.append(row)
        if row["asked_model"]:
            progress(
                f"[{k + 1}/{len(all_cases)} {time.perf_counter() - started:.0f}s] "
                f"{case.label} {case.language} {case.style}: {shown.guard} {row['reasons']}"
            )
    return rows


def summarize(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Faults by cause, model share per language (on the texts the model was asked for),
    reading level and length."""
    faults = Counter(f for r in rows for f in r["faults"])
    faulty = sum(1 for r in rows if r["faults"])
    share: dict[str, Any] = {}
    for language in ("en", "zh"):
        asked = [r for r in rows if r["language"] == language and r["asked_model"]]
        worded = sum(r["model_worded"] for r in asked)
        share[language] = {
            "asked": len(asked),
            "model_worded": worded,
            "share": round(worded / len(asked), 4) if asked else None,
            "rejections": dict(Counter(c for r in asked for c in r["reasons"]).most_common()),
        }
    en = [r["reading"] for r in rows if r["reading"] is not None]
    zh = [r["sentence"] for r in rows if r["sentence"] is not None]
    by_kind: dict[str, list[int]] = defaultdict(list)
    for r in rows:
        by_kind[f"{r['kind']} ({r['language']})"].append(r["chars"])
    return {
        "shown": len(rows),
        "faulty": faulty,
        "faults": dict(faults.most_common()),
        "model_share": share,
        "reading_en": _spread(en),
        "sentence_zh": _spread(zh),
        "chars_by_kind": {k: _spread(v) for k, v in sorted(by_kind.items())},
        "faulty_examples": [
            {k: r[k] for k in ("item", "kind", "language", "faults", "text")}
            for r in rows
            if r["faults"]
        ][:10],
    }


def _spread(values: list[float] | list[int]) -> dict[str, float] | None:
    if not values:
        return None
    ordered = sorted(values)
    return {
        "median": round(float(statistics.median(ordered)), 1),
        "p95": round(float(ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]), 1),
        "max": round(float(ordered[-1]), 1),
    }


# ---------------------------------------------------------------------------------------
# First words: the template, through the engine
# ---------------------------------------------------------------------------------------


def first_words_latency(students: int, rounds: int, model: LanguageModel | None) -> dict[str, Any]:
    """Seconds from asking the engine for a text (``Engine.explain_stream``, as a page does)
    to its first words (``template_text``), for ``students`` asking at the same moment, each
    about an item of their own, over ``rounds`` rounds of what a turn asks for in order
    (feedback, hint 1, hint 2, the explanation) — the first round of a fresh item pays for
    reading the item's reference values, later ones reuse them. With a ``model``, each
    stream's model wording is consumed in the background afterwards (as a page would), so
    later rounds compete with it for the CPU."""
    from tutor.access import School
    from tutor.content.bank import default_content_bank
    from tutor.content.curricula import default_curriculum
    from tutor.engine import Engine
    from tutor.graph import open_store
    from tutor.settings import Settings

    folder = Path(tempfile.mkdtemp(prefix="voice-bench-"))
    store = open_store(f"sqlite:///{folder / 'voice.db'}", Settings(data_dir=folder))
    store.load_curriculum(default_curriculum())
    store.load_content(default_content_bank())
    engine = Engine(store, model=model or TemplateModel())
    school = School(engine)
    school.add_teacher("t1", "Ms Li")
    school.create_class("c1", "5A", "t1")
    for s in range(students):
        school.add_student(f"s{s}", f"Student {s}", "c1", goal="fractions.add_unlike")
    # Each student on an item of their own (held-out families, seeded), as in a class.
    items = []
    for s in range(students):
        family = HELD_OUT_FAMILIES[s % len(HELD_OUT_FAMILIES)]
        item = generate(family, GENERATORS[family].levels[0], 500 + s)
        with_mc, plain = sample_wrong_answers(item)
        items.append((item, with_mc[0] if with_mc else plain))
    asks = [
        ExplainOptions(kind="feedback", language="zh"),
        ExplainOptions(kind="hint", hint_level=1),
        ExplainOptions(kind="hint", hint_level=2, language="zh"),
        ExplainOptions(kind="explanation"),
    ]
    times: list[float] = []
    first_round: list[float] = []
    background: list[threading.Thread] = []
    lock = threading.Lock()
    for r in range(rounds):
        barrier = threading.Barrier(students)
        options = asks[r % len(asks)]

        def ask(
            s: int, options: ExplainOptions = options, barrier: threading.Barrier = barrier
        ) -> None:
            item, wrong = items[s]
            barrier.wait()
            t0 = time.perf_counter()
            stream = engine.explain_stream(f"s{s}", item.item_id, wrong, options)
            assert stream.template_text
            elapsed = time.perf_counter() - t0
            with lock:
                times.append(elapsed)
                if options is asks[0]:
                    first_round.append(elapsed)
            if model is not None:
                worker = threading.Thread(target=lambda: "".join(stream), daemon=True)
                worker.start()
                background.append(worker)

        threads = [threading.Thread(target=ask, args=(s,)) for s in range(students)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    store.close()
    ordered = sorted(times)
    return {
        "students": students,
        "requests": len(ordered),
        "p50_s": round(statistics.median(ordered), 4),
        "p95_s": round(ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))], 4),
        "max_s": round(ordered[-1], 4),
        "first_round_p95_s": round(
            sorted(first_round)[min(len(first_round) - 1, int(0.95 * len(first_round)))], 4
        ),
    }


# ---------------------------------------------------------------------------------------
# Models, the gate, the report
# ---------------------------------------------------------------------------------------


def load_model(spec: str, adapter: Path | None) -> LanguageModel:
    """The model ``spec`` names (as ``--model`` of the CLI), with a LoRA ``adapter`` when
    given (the loader of the ``lora`` work: ``get_model(..., adapter=PATH)``)."""
    import inspect

    from tutor.llm.registry import get_model
    from tutor.settings import Settings

    settings = Settings.from_env()
    if adapter is None:
        return get_model(settings, spec)
    if "adapter" not in inspect.signature(get_model).parameters:
        raise SystemExit(
            "this build's tutor.llm.registry.get_model cannot load a LoRA adapter yet "
            "(merge the lora branch); run without --adapter"
        )
    return get_model(settings, spec, adapter=adapter)  # type: ignore[call-arg]


def write_gate(runs: dict[str, dict[str, Any]], command: str) -> Path:
    """Merge the measured pass rates into ``content/llm/voice_gate.json``."""
    from tutor.llm.gate import GATE_FILE, THRESHOLD, gate_entry

    path = ROOT / GATE_FILE
    data = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    models = data.get("models", {})
    for name, run in runs.items():
        if name == "template":
            continue
        models[name] = {
            language: gate_entry(entry["share"] or 0.0, entry["asked"], THRESHOLD)
            for language, entry in run["summary"]["model_share"].items()
        }
    data = {
        "threshold": THRESHOLD,
        "measured": time.strftime("%Y-%m-%d", time.gmtime()),
        "command": command,
        "note": "written by benchmarks/voice.py --write-gate; read by tutor/llm/gate.py",
        "models": models,
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


def _pct(x: float | None) -> str:
    return "–" if x is None else f"{100 * x:.0f} %"


def report(result: dict[str, Any]) -> str:
    """The BENCHMARKS.md section."""
    lines = [
        "Issue 15, `benchmarks/voice.py`: every text a student is shown (feedback after a "
        "wrong answer with and without a diagnosed misconception, hints at rungs 1–3, the "
        "explanation plain and after a wrong answer, the why after a right answer; en and zh; "
        "3 styles) on the held-out generator families (`tutor.llm.plan.HELD_OUT_FAMILIES`, "
        f"{len(HELD_OUT_FAMILIES)} families never trained on), judged on the **shown** text. "
        f"Run {result['date']} on {result['machine']}: `{result['command']}`.",
        "",
        "| model | shown texts | faulty shown | model asked (en / zh) | model-worded en | "
        "model-worded zh | goal |",
        "| --- | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for name, run in result["runs"].items():
        s = run["summary"]
        en, zh = s["model_share"]["en"], s["model_share"]["zh"]
        lines.append(
            f"| {name} | {s['shown']} | {s['faulty']} | {en['asked']} / {zh['asked']} | "
            f"{_pct(en['share'])} | {_pct(zh['share'])} | 0 faulty; ≥ 80 % en, ≥ 50 % zh |"
        )
    for name, run in result["runs"].items():
        s = run["summary"]
        lines += [
            "",
            f"**{name}**: faults on shown texts by cause: "
            + (", ".join(f"{k} {v}" for k, v in s["faults"].items()) or "none")
            + ".",
        ]
        for language in ("en", "zh"):
            rej = s["model_share"][language]["rejections"]
            if rej:
                lines.append(
                    f"Why the model's {language} tries were rejected (tries, by cause): "
                    + ", ".join(f"{k} {v}" for k, v in rej.items())
                    + "."
                )
        lines.append(
            f"Reading level of shown English texts (Flesch-Kincaid grade): median "
            f"{(s['reading_en'] or {}).get('median')}, p95 {(s['reading_en'] or {}).get('p95')}; "
            f"longest Chinese sentence: median {(s['sentence_zh'] or {}).get('median')}, "
            f"p95 {(s['sentence_zh'] or {}).get('p95')} characters."
        )
        lines += [
            "",
            "| kind (language) | chars median | p95 | max |",
            "| --- | ---: | ---: | ---: |",
        ]
        for kind, spread in s["chars_by_kind"].items():
            if spread:
                lines.append(f"| {kind} | {spread['median']} | {spread['p95']} | {spread['max']} |")
    lat = result.get("latency") or []
    if lat:
        lines += [
            "",
            "First words (the template, shown at once) through the engine "
            "(`Engine.explain_stream(...).template_text`, SQLite store, this machine):",
            "",
            "| concurrent students | requests | p50 | p95 | p95 of fresh items (feedback) | max "
            "| goal |",
            "| ---: | ---: | ---: | ---: | ---: | ---: | --- |",
        ]
        for row in lat:
            lines.append(
                f"| {row['students']} | {row['requests']} | {1000 * row['p50_s']:.0f} ms | "
                f"{1000 * row['p95_s']:.0f} ms | {1000 * row['first_round_p95_s']:.0f} ms | "
                f"{1000 * row['max_s']:.0f} ms | p95 ≤ 1 s |"
            )
    lines += [
        "",
        "The model is asked only for the cases of `--model-sample` (half per language, every "
        "k-th case: deterministic); every other case shows its template, which is what the "
        "engine shows whenever the model's text is rejected or the gate is closed. The model "
        "share above is on the asked cases. Full run (every case through the model; hours on "
        "2 shared cores): `python benchmarks/voice.py --model smollm2 --write BENCHMARKS.md "
        "--write-gate`; before and after LoRA in one run: add `--adapter PATH --compare`.",
    ]
    gate = result.get("gate")
    if gate:
        lines += [
            "",
            f"Language gate written (`{gate}`), threshold 80 % (see `tutor/llm/gate.py`).",
        ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--model", default="template", help="model spec (template, smollm2, …)")
    parser.add_argument("--adapter", type=Path, default=None, help="a LoRA adapter folder")
    parser.add_argument("--compare", action="store_true", help="base and base+adapter, one run")
    parser.add_argument("--items", type=int, default=1, help="items per family (default 1)")
    parser.add_argument(
        "--model-sample", type=int, default=0, help="cases sent to the model (0: all)"
    )
    parser.add_argument("--latency-rounds", type=int, default=4)
    parser.add_argument("--no-latency", action="store_true")
    parser.add_argument("--write", type=Path, default=None, help="BENCHMARKS.md to update")
    parser.add_argument("--write-gate", action="store_true")
    parser.add_argument("--json", type=Path, default=RESULTS)
    parser.add_argument(
        "--from-json", type=Path, default=None, help="only render a saved result (no run)"
    )
    args = parser.parse_args(argv)
    if args.from_json is not None:
        saved = json.loads(args.from_json.read_text(encoding="utf-8"))
        body = report(saved)
        print(body)
        if args.write:
            write_section(args.write, body, "voice", heading="## The tutor's voice (issue 15)")
        return 0
    if args.compare and args.adapter is None:
        parser.error("--compare needs --adapter PATH")

    def progress(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    all_cases = cases(args.items)
    progress(f"{len(all_cases)} cases on {len(HELD_OUT_FAMILIES)} held-out families")
    sample: set[int] | None = None
    if args.model_sample:
        # Every k-th case of each language, so both languages get half the sample.
        sample = set()
        for language in ("en", "zh"):
            idx = [k for k, c in enumerate(all_cases) if c.language == language]
            step = max(1, len(idx) // max(1, args.model_sample // 2))
            sample.update(idx[::step][: args.model_sample // 2])
    models: list[tuple[str, LanguageModel]] = []
    if args.compare or args.adapter is None:
        # Under --compare the base arm is the model without any adapter (a pulled SmolLM2
        # otherwise gets the shipped one by default).
        base = load_model(args.model, Path("none") if args.compare else None)
        models.append((base.name, base))
    if args.adapter is not None:
        tuned = load_model(args.model, args.adapter)
        name = tuned.name
        if any(name == seen for seen, _ in models):
            name += " + adapter"
        models.append((name, tuned))
    runs: dict[str, dict[str, Any]] = {}
    for name, model in models:
        t0 = time.perf_counter()
        rows = run_cases(all_cases, model, sample if name != "template" else None, progress)
        runs[name] = {"summary": summarize(rows), "seconds": round(time.perf_counter() - t0, 1)}
        # Kept in the JSON: the texts the model was asked for and any faulty shown text (the
        # template-only rows are summarised above; all 1,000+ would bloat the file).
        runs[name]["rows"] = [r for r in rows if r["asked_model"] or r["faults"]]
        progress(f"{name}: {json.dumps(runs[name]['summary']['model_share'])}")
    latency = []
    if not args.no_latency:
        for students in (1, 30):
            latency.append(first_words_latency(students, args.latency_rounds, None))
            progress(f"latency {latency[-1]}")
    import os
    import platform

    result = {
        "date": time.strftime("%Y-%m-%d", time.gmtime()),
        "machine": f"{platform.machine()}, {os.cpu_count()} CPU cores (shared)",
        "command": "python benchmarks/voice.py "
        + " ".join(argv if argv is not None else sys.argv[1:]),
        "runs": runs,
        "latency": latency,
    }
    if args.write_gate:
        result["gate"] = str(write_gate(runs, result["command"]).relative_to(ROOT))
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(result, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    body = report(result)
    print(body)
    if args.write:
        write_section(args.write, body, "voice", heading="## The tutor's voice (issue 15)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
