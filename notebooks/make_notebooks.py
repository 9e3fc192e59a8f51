"""Write the analysis notebooks of ``notebooks/`` from the cell sources below.

The notebooks are generated rather than edited by hand so that they stay reviewable as
code, and so that what is committed never carries outputs or execution counts (the test
``tests/integration/test_notebooks.py`` executes each one top to bottom and checks that
the committed files are clean). After changing a cell here, run::

    .venv/bin/python notebooks/make_notebooks.py

and commit the regenerated ``.ipynb`` files.
"""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

HERE = Path(__file__).resolve().parent

#: The kernel every notebook asks for: the project's own interpreter (``.venv``), which
#: ipykernel registers as "python3".
KERNELSPEC = {"name": "python3", "display_name": "Python 3 (kptutor)", "language": "python"}

Cell = tuple[str, str]


def md(text: str) -> Cell:
    return ("markdown", text.strip("\n"))


def code(text: str) -> Cell:
    return ("code", text.strip("\n"))


CURRICULUM: list[Cell] = [
    md("""
# Curriculum analysis — the default K12 maths pack

What a curriculum designer wants to know about the knowledge-point graph before changing
it: how big each grade and domain is, how long the prerequisite chains get, which points
everything else depends on (bottlenecks), which points still lack item generators or
misconceptions, and how much of the Common Core (CCSS) the pack aligns to.

Everything is read through the `tutor` API from a throw-away embedded store loaded with
the default curriculum and its content bank — the same store the app uses.

# 课程分析——默认 K12 数学知识点图

在修改知识点图之前，课程设计者需要了解：各年级、各领域有多少知识点，先修链有多长，
哪些知识点是众多后续内容的"瓶颈"，哪些知识点还没有题目生成器或错误概念，以及与美国
共同核心标准（CCSS）的对齐覆盖情况。本笔记本通过 `tutor` 接口读取一个临时嵌入式存储。
"""),
    code("""
import shutil
import tempfile
from collections import Counter
from pathlib import Path

import matplotlib.pyplot as plt
import networkx as nx
import numpy as np
import pandas as pd

from tutor.content.bank import default_content_bank
from tutor.content.curricula import default_curriculum
from tutor.domain import grade_rank
from tutor.graph import open_store
from tutor.settings import Settings

workdir = Path(tempfile.mkdtemp(prefix="kptutor-curriculum-"))
store = open_store(f"sqlite:///{workdir / 'curriculum.db'}", Settings(data_dir=workdir))
curriculum = default_curriculum()
report = store.load_curriculum(curriculum)
store.load_content(default_content_bank())
report.to_json()
"""),
    md("""
## The graph as networkx sees it

Edges point from a prerequisite to what needs it. The store's own statistics and the
networkx view must agree (a cheap consistency check between the two).
"""),
    code("""
nodes = store.list_nodes()
points = pd.DataFrame(
    {
        "id": k.id,
        "name": k.name,
        "name_zh": k.name_zh,
        "grade": k.grade,
        "domain": k.domain,
        "standards": len(k.standards),
    }
    for k in nodes
).set_index("id")
direct = store.direct_prerequisites(list(points.index))
graph = nx.DiGraph()
graph.add_nodes_from(points.index)
graph.add_edges_from((pre, kp) for kp, pres in direct.items() for pre in pres)

stats = store.stats().to_json()
assert nx.is_directed_acyclic_graph(graph)
assert stats["knowledge_points"] == graph.number_of_nodes()
assert stats["prerequisite_edges"] == graph.number_of_edges()
stats
"""),
    md("## Size per grade and domain"),
    code("""
grades = sorted(points["grade"].dropna().unique(), key=grade_rank)
size = points.pivot_table(index="grade", columns="domain", values="name", aggfunc="count")
size = size.reindex(grades).fillna(0).astype(int)
size["total"] = size.sum(axis=1)
size
"""),
    code("""
# A heatmap, not 17 stacked colours: each cell is read by its number and its shade.
cells = size.drop(columns="total").T
fig, ax = plt.subplots(figsize=(9, 6))
im = ax.imshow(cells.values, cmap="Blues", aspect="auto")
ax.set_xticks(range(len(cells.columns)), cells.columns)
ax.set_yticks(range(len(cells.index)), cells.index)
for (i, j), n in np.ndenumerate(cells.values):
    if n:
        ax.text(j, i, n, ha="center", va="center", fontsize=8,
                color="white" if n > cells.values.max() / 2 else "black")
ax.set_xlabel("grade")
ax.set_title("Knowledge points per grade and domain: where each domain lives")
plt.tight_layout()
plt.show()
"""),
    md("""
## Longest prerequisite chains

The depth of a point is the number of points on the longest chain of prerequisites that
ends at it (a point without prerequisites has depth 1). The deepest points are the ones a
student reaches last whatever the tutor does.
"""),
    code("""
depth = {}
for kp in nx.topological_sort(graph):
    depth[kp] = 1 + max((depth[p] for p in graph.predecessors(kp)), default=0)
points["depth"] = pd.Series(depth)

longest = nx.dag_longest_path(graph)
assert len(longest) == stats["longest_chain"] == points["depth"].max()
pd.DataFrame(
    {"id": longest, "grade": points.loc[longest, "grade"].values,
     "name": points.loc[longest, "name"].values}
)
"""),
    code("""
deepest = points.sort_values(["depth", "grade"], ascending=[False, True]).head(10)
deepest[["name", "grade", "domain", "depth"]]
"""),
    code("""
fig, (left, right) = plt.subplots(1, 2, figsize=(11, 3.8))
points["depth"].plot.hist(bins=range(1, points["depth"].max() + 2), ax=left, rwidth=0.9)
left.set_xlabel("depth (points on the longest chain ending here)")
left.set_title("How deep the points sit")
by_grade = points.groupby("grade")["depth"].mean().reindex(grades)
by_grade.plot.bar(ax=right, color="tab:orange")
right.set_ylabel("mean depth")
right.set_title("Mean depth per grade")
plt.tight_layout()
plt.show()
"""),
    md("""
## Bottlenecks: how much of the graph builds on a point

The telling number is a point's *dependents*: every point that needs it, directly or
through others. If students stumble there, all of those wait. (Betweenness centrality,
shown beside it, measures something else — how many shortest routes pass through a
point — and is tiny on a graph like this one.)
"""),
    code("""
points["betweenness"] = pd.Series(nx.betweenness_centrality(graph, normalized=True))
points["dependents"] = pd.Series({kp: len(nx.descendants(graph, kp)) for kp in graph})
points["share"] = (points["dependents"] / len(points)).round(2)
bottlenecks = points.sort_values("dependents", ascending=False).head(15)
bottlenecks[["name", "grade", "domain", "dependents", "share", "betweenness"]]
"""),
    code("""
fig, ax = plt.subplots(figsize=(9, 5))
shown = bottlenecks.iloc[::-1]
ax.barh([f"{name} (G{grade})" for name, grade in zip(shown["name"], shown["grade"])],
        shown["dependents"], color="#0072B2")
for y, (n, s) in enumerate(zip(shown["dependents"], shown["share"])):
    ax.annotate(f"{n} ({s:.0%})", (n, y), xytext=(3, 0), textcoords="offset points",
                va="center", fontsize=8)
ax.set_xlabel("dependents (points that need it, directly or not)")
ax.set_title("The 15 biggest bottlenecks: how much of the graph builds on each")
plt.tight_layout()
plt.show()
"""),
    md("""
## Points with no items or no misconceptions

A point with no item family (no generator) cannot be practised or measured by the tutor;
a point that no misconception signals can only be diagnosed from shown working.
"""),
    code("""
families = store.item_families()
with_items = {f.kp for f in families}
signalled = {kp for m in store.misconceptions() for kp in m.signals}
points["has_items"] = points.index.isin(with_items)
points["has_misconceptions"] = points.index.isin(signalled)
gaps = points.groupby("grade").agg(
    points=("name", "count"),
    without_items=("has_items", lambda s: int((~s).sum())),
    without_misconceptions=("has_misconceptions", lambda s: int((~s).sum())),
).reindex(grades)
gaps
"""),
    code("""
ax = gaps[["without_items", "without_misconceptions"]].plot.bar(figsize=(9, 3.8), width=0.8)
ax.plot(range(len(gaps)), gaps["points"], "k_", markersize=18, label="all points")
ax.set_ylabel("knowledge points")
ax.set_title("Points without item generators or misconception rules, per grade")
ax.legend()
plt.tight_layout()
plt.show()
"""),
    md("The bottlenecks that still have no generator come first on the to-do list:"),
    code("""
todo = points[~points["has_items"]].sort_values("dependents", ascending=False)
todo[["name", "grade", "domain", "dependents", "share"]].head(10)
"""),
    md("""
## CCSS coverage

How many Common Core standards (and substandards) the pack's knowledge points align to,
per grade, out of the standards of that grade.
"""),
    code("""
standard_grade = {s.id: s.grade for s in curriculum.standards}
aligned = {sid for k in nodes for sid in k.standards}
assert aligned <= set(standard_grade), "every alignment names a loaded standard"
coverage = pd.DataFrame(
    {
        "standards": Counter(standard_grade.values()),
        "aligned": Counter(standard_grade[s] for s in aligned),
    }
).fillna(0).astype(int)
coverage = coverage.loc[sorted(coverage.index, key=grade_rank)]
coverage["share"] = (coverage["aligned"] / coverage["standards"]).round(3)
print(f"{len(aligned)} of {len(standard_grade)} CCSS standards are aligned to at least one point")
coverage
"""),
    code("""
ax = coverage[["standards", "aligned"]].plot.bar(figsize=(9, 3.8), width=0.8,
                                                 color=["lightgray", "tab:green"])
for i, share in enumerate(coverage["share"]):
    ax.annotate(f"{share:.0%}", (i, coverage["aligned"].iloc[i]), ha="left", va="bottom",
                fontsize=8)
ax.set_ylabel("CCSS standards")
ax.set_title("CCSS standards per grade, and those the pack aligns to")
plt.tight_layout()
plt.show()
"""),
    code("""
store.close()
shutil.rmtree(workdir)
"""),
]


