"""The English catalog: every message code and its ``str.format`` template.

The answer checker's and the policy's English is a contract (``tutor content check``,
the ``reason`` of ``tutor student next`` / ``path``, the stored paths): change a
template here only as a change of that contract. Sections: ``answer.*`` (the answer
checker), ``policy.*`` (why the tutor picked what comes next), ``roster.*`` (a refused
roster row), ``report.*`` (why a student needs help), ``ui.*`` (the app's strings).
"""

from __future__ import annotations

from tutor.i18n.catalog import Catalog, Format, as_list, join_list

__all__ = ["EN"]


def _or(value: object) -> str:
    """``x, y or n`` (the letters an answer may use)."""
    return join_list(as_list(value), ", ", " or ")


def _and(value: object) -> str:
    """``A, B and C`` — at most three, then ``(and more)``."""
    items = as_list(value)
    more = " (and more)" if len(items) > 3 else ""
    return join_list(items[:3], ", ", " and ") + more


def _some(value: object) -> str:
    """``A, B and 3 more`` — two named, the rest counted."""
    items = as_list(value)
    more = f" and {len(items) - 2} more" if len(items) > 2 else ""
    return ", ".join(str(i) for i in items[:2]) + more


def _symbol(value: object) -> str:
    """A character the answer may not hold: ``"&"``; one that cannot be shown (empty)."""
    return f'"{value}"' if value else "that symbol"


_FORMATS: dict[str, Format] = {
    "or": _or,
    "and": _and,
    "some": _some,
    "list": lambda value: ", ".join(str(i) for i in as_list(value)),
    "arrows": lambda value: " → ".join(str(i) for i in as_list(value)),
    "semicolons": lambda value: "; ".join(str(i) for i in as_list(value)),
    "symbol": _symbol,
    # Units and numbers with units are written as maths in English ("24 cm²", "$12").
    "unit": str,
    "quantity": str,
}

