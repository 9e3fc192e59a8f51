"""``tutor teacher …``, ``tutor class …``, ``tutor student …``: people, goals and practice."""

from __future__ import annotations

from typing import Any

import click

from tutor.access import School
from tutor.cli._common import EXIT_ERROR, cli, common_options, emit, open_cli_engine


@cli.group()
def teacher() -> None:
    """Teachers."""


@teacher.command("add")
@click.argument("teacher_id", metavar="ID")
@click.option("--name", required=True, help="The teacher's display name.")
@common_options
def teacher_add(teacher_id: str, name: str, store_url: str | None, as_json: bool) -> None:
    """Add a teacher."""
    with open_cli_engine(store_url) as engine:
        t = School(engine).add_teacher(teacher_id, name)
    emit({"id": t.id, "name": t.name}, as_json, lambda d: f"added teacher {d['id']}")


@cli.group("class")
def class_() -> None:
    """Classes of students."""


@class_.command("create")
@click.argument("class_id", metavar="ID")
@click.option("--name", required=True, help="The class's display name, e.g. 5A.")
@click.option("--teacher", "teacher_id", required=True, metavar="ID", help="Its teacher.")
@common_options
def class_create(
    class_id: str, name: str, teacher_id: str, store_url: str | None, as_json: bool
) -> None:
    """Create a class taught by an existing teacher."""
    with open_cli_engine(store_url) as engine:
        group = School(engine).create_class(class_id, name, teacher_id)
    emit(
        {"id": group.id, "name": group.name, "teacher": group.teacher_id},
        as_json,
        lambda d: f"created class {d['id']} ({d['name']}) for teacher {d['teacher']}",
    )


@class_.command("goal")
@click.argument("class_id", metavar="ID")
@click.argument("kp_id", metavar="KP_ID")
@common_options
def class_goal(class_id: str, kp_id: str, store_url: str | None, as_json: bool) -> None:
    """Set the goal knowledge point of every student in a class."""
    with open_cli_engine(store_url) as engine:
        students = School(engine).set_class_goal(class_id, kp_id)
    emit(
        {"class": class_id, "goal": kp_id, "students": [s.id for s in students]},
        as_json,
        lambda d: f"goal {d['goal']} set for {len(d['students'])} students of {d['class']}",
    )


@cli.group()
def student() -> None:
    """Students: add, set goals, practise."""


@student.command("add")
@click.argument("student_id", metavar="ID")
@click.option("--name", required=True, help="The student's display name.")
@click.option("--class", "class_id", default=None, metavar="ID", help="Their class.")
@click.option("--goal", default=None, metavar="KP_ID", help="Their goal knowledge point.")
@common_options
def student_add(
    student_id: str,
    name: str,
    class_id: str | None,
    goal: str | None,
    store_url: str | None,
    as_json: bool,
) -> None:
    """Add a student."""
    with open_cli_engine(store_url) as engine:
        s = School(engine).add_student(student_id, name, class_id, goal)
    emit(s.to_json(), as_json, lambda d: f"added student {d['id']}")


@student.command("goal")
@click.argument("student_id", metavar="ID")
@click.argument("kp_id", metavar="KP_ID")
@common_options
def student_goal(student_id: str, kp_id: str, store_url: str | None, as_json: bool) -> None:
    """Set a student's goal knowledge point."""
    with open_cli_engine(store_url) as engine:
        s = School(engine).set_goal(student_id, kp_id)
    emit(s.to_json(), as_json, lambda d: f"goal of {d['id']}: {d['goal']}")


@student.command("next")
@click.argument("student_id", metavar="ID")
@common_options
def student_next(student_id: str, store_url: str | None, as_json: bool) -> None:
    """The next item for a student, and why it was chosen."""
    with open_cli_engine(store_url) as engine:
        nxt = engine.next_item(student_id)

    def human(d: dict[str, Any]) -> str:
        lines = [d["choice"]["reason"]]
        if d["item"]:
            lines += [f"[{d['item']['item_id']}]", d["item"]["prompt"]]
        return "\n".join(lines)

    emit(nxt.to_json(), as_json, human)