CLASS: list[Cell] = [
    md("""
# Class analytics — a simulated class through the real engine

Thirty simulated students (`tutor.sim`) work with the real tutor (`tutor.engine.Engine`)
on a throw-away embedded store loaded with the default curriculum: the engine chooses each
item, checks the answer, diagnoses wrong answers and updates mastery exactly as in the
app. Each simulated student has hidden knowledge on the same graph (learn rate, slip,
guess, forgetting, held misconceptions); the tutor never sees it.

The class practises for a few school days towards one goal (two-digit subtraction with
regrouping), then takes a short quiz of two-digit and three-digit addition and subtraction
items where the buggy rules of the misconception library can show. The class is drawn with
more misconceptions than the simulator's default population (`misconception_rate` 0.2–0.5
instead of 0.05–0.2) so that there is something to diagnose.

We then look at: mastery over time, the most frequent misconceptions, and DINA skill
profiles fitted to the quiz.

# 班级分析——用真实引擎模拟一个班

三十名模拟学生与真实的辅导引擎一起练习若干天，然后做一次小测。我们查看掌握度随时间的
变化、最常见的错误概念，以及根据小测结果拟合的 DINA 技能画像。
"""),
    code("""
import random
import shutil
import tempfile
from collections import Counter
from dataclasses import replace
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from tutor.access import School
from tutor.content.bank import default_content_bank
from tutor.content.curricula import default_curriculum
from tutor.content.items import generate
from tutor.diagnosis.cdm import fit_dina, skill_mastery, weakest_skills
from tutor.engine import Engine
from tutor.graph import open_store
from tutor.learner.mastery import MASTERED
from tutor.settings import Settings
from tutor.sim.config import DEFAULT_POPULATION
from tutor.sim.student import draw_student
from tutor.sim.world import build_world

SEED = 2024
STUDENTS = 30
DAYS = 6
ANSWERS_PER_DAY = 8
GOAL = "whole_ops.subtract_2digit_regroup"

workdir = Path(tempfile.mkdtemp(prefix="kptutor-class-"))
store = open_store(f"sqlite:///{workdir / 'class.db'}", Settings(data_dir=workdir))
store.load_curriculum(default_curriculum())
store.load_content(default_content_bank())
"""),
    md("""
## The class

The simulator's world for grade 2 gives each student a starting knowledge of the goal's
prerequisites and a set of held misconceptions. The engine runs on a simulated clock:
one answer a minute, one school day per round.
"""),
    code("""
world = build_world(2)
population = replace(DEFAULT_POPULATION, misconception_rate=(0.2, 0.5), goal_grade=2)
rng = random.Random(SEED)
clock = [1_767_000_000.0]
engine = Engine(store, clock=lambda: clock[0])
school = School(engine)
school.add_teacher("t.li", "Ms Li")
school.create_class("2A", "Class 2A", "t.li")
hidden = {}
for i in range(STUDENTS):
    sid = f"s{i + 1:02d}"
    school.add_student(sid, f"Student {i + 1}", "2A", goal=GOAL)
    hidden[sid] = draw_student(world, population, rng)
path = store.learning_order(GOAL)
held = Counter(m for s in hidden.values() for m in s.misconceptions)
print(f"{STUDENTS} students, goal {GOAL!r}, {len(path)} points on the path")
pd.Series(held, name="students holding it").sort_values(ascending=False)
"""),
    code("""
def practise(sid, item):
    \"\"\"One answer: the hidden student answers, the engine checks and records it.\"\"\"
    student = hidden[sid]
    answer = student.answer(item, world)
    feedback = engine.submit(sid, item.item_id, answer)
    if feedback.misconception is not None:
        student.hear_misconception(feedback.misconception.id)
    student.practise(item.kp, world)
    clock[0] += 60.0
    return feedback


def class_mastery():
    \"\"\"Each student's stored P(known) of every point on the path (students × points).\"\"\"
    rows = {}
    for sid in hidden:
        stored = store.mastery(sid)
        rows[sid] = {kp: stored[kp].p if kp in stored else 0.2 for kp in path}
    return pd.DataFrame.from_dict(rows, orient="index")[path]


snapshots = [class_mastery()]
for day in range(DAYS):
    for sid in hidden:
        for _ in range(ANSWERS_PER_DAY):
            nxt = engine.next_item(sid)
            if nxt.item is None:
                break
            practise(sid, nxt.item)
    clock[0] += 86_400.0
    snapshots.append(class_mastery())
answers = sum(len(store.attempts(sid)) for sid in hidden)
print(f"{answers} answers recorded over {DAYS} days")
"""),
    md("""
## Mastery over time

The tutor's belief (stored mastery) averaged over the path, and the share of path points
each student has mastered (P ≥ 0.95), after each day. The thin lines are single students.
"""),
    code("""
mean_p = pd.DataFrame({day: snap.mean(axis=1) for day, snap in enumerate(snapshots)})
share = pd.DataFrame({day: (snap >= MASTERED).mean(axis=1) for day, snap in enumerate(snapshots)})

fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4), sharex=True)
for ax, table, label in ((left, mean_p, "mean P(known) over the path"),
                         (right, share, "share of path points mastered")):
    ax.plot(table.columns, table.T.values, color="tab:blue", alpha=0.15, linewidth=1)
    ax.plot(table.columns, table.mean(axis=0), color="tab:blue", linewidth=3, label="class mean")
    ax.set_xlabel("day")
    ax.set_ylabel(label)
    ax.set_ylim(0, 1)
    ax.legend(loc="upper left")
left.set_title("The tutor's belief, per student")
right.set_title("Mastered points, per student")
plt.tight_layout()
plt.show()
"""),
    code("""
final = snapshots[-1]
fig, ax = plt.subplots(figsize=(11, 6))
image = ax.imshow(final.values, aspect="auto", cmap="RdYlGn", vmin=0, vmax=1)
ax.set_xticks(range(len(path)))
ax.set_xticklabels([kp.split(".")[-1] for kp in path], rotation=70, ha="right", fontsize=7)
ax.set_yticks(range(len(final)))
ax.set_yticklabels(final.index, fontsize=7)
ax.set_title(f"Stored mastery after {DAYS} days (students × points, in learning order)")
fig.colorbar(image, ax=ax, label="P(known)")
plt.tight_layout()
plt.show()
"""),
    md("""
## The quiz

Every student answers the same short quiz: two-digit and three-digit addition and
subtraction at levels 2 and 3 (where regrouping is needed), plus place-value items. The
engine checks and records the answers like any other, and names the misconception when a
wrong answer equals a buggy rule's answer.
"""),
    code("""
QUIZ_GENERATORS = ["add_2digit", "add_within_1000", "subtract_2digit",
                   "subtract_within_1000", "tens_ones_compose"]
quiz = [generate(name, level, 100 + seed) for name in QUIZ_GENERATORS for level in (2, 3)
        for seed in range(2)]
responses = np.zeros((STUDENTS, len(quiz)), dtype=int)
recorded = np.zeros_like(responses, dtype=bool)
for i, sid in enumerate(hidden):
    for j, item in enumerate(quiz):
        feedback = practise(sid, item)
        responses[i, j] = feedback.status == "correct"
        recorded[i, j] = feedback.recorded
print(f"{len(quiz)} quiz items; class score {responses.mean():.0%}")
"""),
    md("""
## Misconception frequency

Every recorded answer that matched a buggy rule, over the practice days and the quiz:
how often each misconception was seen and in how many students.
"""),
    code("""
attempts = [a for sid in hidden for a in store.attempts(sid)]
seen = pd.DataFrame(
    [{"misconception": a.misconception, "student": a.student_id, "answer": a.answer,
      "item": a.item_id} for a in attempts if a.misconception]
)
if seen.empty:
    frequency = pd.DataFrame(columns=["answers", "students", "example"])
else:
    frequency = seen.groupby("misconception").agg(
        answers=("student", "size"), students=("student", "nunique"),
        example=("answer", "first"),
    ).sort_values("answers", ascending=False)
wrong = sum(not a.correct for a in attempts)
print(f"{len(seen)} of {wrong} wrong answers matched a buggy rule")
frequency
"""),
    code("""
fig, ax = plt.subplots(figsize=(9, 3.5))
if len(frequency):
    ax.barh(frequency.index[::-1], frequency["answers"][::-1], color="tab:purple",
            label="answers")
    ax.barh(frequency.index[::-1], frequency["students"][::-1], color="tab:pink", height=0.4,
            label="students")
    ax.legend()
ax.set_xlabel("count")
ax.set_title("Misconceptions the tutor diagnosed in this class")
plt.tight_layout()
plt.show()
"""),
    md("""
## DINA skill profiles from the quiz

The quiz's Q-matrix comes from the items themselves: an item needs a knowledge point when
its generator assesses that point with weight ≥ 0.5 (points the quiz only ever tests
together are merged into one skill, since no model could tell them apart). DINA
(`tutor.diagnosis.cdm`) then fits, from the class's 0/1 answers, each item's slip and
guess and a distribution over skill profiles; each student's posterior gives P(mastered)
for every skill.
"""),
    code("""
points = sorted({kp for item in quiz for kp, w in item.assesses.items() if w >= 0.5})
needs = np.array([[int(item.assesses.get(kp, 0.0) >= 0.5) for kp in points] for item in quiz])
# Points that every item tests together cannot be told apart by any model: merge them.
columns, names = [], []
for k, kp in enumerate(points):
    short = kp.split(".")[-1]
    for c, column in enumerate(columns):
        if np.array_equal(column, needs[:, k]):
            names[c] += " + " + short
            break
    else:
        columns.append(needs[:, k])
        names.append(short)
q = np.column_stack(columns)
model = fit_dina(responses, recorded, q)
profiles = pd.DataFrame(skill_mastery(model, responses, recorded), index=list(hidden),
                        columns=names)
skills = [[kp for kp in points if kp.split(".")[-1] in name.split(" + ")] for name in names]
print(f"DINA: {len(names)} skills, {len(quiz)} items, {model.iterations} EM iterations, "
      f"converged={model.converged}")
pd.DataFrame({"slip": model.slip, "guess": model.guess},
             index=[item.item_id for item in quiz]).round(3)
"""),
    code("""
weak = weakest_skills(profiles.values, n=len(names), names=names)
pd.DataFrame([s.to_json() for s in weak]).set_index("skill").round(3)
"""),
    code("""
codes = {name: f"S{k + 1}" for k, name in enumerate(names)}
fig, (top, bottom) = plt.subplots(2, 1, figsize=(11, 9), gridspec_kw={"height_ratios": [3, 2]})
image = top.imshow(profiles.values.T, aspect="auto", cmap="RdYlGn", vmin=0, vmax=1)
top.set_yticks(range(len(names)))
top.set_yticklabels([f"{codes[n]} {n}" for n in names], fontsize=8)
top.set_xticks(range(len(profiles)))
top.set_xticklabels(profiles.index, rotation=90, fontsize=7)
top.set_title("P(skill mastered | quiz answers), DINA — skills × students")
fig.colorbar(image, ax=top)
patterns = Counter(
    "+".join(codes[name] for name, p in zip(names, row) if p >= 0.5) or "none"
    for row in profiles.values
)
common = patterns.most_common(8)
bottom.bar([p for p, _ in common], [n for _, n in common], color="tab:green")
bottom.set_ylabel("students")
bottom.set_title("Most common skill profiles (skills mastered, P ≥ 0.5)")
plt.tight_layout()
plt.show()
"""),
    md("""
How the DINA profiles relate to the simulator's hidden truth (which no tutor can see):
the share of students who truly know each quiz skill at the end, next to DINA's estimate.
"""),
    code("""
truth = pd.Series({name: np.mean([all(s.knows(kp, world) for kp in group)
                                   for s in hidden.values()])
                   for name, group in zip(names, skills)})
pd.DataFrame({"truly known (hidden)": truth,
              "DINA: share mastered": (profiles >= 0.5).mean(),
              "DINA: mean P(mastered)": profiles.mean()}).round(3)
"""),
    code("""
store.close()
shutil.rmtree(workdir)
"""),
]