_MESSAGES: dict[str, str] = {
    # -- the answer checker (tutor.content.answers): one line, kind, never the answer -----
    "answer.correct": "Correct!",
    "answer.incorrect": "Not quite — have another look.",
    "answer.not_simplified": "Right value — now write it in simplest form.",
    "answer.work_it_out": "Right value — now work it out to a single number.",
    "answer.as_fraction": "Right value — now write it as a fraction.",
    "answer.add_percent": "Right number — now add the % sign.",
    "answer.not_solved": (
        "That's true, but it isn't solved yet — finish with the letter on its own."
    ),
    "answer.just_number": "Right value — now write just the number.",
    "answer.equation_form": "Right value — now write it as an equation: {letter} = …",
    "answer.want_point": "Not quite — this answer is a point: write it like (x, y).",
    "answer.expand": "Right value — now multiply out the brackets, like 2(x + 3) = 2x + 6.",
    "answer.simplify_root": "Right value — now simplify the square root, like √12 = 2√3.",
    "answer.empty": "Please type an answer first.",
    "answer.too_long": (
        "That answer is too long — please write just the answer (at most {limit} characters)."
    ),
    "answer.too_big": (
        "That number is too big to work with — please check the powers in your answer."
    ),
    "answer.divide_by_zero": (
        "That divides by zero, which doesn't give a number — check your answer."
    ),
    "answer.not_real": ("That isn't a real number — check for a square root of a negative number."),
    "answer.too_deep": (
        "That answer has too many brackets or powers inside each other — please write it "
        "more simply."
    ),
    "answer.cannot_check": "Sorry — I couldn't check that answer. Please write it more simply.",
    "answer.letter_not_used": (
        'The letter "{letter}" isn\'t used in this answer — use {letters:or}.'
    ),
    "answer.letter_not_used_no_letters": (
        'The letter "{letter}" isn\'t used in this answer — use no letters.'
    ),
    "answer.unit_without_number": "Please write the number too, like {example:quantity}.",
    "answer.wrong_unit": (
        "This answer is in {unit:unit} — write it like {number} or {example:quantity}."
    ),
    # "I couldn't read": the student's text as typed (shortened), then what to fix.
    "answer.unreadable": 'I couldn\'t read "{text}" — {hint:code}',
    "answer.hint.double_slash": "write a fraction like 3/4.",
    "answer.hint.not_equal_sign": '"≠" can\'t be used in an answer — use =, <, >, ≤ or ≥.',
    "answer.hint.angle_not_equal": '"<>" can\'t be used in an answer — use =, <, >, ≤ or ≥.',
    "answer.hint.round_brackets": "please use round brackets ( ) here.",
    "answer.hint.stray_dot": "a dot belongs inside a decimal number, like 0.5.",
    "answer.hint.dot_without_digits": "a dot must have digits after it, like 2.5.",
    "answer.hint.two_decimal_points": "a number can have only one decimal point, like 2.5.",
    "answer.hint.symbol": (
        "{symbol:symbol} isn't used in answers. Use numbers, + − × ÷ ^, brackets and the "
        "letters {letters:or}."
    ),
    "answer.hint.symbol_no_letters": (
        "{symbol:symbol} isn't used in answers. Use numbers, + − × ÷ ^, brackets and the "
        "letters no letters."
    ),
    "answer.hint.letters_only": "write just the answer, with numbers and the letters {letters:or}.",
    "answer.hint.letters_only_no_letters": (
        "write just the answer, with numbers and the letters no letters."
    ),
    "answer.hint.missing_after": 'something is missing after "{sign}".',
    "answer.hint.empty_brackets": "the brackets are empty.",
    "answer.hint.unopened_bracket": 'there is a ")" without a "(" before it.',
    "answer.hint.comma": (
        "use a dot for decimals (like 0.5) and brackets for points (like (2, -1))."
    ),
    "answer.hint.percent_sign": "a % sign goes right after a number, like 75%.",
    "answer.hint.ratio_colon": "write a ratio with one colon between two numbers, like 3:4.",
    "answer.hint.space_between_numbers": (
        "there is a space between two numbers — write one number (like 1000) or a mixed "
        "number (like 1 1/2)."
    ),
    "answer.hint.number_after": (
        "put numbers before letters and brackets (like 3x or 2(x+1)); for a power use ^ (like x^2)."
    ),
    "answer.hint.starts_with_sign": 'an answer can\'t start with "{sign}".',
    "answer.hint.two_signs": 'there are two signs in a row ("{first} {second}").',
    "answer.hint.sign_after_bracket": '"{sign}" can\'t come right after "(".',
    "answer.hint.check_again": "please check it and try again.",
    "answer.hint.no_letter_relation": (
        "write just the final answer (like 4), or use a letter (like x = 4)."
    ),
    "answer.hint.too_many_relations": (
        'write just one "=" (like x = 4), or one inequality (like x > 3).'
    ),
    "answer.hint.mixed_directions": "both signs must point the same way, like 1 < x < 5.",
    "answer.hint.ratio_letters": "a ratio like 3:4 uses numbers only.",
    "answer.hint.power_letters": "the power must be a number, like x^2.",
    "answer.hint.power_fraction": (
        "the power must be a whole number or a simple fraction, like x^2 or x^(1/2)."
    ),
    "answer.hint.comma_in_brackets": (
        "commas only go between the numbers of a point, like (2, -1)."
    ),
    "answer.hint.relation_in_brackets": (
        'brackets can\'t go around "=", "<" or ">" — write it like x = 4.'
    ),
    "answer.hint.unclosed_bracket": 'a bracket is missing — every "(" needs a ")".',
    # -- why the tutor picked what comes next (tutor.policy.select) ----------------------
    "policy.gap": "Your last answers showed a gap in {gap}; let's fix it before moving on.",
    "policy.gap_prerequisite": (
        "Your last answers showed a gap in {gap}; {target} comes first, because it is "
        "needed for it."
    ),
    "policy.review": ("Time to review {point}: you mastered it, but it's been {days:.0f} days."),
    "policy.confirm": (
        "Almost at your goal: a quick check that you still know {point} (last seen"
        " {days:.0f} days ago)."
    ),
    "policy.recheck": "{point} has been hard; let's check {prerequisite}, which it needs.",
    "policy.ready": (
        "You're ready for {point}: you've mastered its prerequisites {prerequisites:and}."
    ),
    "policy.ready_along": (
        "You're ready for {point}: you've mastered {prerequisites:and}, and you'll learn"
        " {along:and} as part of it."
    ),
    "policy.start": "{point} is a starting point on the way to your goal.",
    "policy.resume": "Let's finish this problem on {point}: you still have your second try.",
    "policy.confirm_new": "Almost at your goal: a quick check that you know {point}.",
    "policy.goal_reached": ("You've mastered everything on the way to your goal. Pick a new goal!"),
    # -- the initial knowledge check (tutor/engine.py placement) -------------------------
    "placement.summary": (
        "You already know {known} of {total} topics on the way to your goal; "
        "we start with {start:and}."
    ),
    "placement.summary_done": (
        "You already know all {total} topics on the way to your goal; pick a new goal!"
    ),
    "placement.summary_one": (
        "You already know {known} of {total} topic on the way to your goal; "
        "we start with {start:and}."
    ),
    "placement.summary_done_one": (
        "You already know the {total} topic on the way to your goal; pick a new goal!"
    ),
    "policy.no_goal": "You have no goal yet: your teacher can set one.",
    # -- a refused roster row or file (tutor/access.py parse_roster) ---------------------
    "roster.file_too_large": "the file is larger than {kb} kB; split the class",
    "roster.not_text": "the file is not text (it contains NUL bytes)",
    "roster.empty": "the file is empty: the first line must be a header",
    "roster.header_not_csv": "the header cannot be read as CSV ({error})",
    "roster.missing_column": "the header has no {column!r} column",
    "roster.unknown_column": (
        "unknown column {column!r}; the columns are student_id, name, password and goal"
    ),
    "roster.doubled_column": "the column {column!r} appears twice",
    "roster.too_many_rows": "more than {limit} rows; split the class",
    "roster.cell_count": "{cells} cells where the header has {columns}",
    "roster.duplicate_id": "{student_id!r} is already on line {first_line}",
    "roster.not_csv": "the file cannot be read as CSV ({error})",
    "roster.id_taken": "{student_id!r} is already taken; choose another id",
    "roster.no_students": "the file has a header but no students",
    "roster.cell_too_long": "longer than {limit} characters",
    # a student id that cannot be used (the words of tutor.domain.check_person_id)
    "roster.id_empty": "student id is empty",
    "roster.id_spaces": "student id {student_id!r} has leading or trailing spaces",
    "roster.id_too_long": "the student id is longer than {limit} characters",
    "roster.id_control": "student id {student_id!r} contains control characters",
    "roster.id_characters": "use only letters, digits, '-', '_' and '.' in a student id",
    # a name that cannot be used (the words of tutor.domain.check_name)
    "roster.name_empty": "the student name is empty: give a name",
    "roster.name_too_long": "the student name is longer than {limit} characters",
    "roster.name_control": "the student name contains control characters (such as a line break)",
    "roster.password_empty": "the password is empty: give at least {limit} characters",
    "roster.password_too_short": "shorter than {limit} characters",
    "roster.password_too_long": "longer than {limit} characters",
    "roster.unknown_goal": "no knowledge point {goal!r}; find ids with `tutor graph list`",
    # -- why a student needs help (the class report) ------------------------------------
    "report.wrong_in_a_row": "{count} wrong answers in a row",
    "report.gap_not_repaired": "a diagnosed gap not yet repaired: {points:some}",
    "report.no_progress": "no progress: only {right} of the last {window} answers right",
    "report.class_model": "the class model finds these not yet mastered: {points:list}",
    "report.reasons": "{reasons:semicolons}",
    # -- the app (ui/): pages call ui.i18n.text(lang, key), which renders "ui.<key>" -----
    # app and navigation
    "ui.app_title": "kptutor",
    "ui.tagline": "Adaptive K12 maths, guided by a map of knowledge points.",
    "ui.language": "Language",
    "ui.page_sign_in": "Sign in",
    "ui.page_practice": "Practice",
    "ui.page_progress": "My path",
    "ui.page_dashboard": "Class dashboard",
    "ui.page_student": "Student drill-down",
    "ui.page_roster": "Roster and classes",
    "ui.page_curriculum": "Curriculum",
    "ui.signed_in_as": "Signed in as {name}",
    "ui.sign_out": "Sign out",
    "ui.access_denied": "You can't see this page: it belongs to another role or another class.",
    "ui.sign_in_first": "Please sign in first (Sign in page).",
    # sign-in
    "ui.user_id": "User id",
    "ui.password": "Password",
    "ui.sign_in": "Sign in",
    "ui.wrong_credentials": "That user id and password don't match. Check both and try again.",
    "ui.session_expired": "Your session has ended. Please sign in again.",
    "ui.sign_in_locked": (
        "Too many failed sign-ins. Wait {seconds} seconds, then try again. "
        "(Your teacher can reset a forgotten password.)"
    ),
    "ui.demo_hint": "Demo accounts: teacher `teacher` / `teacher-demo`; students `s01` … `s30` / "
    "`student-demo`.",
    "ui.no_curriculum": "No curriculum is loaded. Run `tutor graph load default` and reload.",
    "ui.curriculum_loaded": "Curriculum: {name}",
    "ui.stat_knowledge_points": "knowledge points",
    "ui.stat_prerequisite_edges": "prerequisite edges",
    "ui.stat_roots": "roots",
    "ui.stat_leaves": "leaves",
    "ui.stat_longest_chain": "longest chain",
    # practice
    "ui.no_goal": "You don't have a goal yet. Ask your teacher to set one.",
    "ui.goal_reached": "You have reached your goal. Well done! Ask your teacher for the next one.",
    "ui.problem_on": "A problem on: {kp}",
    "ui.item_caption": "Item {item_id} · level {level}",
    "ui.your_answer": "Your answer",
    "ui.show_working": "Show your working (one step per line, optional)",
    "ui.show_working_help": "If the answer is wrong, your working helps find the step that "
    "went astray.",
    "ui.check": "Check my answer",
    "ui.empty_answer": "Type an answer first.",
    "ui.syntax_title": "How to write answers",
    "ui.syntax_help": "Whole numbers `12`, `-3`; fractions `3/4`, mixed numbers `1 1/2`; "
    "decimals `0.75`; percentages `75%`; expressions `2x+3`; equations and inequalities "
    "`x = 4`, `x > 3`; points `(2, -1)`; ratios `3:4`; units where asked, e.g. `24 cm²` or "
    "`45°`. Full-width digits and Chinese punctuation are fine.",
    "ui.fb_correct": "Correct, well done!",
    "ui.fb_incorrect": "Not quite. Let's look at it together.",
    "ui.fb_not_simplified": "The value is right, but write it in its simplest form.",
    "ui.fb_unreadable": "I couldn't read that answer. Check how it is written and try again.",
    "ui.fb_try_again": "This try did not count. Write your answer again.",
    "ui.answer_not_saved": "Several answers arrived at the same moment and this one was not saved. "
    "Please submit it again.",
    "ui.store_busy": "The tutor took too long to answer, so nothing was saved. Please wait a "
    "moment and try again.",
    "ui.hint_n": "Hint {n}:",
    "ui.no_more_hints": "No more hints for this problem.",
    "ui.style": "Style",
    "ui.style_friendly": "Friendly",
    "ui.style_casual": "Casual",
    "ui.style_formal": "Formal",
    "ui.explain_language": "Explanation language",
    "ui.lang_en": "English",
    "ui.lang_zh-Hans": "简体中文",
    "ui.next_problem": "Next problem",
    # my path
    "ui.your_goal": "Your goal: **{goal}**",
    "ui.your_path": "Your learning path",
    "ui.path_empty": "No path yet: answer a first problem and it will appear here.",
    "ui.path_gap": "First we repair a gap: {kp}. Then the path goes back to your goal.",
    "ui.your_map": "Your map",
    "ui.map_legend": "Each box is a knowledge point: red not yet, yellow on the way, green "
    "mastered, grey not tried. Arrows go from what you need first to what it leads to; the "
    "thick box is next, the double octagon is your goal.",
    "ui.map_empty": "Your map appears after your first answers.",
    "ui.recent_answers": "Recent answers",
    "ui.no_attempts": "No answers yet.",
    # teacher: dashboard
    "ui.class": "Class",
    "ui.student": "Student",
    "ui.no_classes": "You have no classes yet. Create one on the Roster page.",
    "ui.no_students": "This class has no students yet. Add them on the Roster page.",
    "ui.metric_students": "students",
    "ui.metric_points": "points practised",
    "ui.metric_need_help": "need help now",
    "ui.needs_help": "Who needs help now",
    "ui.nobody_needs_help": "Nobody needs help right now.",
    "ui.heatmap": "Mastery by student and knowledge point",
    "ui.weakest": "Weakest points",
    "ui.top_misconceptions": "Most frequent misconceptions",
    "ui.no_misconceptions": "No misconceptions seen yet.",
    "ui.misconception_line": "- **{description}** — {count}× (e.g. {examples})",
    "ui.cdm_title": "Cognitive diagnosis (DINA) profile",
    "ui.cdm_help": "Probability each student has mastered each point, from a DINA model fitted "
    "to the whole class's answers.",
    "ui.class_goal": "Class goal",
    "ui.goal": "Goal",
    "ui.set_class_goal": "Set this goal for the whole class",
    "ui.goal_set_class": "Goal {kp} set for every student of {class_id}.",
    "ui.export_csv": "Export answers (CSV)",
    "ui.col_student": "Student",
    "ui.col_kp": "Knowledge point",
    "ui.col_mastery": "Mastery",
    "ui.col_mean_mastery": "Mean mastery",
    "ui.col_students": "Students",
    "ui.col_seq": "#",
    "ui.col_answer": "Answer",
    "ui.col_result": "Result",
    "ui.col_misconception": "Misconception",
    "ui.col_line": "Line",
    "ui.col_column": "Column",
    "ui.col_reason": "Problem",
    "ui.status_correct": "correct",
    "ui.status_incorrect": "wrong",
    "ui.status_unreadable": "unreadable",
    "ui.status_not_simplified": "not simplified",
    # teacher: drill-down
    "ui.student_summary": "**{name}** · goal: {goal} · {n} answers, {correct} correct",
    "ui.none": "none",
    "ui.path": "Learning path",
    "ui.path_gap_teacher": "Diagnosed gap being repaired first: {kp}.",
    "ui.path_reason_teacher": "What {name} is told about the next step:",
    "ui.attempts": "Answers",
    "ui.mastery": "Mastery",
    "ui.set_student_goal": "Set this goal for the student",
    "ui.goal_set_student": "Goal {kp} set for {name}.",
    # teacher: roster
    "ui.create_class": "Create a class",
    "ui.class_id": "Class id (letters, digits, -, _ or .)",
    "ui.class_name": "Class name",
    "ui.create": "Create",
    "ui.class_created": "Class {class_id} created.",
    "ui.add_student": "Add a student",
    "ui.student_id": "Student id (letters, digits, -, _ or .)",
    "ui.student_name": "Student name",
    "ui.password_rules": "8 to 128 characters.",
    "ui.add": "Add",
    "ui.student_added": "Student {student_id} added to {class_id}.",
    "ui.roster_size": "{n} students in {class_id}.",
    "ui.upload_roster": "Upload a roster (CSV)",
    "ui.roster_format": "UTF-8 CSV with the header `student_id,name,password` and an optional "
    "`goal` column. Every row is checked first; if any row is wrong, nothing is added.",
    "ui.roster_file": "Roster file",
    "ui.import_roster": "Check and import",
    "ui.roster_too_big": "That file is over 1 MB: a roster is a short list. Check the file.",
    "ui.roster_not_utf8": "That file is not UTF-8 text. Save it as CSV UTF-8 and upload again.",
    "ui.roster_rejected_one": (
        "Nothing was imported: {n} row needs fixing. Correct it and upload again."
    ),
    "ui.roster_rejected": (
        "Nothing was imported: {n} rows need fixing. Correct them and upload again."
    ),
    "ui.roster_imported": "Imported {n} students.",
    # ui-maths (issue 18): one of a thing, and the forms' own checks
    "ui.roster_size_one": "{n} student in {class_id}.",
    "ui.roster_imported_one": "Imported {n} student.",
    "ui.class_id_characters": "Use only letters, digits, '-', '_' and '.' in a class id.",
    "ui.field_problem": "{field}: {reason}",
    # curriculum
    "ui.search": "Search (id, name or description)",
    "ui.grade": "Grade",
    "ui.domain": "Domain",
    # the curriculum's domains by name (ui.domain_<id>, see tutor.i18n.domain_name)
    "ui.domain_decimals": "Decimals",
    "ui.domain_equations": "Equations",
    "ui.domain_exponents": "Exponents and roots",
    "ui.domain_expressions": "Expressions",
    "ui.domain_fractions": "Fractions",
    "ui.domain_functions": "Functions",
    "ui.domain_geometry": "Geometry",
    "ui.domain_inequalities": "Inequalities",
    "ui.domain_integers": "Negative numbers and integers",
    "ui.domain_measurement": "Measurement",
    "ui.domain_mult_div": "Multiplication and division",
    "ui.domain_order_ops": "Order of operations",
    "ui.domain_percent": "Percent",
    "ui.domain_place_value": "Place value",
    "ui.domain_ratio": "Ratios and rates",
    "ui.domain_statistics": "Statistics and probability",
    "ui.domain_whole_ops": "Whole-number operations",
    "ui.all": "all",
    "ui.points_found": "Knowledge points: {n} of {total} · imported problems: {problems}",
    "ui.nothing_found": "No knowledge point matches. Try fewer words or another filter.",
    "ui.knowledge_point": "Knowledge point",
    "ui.kp_label": "{name} · grade {grade} · {id}",
    "ui.kp_meta": "{id} · grade {grade} · {domain}",
    "ui.prereqs_and_dependents": "Prerequisites and dependents",
    "ui.neighbourhood_legend": "Blue: what it needs (two steps back). Orange: what builds on it "
    "(two steps on). Arrows point from a prerequisite to what needs it.",
    "ui.tab_items": "Items",
    "ui.tab_misconceptions": "Misconceptions",
    "ui.tab_standards": "Standards",
    "ui.tab_problems": "OATutor problems",
    "ui.no_items": "No item generator for this point yet.",
    "ui.item_level": "Level {level}: {prompt}",
    "ui.item_answer": "Answer: `{answer}`",
    "ui.no_misconceptions_kp": "No misconception is named on this point's items or signals it.",
    "ui.no_standards": "Not aligned to a standard.",
    "ui.no_problems": "No imported problem is mapped to this point.",
    "ui.list": "{items:list}",
    "ui.quoted_in_english": "Quoted in the original English (there is no Chinese version).",
    "ui.mc_named_here": "Named when an answer to this point's items matches:",
    "ui.mc_gap_in": "{description} A sign of a gap in: {points:list}.",
    "ui.mc_signal_here": "Named on other points' items, a sign of a gap in this point:",
    "ui.no_problems_imported": (
        "No OATutor problems are in this store yet. Import them with "
        "`tutor content import oatutor` (`make app` does it when the OATutor content is there)."
    ),
    "ui.problems_attribution": (
        "OATutor content (CC BY 4.0), problems adapted from OpenStax textbooks (CC BY 4.0)."
    ),
    "ui.step_n": "Step {n}.",
    # graph lint (tutor graph lint): one finding each
    "lint.edge_down_grades": (
        "{a} (grade {from_grade}) is a prerequisite of {b} (grade {to_grade}): "
        "more than one grade down"
    ),
    "lint.redundant_edge": "{a} → {b} is implied by {via:arrows}",
    "lint.no_standard": "{a} (grade {grade}) aligns to no standard",
    "lint.no_items": "{a} (grade {grade}) has no item family: it cannot be practised",
    "lint.no_misconceptions": "{a} (grade {grade}) is signalled by no misconception",
    "lint.dead_end": "{a} (grade {grade}) leads nowhere below the top grade {top_grade}",
    "lint.coherence_no_path": (
        "{a} → {b}: the Coherence Map has no path {from_standards:list} → {to_standards:list}"
    ),
    "lint.coherence_reversed": (
        "{a} → {b} runs against the Coherence Map, which leads "
        "{to_standards:list} → {from_standards:list}"
    ),
    # curriculum designer: the domain map (tutor.designer, curriculum page)
    "ui.map_title": (
        "{domain}: {n} points by grade — colour shows what each point still lacks, "
        "arrows run from a prerequisite to what needs it"
    ),
    "ui.map_title_one": (
        "{domain}: {n} point — colour shows what it still lacks, "
        "arrows run from a prerequisite to what needs it"
    ),
    "ui.map_grade": "Grade {grade}",
    "ui.map_hover": (
        "<b>{name}</b><br>{id} · grade {grade}<br>item families: {items}<br>"
        "misconceptions: {misconceptions}<br>standards: {standards}"
    ),
    "ui.map_both": "items and misconceptions",
    "ui.map_items_only": "items, no misconceptions",
    "ui.map_misconceptions_only": "misconceptions, no items",
    "ui.map_neither": "neither yet",
    "ui.map_header": "Map of a domain",
    "ui.map_domain": "Domain to map",
    "ui.map_caption": (
        "Hover a point for its details; drag to zoom, double-click to reset. Blue points "
        "have items and misconception rules; orange and red ones are where content is missing."
    ),
    "ui.map_download": "Download this map (HTML, opens offline)",
    # -- no student stuck (tutor.policy.select.unstuck) -----------------------------------
    "policy.stuck_recheck": (
        "You've worked on {point} for a while; let's check {prerequisite}, which it needs, "
        "and then come back to it."
    ),
    "policy.stuck_easier": "You've worked on {point} for a while; here is an easier one.",
    "policy.stuck_example": (
        "You've worked on {point} for a while; read the worked example first, then try one like it."
    ),
    "ui.worked_example": "A worked example",
    # -- the initial knowledge check in the app (ui/views/placement.py) ------------------
    "ui.placement_title": "Let's find where to start",
    "ui.placement_intro": (
        "A short check of what you already know, one question at a time (at most {total}). "
        "You won't see right or wrong during the check: just do your best, and press "
        "\"I don't know\" when you don't."
    ),
    "ui.placement_progress": "Question {n} of at most {total}",
    "ui.placement_question": "Question {n}",
    "ui.placement_next": "Next",
    "ui.placement_dont_know": "I don't know",
    "ui.placement_retry": "That answer couldn't be read; write it again (or press \"I don't "
    'know").',
    "ui.placement_finished": "Check finished",
    "ui.placement_counts": "{n} questions answered",
    "ui.placement_start_practice": "Start practising",
    # -- the teacher's view of a student's placement (ui/views/student_detail.py) --------
    "ui.placement_teacher": "Knowledge check",
    "ui.placement_none": "No knowledge check yet: it starts the first time the student practises.",
    "ui.placement_when": "Finished {when} · {n} questions · topics known: {known} of {total}",
    "ui.placement_starts_at": "Practice starts at: {names}",
    "ui.placement_requested": "A re-check is waiting: it starts the next time {name} practises.",
    "ui.placement_recheck": "Ask for a re-check",
    "ui.placement_recheck_confirm": "{name} will take the knowledge check again the next time "
    "they practise; their answers so far are kept. Ask for it?",
    "ui.placement_recheck_yes": "Yes, ask for a re-check",
    "ui.placement_recheck_no": "Cancel",
    "ui.placement_recheck_done": "Re-check requested for {name}.",
    "ui.stuck_flag": "{name} may need your help with {points}: many answers there and not "
    "mastered yet (the tutor shows worked examples).",
    # -- the tutoring turn (tutor.turns; issue 15): the engine's codes, then the page's --
    "turn.over": (
        "You have finished this problem, so this answer was checked but not saved. "
        "Press “Next problem” to go on."
    ),
    "turn.same_answer": (
        "That is the same answer as your first one. Have another look, or ask for a hint."
    ),
    "turn.answer_first": "Have a go at the problem first: hints come after your first answer.",
    "turn.already_right": "You got this one right! Press “Why is it right?” to see why.",
    "turn.no_more_hints": (
        "That was the last hint. Try again, or look at how to solve it step by step."
    ),
    "ui.level_caption": "Level {level}",
    "ui.you_answered": "Your answer: {answer}",
    "ui.your_second_answer": "Your second try: {answer}",
    "ui.hint_button": "Show hint {n}",
    "ui.try_again_title": "One more try",
    "ui.your_second_try": "Your new answer",
    "ui.check_again": "Check my second try",
    "ui.show_solution": "Show me how to solve it",
    "ui.show_solution_help": "You will see every step; after that this problem is finished.",
    "ui.retry_correct": "Yes, you got it on your second try!",
    "ui.retry_incorrect": "Still not quite. Here is how to solve it, step by step.",
    "ui.solution_title": "How to solve it",
    "ui.why_button": "Why is it right?",
    "ui.why_title": "Why it works",
    "ui.wording_spinner": "The tutor is putting this into its own words…",
    "ui.wording_settings": "How the tutor talks to you",
    "ui.col_when": "When",
    "ui.col_question": "Question",
    "ui.col_hints": "Hints used",
    "ui.col_second_try": "Second try",
    "ui.col_solution": "Solution shown",
    "ui.second_try_cell": "{answer} ({verdict})",
    "ui.yes": "yes",
    # the note on the shown working (issue 20)
    "ui.working_title": "Your working",
    # A student who needs help now, and why (the teacher's dashboard).
    "ui.needs_help_line": "**{student}** — {reason}",
    # -- issue 18 (ui-teacher): My path as steps and a readable map; honest teacher views
    "ui.step_next": "next",
    "ui.step_goal": "your goal",
    "ui.step_not_tried": "not practised yet",
    "ui.step_progress": "{p} mastered (answers so far: {n})",
    "ui.step_inside": "no exercises of its own: you learn it while practising {points}",
    "ui.path_map_legend": "Each box is a step on your way: red not yet, yellow on the way, green "
    "mastered, grey not practised yet; a dashed box has no exercises of its own. Arrows go from "
    "what you need first toward your goal (the double octagon); the thick box is next.",
    "ui.metric_not_tried": "cells not tried",
    "ui.col_status": "Answers",
    "ui.cell_tried": "answers on this point: {n}",
    "ui.cell_not_tried": "not tried: no answer on this point yet",
    "ui.heatmap_legend": "Colour: mastery from the student's answers (red not yet, green "
    "mastered). Grey dashed cells with a dash are not tried: the student has not answered "
    "that point yet (cells not tried: {n} of {total}), which is not the same as weak. Hover "
    "a cell for the numbers.",
    "ui.weakest_help": "Mean mastery over the students who answered each point (points nobody "
    "tried are not listed).",
    "ui.cdm_vs_mastery": "**Why this can differ from the mastery heatmap.** The mastery heatmap "
    "follows each student answer by answer and weighs the latest answers most, so a student "
    "who has just learnt a point shows as mastered; right answers on later points also count "
    "for the points they build on. The DINA model reads only each student's last {recent} "
    "answers on a point, in no order, and compares them with the whole class: with one or two "
    "answers it leans toward the class, and “right, then wrong” counts as one of each. Where "
    "the two disagree, read the student's answers in the drill-down.",
    "ui.class_goal_now": "Current goal: **{kp}** ({n} of {total} students).",
    "ui.class_goal_now_one": "Current goal: **{kp}** ({n} of {total} student).",
    "ui.class_goal_none": "No class goal yet: the students have no goal.",
    "ui.class_goal_same": "{kp} is already every student's goal: nothing to change.",
    "ui.class_goal_confirm": "Set **{kp}** as the goal of all {n} students of {class_id}? Their "
    "learning paths change at once. Now: {now}.",
    "ui.class_goal_yes": "Yes, set it for the class",
    "ui.class_goal_no": "Cancel",
    "ui.placement_none_history": "{name} has not had a knowledge check. The check starts on its "
    "own only for a student with no answers; {name} has {n} already. You can ask for one below.",
    "ui.placement_first": "Ask for a knowledge check",
    "ui.placement_first_confirm": "{name} will take a knowledge check the next time they "
    "practise; their answers so far are kept. Ask for it?",
    "ui.placement_first_yes": "Yes, ask for a knowledge check",
    "ui.placement_first_done": "Knowledge check requested for {name}.",
    "ui.placement_first_requested": "A knowledge check is waiting: it starts the next time "
    "{name} practises.",
    # -- a count of one: the singular of the message named without "_one" (_SINGULAR) ----
    "policy.ready_one": (
        "You're ready for {point}: you've mastered its prerequisite {prerequisites:and}."
    ),
    "policy.review_one": "Time to review {point}: you mastered it, but it's been {days:.0f} day.",
    "roster.cell_count_one": "{cells} cell where the header has {columns}",
    "ui.sign_in_locked_one": (
        "Too many failed sign-ins. Wait {seconds} second, then try again. "
        "(Your teacher can reset a forgotten password.)"
    ),
    "ui.student_summary_one": "**{name}** · goal: {goal} · {n} answer, {correct} correct",
    "ui.placement_counts_one": "{n} question answered",
    "ui.placement_when_one": "Finished {when} · {n} question · topics known: {known} of {total}",
    "ui.class_goal_confirm_one": "Set **{kp}** as the goal of the {n} student of {class_id}? "
    "Their learning path changes at once. Now: {now}.",
}

#: Messages with a singular form ``<code>_one``: the parameter whose count picks it.
_SINGULAR: dict[str, str] = {
    "policy.ready": "prerequisites",
    "policy.review": "days",
    "roster.cell_count": "cells",
    "ui.roster_rejected": "n",
    "ui.roster_size": "n",
    "ui.roster_imported": "n",
    "ui.sign_in_locked": "seconds",
    "ui.student_summary": "n",
    "ui.placement_counts": "n",
    "ui.placement_when": "n",
    "ui.class_goal_confirm": "n",
    "placement.summary": "total",
    "placement.summary_done": "total",
    "ui.class_goal_now": "total",
    "ui.map_title": "n",
}

#: The English catalog (also what any other language falls back to).
EN = Catalog("en", _MESSAGES, _FORMATS, _SINGULAR)