@student.command("submit")
@click.argument("student_id", metavar="ID")
@click.option("--item", "item_id", required=True, metavar="ITEM_ID")
@click.option("--answer", required=True, metavar="TEXT")
@click.option(
    "--working", "working_path", default=None, metavar="FILE", help="Shown working, a step a line."
)
@common_options
def student_submit(
    student_id: str,
    item_id: str,
    answer: str,
    working_path: str | None,
    store_url: str | None,
    as_json: bool,
) -> None:
    """Answer an item as a student: checked, diagnosed, recorded, mastery updated."""
    from tutor import lab

    working = lab.read_working(working_path) if working_path else None
    with open_cli_engine(store_url) as engine:
        feedback = engine.submit(student_id, item_id, answer, working=working)
    emit(feedback.to_json(), as_json, _submitted)


def _submitted(d: dict[str, Any]) -> str:
    """The verdict line; which try it was and, when the answer did not count, why."""
    from tutor.i18n import render

    line = f"{d['status']}: {d['message']}"
    if d["try"] == 2:
        line += " (second try: kept with the first answer, which is the one that counts)"
    if d["note"]:
        line += "\n" + render(str(d["note"]), {}, "en")
    wrong = d.get("working")
    if wrong:  # the first wrong line of the shown working (issue 20)
        should = f"; it should be {wrong['expected']}" if wrong["expected"] else ""
        named = f" ({wrong['misconception']})" if wrong["misconception"] else ""
        line += f"\nworking, line {wrong['line']}: {wrong['text']}{should}{named}"
    return line


@student.command("path")
@click.argument("student_id", metavar="ID")
@common_options
def student_path(student_id: str, store_url: str | None, as_json: bool) -> None:
    """A student's remaining path to their goal, and the next step with its reason."""
    with open_cli_engine(store_url) as engine:
        data = engine.path_summary(student_id)

    def human(d: dict[str, Any]) -> str:
        steps = "\n".join(f"  {n}. {kp}" for n, kp in enumerate(d["path"], 1))
        return f"goal: {d['goal']}\n{steps}\nnext: {d['next']['reason']}"

    emit(data, as_json, human)


@class_.command("import-roster")
@click.argument("class_id", metavar="CLASS")
@click.argument("path", metavar="FILE", type=click.Path(dir_okay=False))
@common_options
def class_import_roster(class_id: str, path: str, store_url: str | None, as_json: bool) -> None:
    """Add a class's students from a CSV roster (student_id,name,password[,goal]).

    Every row is checked first; if any row is bad nothing is added and each bad row is
    listed with its line number, column and reason (exit status 2).
    """
    from pathlib import Path

    from tutor.access import MAX_ROSTER_BYTES
    from tutor.errors import InputError

    file = Path(path)
    if not file.is_file():
        raise InputError(f"roster file {path} does not exist; give the path of a CSV file")
    if file.stat().st_size > MAX_ROSTER_BYTES:
        raise InputError(
            f"roster file {path} is larger than {MAX_ROSTER_BYTES // 1000} kB; split the class"
        )
    try:
        text = file.read_bytes().decode("utf-8")
    except UnicodeDecodeError:
        raise InputError(
            f"roster file {path} is not UTF-8 text; save it from the spreadsheet as 'CSV UTF-8'"
        ) from None
    with open_cli_engine(store_url) as engine:
        report = School(engine).import_roster(class_id, text)

    def human(d: dict[str, Any]) -> str:
        if d["ok"]:
            return f"added {len(d['added'])} students to {d['class']}"
        lines = [f"nothing imported: {len(d['problems'])} problems"]
        lines += [
            f"  line {p['line']}" + (f", {p['column']}" if p["column"] else "") + f": {p['reason']}"
            for p in d["problems"]
        ]
        return "\n".join(lines)

    emit(report.to_json(), as_json, human)
    if not report.ok:
        click.echo(
            f"error: the roster for {class_id} has {len(report.problems)} problems; "
            "nothing was imported",
            err=True,
        )
        raise SystemExit(EXIT_ERROR)