KT: list[Cell] = [
    md("""
# Knowledge-tracing evaluation on ASSIST2015

How well the tutor's learner models predict whether a student answers the next item
right, on the real ASSISTments 2015 data (pyKT's split). We fit Bayesian Knowledge
Tracing (BKT) and the Elo/IRT model on a **random subsample of 2,000 training students**
and score them on **1,000 test students** (seeded, so the numbers are reproducible), so
the notebook runs in well under a minute. The same protocol on the full data (15,275 and
3,818 students, with DKT as well) is `tutor kt evaluate` / `benchmarks/kt_assist2015.py`;
its figures are in `BENCHMARKS.md`.

The data are read where they lie (`Settings.shared_data_dir`, i.e. `TUTOR_SHARED_DATA`),
never copied into the repository, and this notebook is committed without outputs.
ASSISTments data are for evaluation only.

# 在 ASSIST2015 上评估知识追踪模型

在 ASSISTments 2015 真实数据上评估 BKT 与 Elo 模型预测学生下一题作答正误的能力
（随机抽取 2,000 名训练学生、1,000 名测试学生）。数据只在原处读取，不复制进仓库。
"""),
    code("""
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from sklearn.metrics import roc_auc_score, roc_curve

from tutor.data.kt_logs import read_log
from tutor.learner.evaluation import evaluate
from tutor.settings import Settings

SEED = 0
TRAIN_STUDENTS = 2_000
TEST_STUDENTS = 1_000

folder = Settings.from_env().shared_data_dir / "assist2015"
if not (folder / "train_valid.csv").is_file():
    raise FileNotFoundError(
        f"ASSIST2015 is not in {folder.resolve()}: set TUTOR_SHARED_DATA to the shared data "
        "folder (the one holding assist2015/)"
    )
train_all = read_log(folder / "train_valid.csv", "pykt")
test_all = read_log(folder / "test.csv", "pykt")
rng = np.random.default_rng(SEED)
train = train_all.select(np.sort(rng.choice(train_all.n_students, TRAIN_STUDENTS, replace=False)))
test = test_all.select(np.sort(rng.choice(test_all.n_students, TEST_STUDENTS, replace=False)))
pd.DataFrame(
    {"students": [train.n_students, test.n_students],
     "responses": [train.n_responses, test.n_responses],
     "skills": [train.n_skills, test.n_skills],
     "share correct": [train.correct.mean().round(3), test.correct.mean().round(3)]},
    index=["train (subsample)", "test (subsample)"],
)
"""),
    md("""
## Fit and score

Every test response is predicted from the same student's earlier responses only (the first
answer of a skill from the prior). Scores: AUC, accuracy at 0.5, RMSE.
"""),
    code("""
results = {name: evaluate(name, train, test, keep_predictions=True) for name in ("bkt", "elo")}
pd.DataFrame(
    {name.upper(): {**r.scores.to_json(), "fit s": round(r.fit_seconds, 1),
                    "predict s": round(r.predict_seconds, 1)}
     for name, r in results.items()}
).T
"""),
    md("## ROC curves"),
    code("""
fig, ax = plt.subplots(figsize=(5.5, 5.5))
for name, r in results.items():
    fpr, tpr, _ = roc_curve(test.correct, r.predictions)
    ax.plot(fpr, tpr, label=f"{name.upper()} (AUC {r.scores.auc:.3f})")
ax.plot([0, 1], [0, 1], "k--", linewidth=1, label="chance")
ax.set_xlabel("false positive rate")
ax.set_ylabel("true positive rate")
ax.set_title(f"ASSIST2015, {TEST_STUDENTS:,} test students")
ax.legend(loc="lower right")
plt.tight_layout()
plt.show()
"""),
    md("""
## AUC along the sequence

Models learn about a student as answers come in: AUC over the responses at each position
of a student's sequence (bucketed), per model.
"""),
    code("""
position = np.concatenate([np.arange(n) for n in test.lengths])
edges = [0, 5, 10, 20, 50, 100, 200, np.inf]
labels = [f"{int(lo) + 1}–{int(hi)}" if np.isfinite(hi) else f"{int(lo) + 1}+"
          for lo, hi in zip(edges[:-1], edges[1:])]
bucket = np.digitize(position, edges[1:-1])
rows = {}
for name, r in results.items():
    rows[name.upper()] = [
        roc_auc_score(test.correct[bucket == b], r.predictions[bucket == b])
        if len(np.unique(test.correct[bucket == b])) == 2 else np.nan
        for b in range(len(labels))
    ]
by_position = pd.DataFrame(rows, index=labels)
by_position["responses"] = np.bincount(bucket, minlength=len(labels))
ax = by_position.drop(columns="responses").plot(marker="o", figsize=(8, 4))
ax.set_xlabel("position in the student's sequence")
ax.set_ylabel("AUC")
ax.set_title("AUC by position in the sequence")
plt.tight_layout()
plt.show()
by_position.round(3)
"""),
    md("## Calibration: predicted against observed share correct"),
    code("""
fig, ax = plt.subplots(figsize=(5.5, 5.5))
bins = np.linspace(0, 1, 11)
for name, r in results.items():
    which = np.clip(np.digitize(r.predictions, bins) - 1, 0, len(bins) - 2)
    counts = np.bincount(which, minlength=len(bins) - 1)
    keep = counts >= 50
    right = np.bincount(which, weights=test.correct, minlength=len(bins) - 1)
    mean_p = np.bincount(which, weights=r.predictions, minlength=len(bins) - 1)
    observed, predicted = right[keep] / counts[keep], mean_p[keep] / counts[keep]
    ax.plot(predicted, observed, marker="o", label=name.upper())
ax.plot([0, 1], [0, 1], "k--", linewidth=1, label="perfect")
ax.set_xlabel("predicted P(correct)")
ax.set_ylabel("observed share correct")
ax.set_title("Calibration (bins with ≥ 50 responses)")
ax.legend()
plt.tight_layout()
plt.show()
"""),
]


# -- the curriculum designer's notebooks (issue 19) -----------------------------------------

#: Opening cell of the two curriculum notebooks: the shipped pack in a throw-away store.
_DESIGNER_SETUP = """
import shutil
import tempfile
import textwrap
from collections import Counter
from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd

from tutor import lab
from tutor.designer import COVERAGE_COLOURS, COVERAGE_KINDS, Designer, draw_map
from tutor.domain import grade_rank
from tutor.graph import open_store
from tutor.settings import Settings

workdir = Path(tempfile.mkdtemp(prefix="kptutor-designer-"))
store = open_store(f"sqlite:///{workdir / 'designer.db'}", Settings(data_dir=workdir))
lab.load_pack(store, lab.named_pack("default"))
designer = Designer(store)
graph = designer.graph()  # networkx: prerequisite -> dependent, with names, grades, content
NAMES = {kp: graph.nodes[kp]["name"] for kp in graph}
COVERAGE_WORDS = {
    "both": "items and misconceptions",
    "items_only": "items, no misconceptions",
    "misconceptions_only": "misconceptions, no items",
    "neither": "neither yet",
}
print(f"{graph.number_of_nodes()} points, {graph.number_of_edges()} prerequisite edges")
"""

DESIGNER_MAP: list[Cell] = [
    md("""
# The curriculum, drawn: coverage by domain, the map of a domain, standards → points → items

For a curriculum designer who wants to *see* the default K12 pack before changing it:
which domains still lack items or misconception rules, what one domain looks like laid out
by grade, and which standards no practisable point covers. Everything is read through the
public API (`tutor.designer.Designer`) from a throw-away store loaded with the shipped pack.
The colours are the same four everywhere (Okabe–Ito, readable with the common colour-vision
deficiencies): **blue** = items and misconceptions, **sky blue** = items only,
**orange** = misconceptions only, **vermillion** = neither yet.

# 课程图谱：各领域的内容覆盖、一个领域的地图、课程标准 → 知识点 → 题目

本笔记本通过公开接口 `tutor.designer.Designer` 读取默认 K12 知识点图：哪些领域还缺题目或误区
规则，一个领域按年级排开是什么样子，哪些课程标准没有任何可练习的知识点。
"""),
    code(_DESIGNER_SETUP),
    md("""
## Where content is missing, domain by domain

Each bar is one domain, split by what its points have. Long vermillion and orange parts are
the domains where a new generator (items) or a new buggy rule (misconceptions) pays off most.
"""),
    code("""
coverage = pd.DataFrame(
    {
        "domain": [graph.nodes[kp]["domain"] for kp in graph],
        "coverage": [
            "both" if d["item_families"] and d["misconceptions"]
            else "items_only" if d["item_families"]
            else "misconceptions_only" if d["misconceptions"]
            else "neither"
            for _, d in graph.nodes(data=True)
        ],
    }
)
table = coverage.pivot_table(index="domain", columns="coverage", aggfunc="size", fill_value=0)
table = table.reindex(columns=list(COVERAGE_KINDS), fill_value=0)
table = table.loc[table.sum(axis=1).sort_values().index]
ax = table.plot.barh(
    stacked=True, figsize=(9, 6), width=0.8,
    color=[COVERAGE_COLOURS[k] for k in COVERAGE_KINDS],
)
ax.legend([COVERAGE_WORDS[k] for k in COVERAGE_KINDS], loc="lower right")
ax.set_xlabel("knowledge points")
ax.set_ylabel("")
ax.set_title("Points per domain by content coverage: vermillion and orange still need items")
plt.tight_layout()
plt.show()
table.assign(total=table.sum(axis=1)).sort_values("total", ascending=False)
"""),
    md("""
## The map of one domain, by grade

One column a grade; inside a grade a point sits a little right of its same-grade
prerequisites. Arrows run from a prerequisite to what needs it. Change `DOMAIN` to draw
another one (`graph.nodes[kp]["domain"]` lists them). The same map is written as an
interactive HTML file with plotly.js inside: it opens offline in any browser (hover a point
for its id, content and standards). The app's Curriculum page shows it too.
"""),
    code("""
DOMAIN = "fractions"
dmap = designer.domain_map(DOMAIN)
ax = draw_map(dmap)
plt.show()
html = Path(f"map-{DOMAIN}.html")
html.write_text(designer.domain_map_html(DOMAIN), encoding="utf-8")
print(f"interactive map: {html.resolve()} ({html.stat().st_size / 1e6:.1f} MB, opens offline)")
pd.Series({COVERAGE_WORDS[k]: n for k, n in dmap.counts().items()}, name=DOMAIN)
"""),
    md("""
## Standards → points → items

Every CCSS standard the pack loads, the knowledge points aligned to it, and the item
families of those points. A standard is *practisable* when some aligned point has items;
*aligned, no items* when its points all lack them; *not aligned* when no point covers it.
"""),
    code("""
rows = designer.standard_coverage()
status = pd.DataFrame(
    {
        "standard": [r.standard.id for r in rows],
        "grade": [r.standard.grade or "?" for r in rows],
        "status": [
            "practisable" if r.has_items else "aligned, no items" if r.points else "not aligned"
            for r in rows
        ],
    }
)
per_grade = status.pivot_table(index="grade", columns="status", aggfunc="size", fill_value=0)
per_grade = per_grade.reindex(sorted(per_grade.index, key=grade_rank))
per_grade = per_grade.reindex(columns=["practisable", "aligned, no items", "not aligned"])
ax = per_grade.plot.bar(
    stacked=True, figsize=(9, 4), width=0.8,
    color=[COVERAGE_COLOURS["both"], COVERAGE_COLOURS["misconceptions_only"], "#BBBBBB"],
)
ax.set_ylabel("CCSS standards and substandards")
ax.set_title("CCSS standards per grade: practisable (blue), aligned without items (orange), "
             "not aligned (grey)", fontsize=10)
plt.tight_layout()
plt.show()
per_grade
"""),
    md("""
Standards → points → items for one domain of one grade (change `GRADE` and `PREFIX`):
"""),
    code("""
GRADE, PREFIX = "4", "4.NF"
families = {}
for f in store.item_families():
    families.setdefault(f.kp, []).append(f.generator)
chain = pd.DataFrame(
    [
        {
            "standard": r.standard.id,
            "description": textwrap.shorten(r.standard.description, 60),
            "point": kp,
            "name": NAMES.get(kp, ""),
            "item generators": ", ".join(families.get(kp, [])) or "— none —",
        }
        for r in rows
        if r.standard.grade == GRADE and r.standard.id.startswith(PREFIX)
        for kp in (r.points or ("— no point —",))
    ]
)
chain
"""),
    md("""
### The gaps: standards with aligned points but no items

**Which standards have no items?** is one call: `designer.standards_without_items()`
(`aligned_only=True` keeps the ones some point already aligns to — the cheapest to fix:
a generator for one of those points makes the standard practisable).
"""),
    code("""
gaps = designer.standards_without_items(aligned_only=True)
print(f"{len(gaps)} aligned standards have no practisable point; "
      f"{len(designer.standards_without_items()) - len(gaps)} more are not aligned at all")
pd.DataFrame(
    {
        "standard": g.standard.id,
        "grade": g.standard.grade,
        "description": textwrap.shorten(g.standard.description, 70),
        "points (none has items)": ", ".join(g.points),
    }
    for g in gaps
)
"""),
    code("""
store.close()
shutil.rmtree(workdir)
"""),
]

DESIGNER_IMPACT: list[Cell] = [
    md("""
# Changing the graph safely: bottlenecks, what a removal breaks, lint, the Coherence Map

Before removing an edge or a point, a designer wants to know what breaks: which
prerequisite pairs would no longer be connected, and which points would suddenly have no
prerequisite (new starting points). Before shipping, `tutor graph lint` lists what looks
wrong; and for a CCSS-aligned pack, our edges can be held against Achieve the Core's
Coherence Map. The last section gives the same questions as Cypher for Neo4j Browser.

# 安全地修改知识点图：瓶颈、删除的影响、检查（lint）、与连贯性图谱对照
"""),
    code(_DESIGNER_SETUP),
    md("""
## Bottlenecks: how much of the graph builds on a point

The number that tells: a point's *dependents* — every point that needs it, directly or
through others. If students stumble there, all of those wait.
"""),
    code("""
import networkx as nx

dependents = pd.Series({kp: len(nx.descendants(graph, kp)) for kp in graph}).sort_values()
top = dependents.tail(15)
share = top / graph.number_of_nodes()
fig, ax = plt.subplots(figsize=(9, 5.5))
ax.barh([f"{NAMES[kp]} (G{graph.nodes[kp]['grade']})" for kp in top.index], top.values,
        color=COVERAGE_COLOURS["both"])
for y, (n, s) in enumerate(zip(top.values, share.values)):
    ax.annotate(f"{n} ({s:.0%})", (n, y), xytext=(3, 0), textcoords="offset points",
                va="center", fontsize=8)
ax.set_xlabel("dependents (points that need it, directly or not)")
ax.set_title("The 15 points most of the graph builds on, with their share of all points")
plt.tight_layout()
plt.show()
"""),
    md("""
## What breaks if I remove this edge?

One call: `designer.removal_impact(edge=(prerequisite, dependent))`. *Lost pairs* are the
(prerequisite, dependent) pairs, at any distance, that the edge alone connected.
"""),
    code("""
EDGE = ("fractions.add_like", "fractions.add_unlike")
edge_impact = designer.removal_impact(edge=EDGE)
print(f"removing {EDGE[0]} → {EDGE[1]}: {len(edge_impact.lost_pairs)} prerequisite pairs lost; "
      f"new starting points: {list(edge_impact.new_starting_points) or 'none'}; "
      f"new dead ends: {list(edge_impact.new_dead_ends) or 'none'}")
pd.DataFrame(edge_impact.lost_pairs, columns=["prerequisite", "no longer before"]).head(12)
"""),
    md("""
## What breaks if I remove this point?

`designer.removal_impact(point=...)` also names the item families and misconceptions that
point at it (they would have to be changed with it) and the students whose goal it is.
"""),
    code("""
POINT = "mult_div.arrays"
impact = designer.removal_impact(point=POINT)
print(f"removing {POINT} ({NAMES[POINT]}): {len(impact.lost_pairs)} prerequisite pairs lost")
print("new starting points:", ", ".join(impact.new_starting_points) or "none")
print("new dead ends:", ", ".join(impact.new_dead_ends) or "none")
print("item families naming it:", ", ".join(impact.item_families) or "none")
print("misconceptions naming it:", ", ".join(impact.misconceptions) or "none")
lost_by_domain = Counter(graph.nodes[dep]["domain"] for _, dep in impact.lost_pairs)
ax = pd.Series(lost_by_domain).sort_values().plot.barh(
    figsize=(8, 4.5), color=COVERAGE_COLOURS["neither"]
)
ax.set_xlabel("prerequisite pairs lost (by the dependent's domain)")
ax.set_title(f"Removing {NAMES[POINT]!r}: which domains lose prerequisite links")
plt.tight_layout()
plt.show()
"""),
    md("""
## Lint: what looks wrong, before shipping

`tutor graph lint` (or `lab.lint_store(store)`) — none of these findings blocks a load.
"""),
    code("""
from tutor.i18n import render

report = lab.lint_store(store)
print(pd.Series(report.counts(), name="findings").to_string())
for kind in ("edge_down_grades", "redundant_edge", "dead_end", "coherence_reversed"):
    for finding in report.of_kind(kind)[:4]:
        print(f"{kind}: {render(finding.code, finding.message_params(), 'en')}")
"""),
    md("""
## Our edges against the CCSS Coherence Map

For each of our edges whose two ends align to standards on the map, is there a path on the
map from a standard of the prerequisite to a standard of the dependent (a substandard counts
as its standard)? The map is read from `shared/data/ccss-coherence` when it is there (the
shipped `content/ccss` is a cleaned copy of it). The map is sparse inside a grade, so
*no path* is a question to look at, not an error; an edge that runs *against* the map is
the one to check first.
"""),
    code("""
shared = Settings.from_env().shared_data_dir / "ccss-coherence"
cmap = lab.coherence_map(shared if (shared / "standards.json").is_file() else None)
report = lab.lint_store(store, shared if (shared / "standards.json").is_file() else None)
verdict = {(f.ids[0], f.ids[1]): f.kind for f in report.findings if f.kind.startswith("coherence")}
reach = cmap.reach()
def on_map(kp):
    return {cmap.standard_of(s) for s in graph.nodes[kp]["standards"]} & set(reach)
rows = []
for pre, dep in graph.edges:
    kind = verdict.get((pre, dep))
    if kind is None:
        kind = "on the map" if on_map(pre) and on_map(dep) else "not checkable"
    rows.append({"grade": graph.nodes[dep]["grade"], "verdict": kind})
edges = pd.DataFrame(rows).pivot_table(index="grade", columns="verdict", aggfunc="size",
                                        fill_value=0)
edges = edges.reindex(sorted(edges.index, key=grade_rank))
order = ["on the map", "coherence_no_path", "coherence_reversed", "not checkable"]
edges = edges.reindex(columns=order, fill_value=0)
ax = edges.plot.bar(stacked=True, figsize=(9, 4), width=0.8, color=[
    COVERAGE_COLOURS["both"], COVERAGE_COLOURS["misconceptions_only"],
    COVERAGE_COLOURS["neither"], "#BBBBBB"])
ax.legend(["a path on the map", "no path on the map", "against the map",
           "not checkable (no standard on the map)"], fontsize=8)
ax.set_xlabel("grade of the dependent point")
ax.set_ylabel("our prerequisite edges")
ax.set_title("Our edges against the Coherence Map: blue agree, orange have no path, "
             "vermillion run against it", fontsize=10)
plt.tight_layout()
plt.show()
print(report.coherence)
pd.DataFrame(
    {"our edge": f"{f.ids[0]} → {f.ids[1]}", "map says": " → ".join(
        [", ".join(f.params["to_standards"]), ", ".join(f.params["from_standards"])])}
    for f in report.of_kind("coherence_reversed")
)
"""),
    md(r"""
## The same questions in Neo4j Browser (Cypher)

With the Neo4j engine (`make neo4j-up`, then `tutor graph load default --store
neo4j://localhost:7687`), paste these into Neo4j Browser. In the graph,
`(dependent)-[:REQUIRES]->(prerequisite)`; `(:ItemFamily)-[:ASSESSES]->(:KnowledgePoint)`
(the family's own point has `f.kp = k.id`); `(:Misconception)-[:SIGNALS]->(:KnowledgePoint)`;
`(:KnowledgePoint)-[:ALIGNS_TO]->(:Standard)`; the Coherence Map is
`(:Standard)-[:REQUIRES]->(:Standard)`; a student's answers are
`(:Student)-[:MADE]->(:Attempt)` with the diagnosed gaps in `gap_kps`. These cells need no
server to run this notebook; `tests/integration/test_notebooks.py` runs every one of them on
the real Neo4j server in CI.

The prerequisite graph of one domain (Browser draws it; switch to the graph view):

```cypher
MATCH (k:KnowledgePoint {domain: 'fractions'})
OPTIONAL MATCH (k)-[r:REQUIRES]->(p:KnowledgePoint {domain: 'fractions'})
RETURN k, r, p
```

Points with no item family of their own, by grade:

```cypher
MATCH (k:KnowledgePoint)
WHERE NOT EXISTS { MATCH (f:ItemFamily)-[:ASSESSES]->(k) WHERE f.kp = k.id }
RETURN k.grade AS grade, k.domain AS domain, k.id AS point, k.name AS name
ORDER BY grade, domain, point
```

Which standards have no items (no aligned point has an item family):

```cypher
MATCH (s:Standard)
WHERE NOT EXISTS {
  MATCH (s)<-[:ALIGNS_TO]-(k:KnowledgePoint)<-[:ASSESSES]-(f:ItemFamily) WHERE f.kp = k.id
}
OPTIONAL MATCH (s)<-[:ALIGNS_TO]-(k:KnowledgePoint)
RETURN s.id AS standard, s.grade AS grade, collect(k.id) AS aligned_points
ORDER BY grade, standard
```

Everything that depends on one point (the bottleneck number):

```cypher
MATCH (d:KnowledgePoint)-[:REQUIRES*1..]->(:KnowledgePoint {id: 'mult_div.arrays'})
RETURN count(DISTINCT d) AS dependents
```

Redundant edges (implied by a longer chain):

```cypher
MATCH (a:KnowledgePoint)-[:REQUIRES]->(b:KnowledgePoint)
WHERE EXISTS { MATCH (a)-[:REQUIRES]->(m:KnowledgePoint)-[:REQUIRES*1..]->(b) WHERE m <> b }
RETURN a.id AS dependent, b.id AS prerequisite
```

Which prerequisite of a point is most often missing in a class (stored attempts'
diagnosed gaps, grouped by prerequisite):

```cypher
MATCH (:KnowledgePoint {id: 'fractions.add_unlike'})-[:REQUIRES*1..]->(p:KnowledgePoint)
WITH collect(DISTINCT p.id) AS prerequisites
MATCH (:Class {id: 'class-7a'})<-[:MEMBER_OF]-(s:Student)-[:MADE]->(a:Attempt)
UNWIND a.gap_kps AS gap
WITH gap, s, a, prerequisites WHERE gap IN prerequisites
RETURN gap AS prerequisite, count(DISTINCT s) AS students, count(a) AS attempts
ORDER BY students DESC, attempts DESC, prerequisite
```

Our edges whose standards the Coherence Map does not connect (standards compared as stored,
substandards not folded into their standard):

```cypher
MATCH (k:KnowledgePoint)-[:REQUIRES]->(p:KnowledgePoint)
MATCH (k)-[:ALIGNS_TO]->(ks:Standard), (p)-[:ALIGNS_TO]->(ps:Standard)
WITH k, p, collect(DISTINCT ks) AS kss, collect(DISTINCT ps) AS pss
WHERE NONE(x IN kss WHERE x IN pss OR ANY(y IN pss WHERE EXISTS { (x)-[:REQUIRES*1..]->(y) }))
RETURN p.id AS prerequisite, k.id AS dependent
ORDER BY prerequisite, dependent
```
"""),
    code("""
store.close()
shutil.rmtree(workdir)
"""),
]

CLASS_GAPS: list[Cell] = [
    md("""
# What my classes are missing — from a stored class

Point this notebook at **your** store: it reads the store the app uses (`TUTOR_STORE`, else
the default embedded store) and never writes to it. `CLASSES` are the classes to read (by
default every class there). Nothing is simulated here: the gaps are those the tutor's
diagnosis recorded on the students' real answers (`Attempt.gap_kps`). To try it without a
school of your own, `tutor demo seed` makes the demo classes.

# 我的班级缺什么——基于已存储的班级

本笔记本读取应用正在使用的存储（`TUTOR_STORE`），只读不写；按先修知识点汇总学生作答中诊断出的缺口。
"""),
    code("""
import textwrap
from collections import Counter

import matplotlib.pyplot as plt
import pandas as pd

from tutor.designer import COVERAGE_COLOURS, Designer
from tutor.graph import open_store
from tutor.settings import Settings

settings = Settings.from_env()
store = open_store(settings.resolved_store_url, settings)
designer = Designer(store)
CLASSES = [c.id for c in store.list_classes()]
if not CLASSES:
    raise SystemExit(f"{store.url} has no class yet: add one in the app, or run `tutor demo seed`")
students = {c: store.list_students(c) for c in CLASSES}
attempts = {s.id: store.attempts(s.id) for ss in students.values() for s in ss}
NAMES = {kp.id: kp.name for kp in store.list_nodes()}
print(f"{store.url}: classes {', '.join(CLASSES)}; "
      f"{len(attempts)} students, {sum(map(len, attempts.values()))} answers")
"""),
    md("""
## Which prerequisite of a point is most often missing?

One call: `designer.missing_prerequisites(TARGET, CLASSES)`. `TARGET` is a point or a whole
domain (then its prerequisites outside the domain count). *students* are those with at least
one answer diagnosed with that gap; *on target* counts the answers to the target itself.
"""),
    code("""
TARGET = "fractions.add_unlike"
missing = pd.DataFrame(m.to_json() for m in designer.missing_prerequisites(TARGET, CLASSES))
if missing.empty:
    print(f"no prerequisite of {TARGET} was diagnosed missing in {CLASSES}")
else:
    shown = missing.head(12).iloc[::-1]
    fig, ax = plt.subplots(figsize=(9, 0.45 * len(shown) + 1.5))
    ax.barh([f"{n} (G{g})" for n, g in zip(shown["name"], shown["grade"])], shown["students"],
            color=COVERAGE_COLOURS["neither"])
    for y, (s, a) in enumerate(zip(shown["students"], shown["attempts"])):
        ax.annotate(f"{a} answers", (s, y), xytext=(3, 0), textcoords="offset points",
                    va="center", fontsize=8)
    ax.set_xlabel("students diagnosed with the gap")
    ax.set_title(f"Prerequisites of {NAMES[TARGET]!r} most often missing in "
                 f"{', '.join(CLASSES)}: the top bar is where to start")
    plt.tight_layout()
    plt.show()
missing
"""),
    md("""
## Class by class

The same question per class, for the prerequisites found anywhere above: which class needs
which review.
"""),
    code("""
per_class = pd.DataFrame(
    {c: {m.kp: m.students for m in designer.missing_prerequisites(TARGET, [c])} for c in CLASSES}
).fillna(0).astype(int)
if per_class.empty:
    print("no gaps to compare")
else:
    per_class = per_class.loc[per_class.sum(axis=1).sort_values().index].tail(10)
    palette = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00"]
    ax = per_class.rename(index=NAMES).plot.barh(
        figsize=(9, 0.5 * len(per_class) + 1.5), width=0.8, color=palette[: len(CLASSES)]
    )
    ax.set_xlabel("students diagnosed with the gap")
    ax.set_title(f"Missing prerequisites of {NAMES[TARGET]!r}, per class: longer bar, more review")
    plt.tight_layout()
    plt.show()
per_class
"""),
    md("""
## Every diagnosed gap, grouped by point, and the misconceptions behind wrong answers

Not only the prerequisites of one target: which points the diagnosis blames most across all
answers of these classes, and which misconceptions the answers matched — described in
words, not ids.
"""),
    code("""
gap_students = Counter()
for sid, atts in attempts.items():
    for kp in {g for a in atts for g in a.gap_kps}:
        gap_students[kp] += 1
top = pd.Series(gap_students).sort_values().tail(12)
ax = top.rename(index=lambda kp: f"{NAMES.get(kp, kp)}").plot.barh(
    figsize=(9, 5), color=COVERAGE_COLOURS["misconceptions_only"]
)
ax.set_xlabel("students with the gap diagnosed")
ax.set_title("Points the diagnosis most often found missing in these classes")
plt.tight_layout()
plt.show()
"""),
    code("""
described = {m.id: m.description for m in store.misconceptions()}
seen = Counter(a.misconception for atts in attempts.values() for a in atts if a.misconception)
table = pd.DataFrame(
    {"answers": n, "misconception": textwrap.shorten(described.get(mc, mc), 110)}
    for mc, n in seen.most_common(10)
)
if not table.empty:
    shown = table.iloc[::-1]
    fig, ax = plt.subplots(figsize=(10, 0.55 * len(shown) + 1.5))
    ax.barh(["\\n".join(textwrap.wrap(t, 60)[:2]) for t in shown["misconception"]],
            shown["answers"], color=COVERAGE_COLOURS["both"])
    ax.tick_params(axis="y", labelsize=8)
    ax.set_xlabel("wrong answers matching it")
    ax.set_title("The misconceptions behind these classes' wrong answers, most frequent on top")
    plt.tight_layout()
    plt.show()
table
"""),
    code("""
store.close()
"""),
]


NOTEBOOKS: dict[str, list[Cell]] = {
    "curriculum_analysis.ipynb": CURRICULUM,
    "class_analytics.ipynb": CLASS,
    "kt_evaluation.ipynb": KT,
    "designer_map.ipynb": DESIGNER_MAP,
    "designer_impact.ipynb": DESIGNER_IMPACT,
    "class_gaps.ipynb": CLASS_GAPS,
}


def build(cells: list[Cell]) -> nbformat.NotebookNode:
    """A notebook of ``cells`` with no outputs and no execution counts."""
    nb: nbformat.NotebookNode = new_notebook(
        cells=[
            new_markdown_cell(src) if kind == "markdown" else new_code_cell(src)
            for kind, src in cells
        ],
        metadata={
            "kernelspec": KERNELSPEC,
            "language_info": {"name": "python", "pygments_lexer": "ipython3"},
        },
    )
    for i, cell in enumerate(nb.cells):
        cell["id"] = f"cell-{i:02d}"  # random ids would change on every run and churn the diff
    nbformat.validate(nb)
    return nb


def main() -> int:
    """Write every notebook next to this script."""
    for name, cells in NOTEBOOKS.items():
        nbformat.write(build(cells), HERE / name)
    return 0


if __name__ == "__main__":
    sys.exit(main())
