"""The Simplified Chinese catalog (``zh-Hans``): the same codes as :mod:`tutor.i18n.en`,
with the same parameters (a unit test checks both), in natural Chinese.

Maths stays as written (``2(x + 3) = 2x + 6``, ``x^2``, ``cm²``); a student's own text is
shown as typed, in Chinese quotation marks.
"""

from __future__ import annotations

from tutor.i18n.catalog import Catalog, Format, as_list, join_list

__all__ = ["ZH_HANS"]

#: Units whose English symbol a Chinese sentence should not show as is.
_UNIT_NAMES = {
    "days": "天",
    "people/km²": "人/km²",
    "$": "美元（$）",
    "¢": "美分（¢）",
    "°": "度（°）",
}
#: A number written with a word unit ("12 days") and how Chinese writes it ("12天").
_UNIT_SUFFIXES = {"days": "天", "people/km²": "人/km²"}


def _or(value: object) -> str:
    """``x、y 或 n``."""
    return join_list(as_list(value), "、", " 或 ")


def _and(value: object) -> str:
    """``A、B、C`` — at most three, then ``等``."""
    items = as_list(value)
    return "、".join(str(i) for i in items[:3]) + ("等" if len(items) > 3 else "")


def _some(value: object) -> str:
    """``A、B等5个`` — two named, then how many in all."""
    items = as_list(value)
    more = f"等{len(items)}个" if len(items) > 2 else ""
    return "、".join(str(i) for i in items[:2]) + more


def _symbol(value: object) -> str:
    """``“&”``; ``这个符号`` for a character that cannot be shown (empty)."""
    return f"“{value}”" if value else "这个符号"


def _unit(value: object) -> str:
    """The unit as a Chinese sentence names it, with a space before a Latin symbol."""
    name = _UNIT_NAMES.get(str(value), str(value))
    return name if name and "\u4e00" <= name[0] <= "\u9fff" else f" {name}"


def _quantity(value: object) -> str:
    """``12 days`` → ``12天``; other quantities (``12 cm²``, ``$12``) as written."""
    written = str(value)
    for en, zh in _UNIT_SUFFIXES.items():
        if written.endswith(" " + en):
            return written[: -len(en) - 1] + zh
    return written


_FORMATS: dict[str, Format] = {
    "or": _or,
    "and": _and,
    "some": _some,
    "list": lambda value: "、".join(str(i) for i in as_list(value)),
    "arrows": lambda value: " → ".join(str(i) for i in as_list(value)),
    "semicolons": lambda value: "；".join(str(i) for i in as_list(value)),
    "symbol": _symbol,
    "unit": _unit,
    "quantity": _quantity,
}

_MESSAGES: dict[str, str] = {
    # -- the answer checker ---------------------------------------------------------------
    "answer.correct": "答对了！",
    "answer.incorrect": "还不太对——再仔细看看。",
    "answer.not_simplified": "结果是对的——现在把它化成最简形式。",
    "answer.work_it_out": "结果是对的——现在把它算出来，写成一个数。",
    "answer.as_fraction": "结果是对的——现在把它写成分数。",
    "answer.add_percent": "数字是对的——现在加上百分号 %。",
    "answer.not_solved": "这样写没错，但还没有解完——最后要让字母单独留在一边。",
    "answer.just_number": "结果是对的——现在只写这个数就可以了。",
    "answer.equation_form": "结果是对的——现在把它写成方程：{letter} = …",
    "answer.want_point": "还不太对——这道题的答案是一个点，请写成 (x, y) 的样子。",
    "answer.expand": "结果是对的——现在把括号展开，比如 2(x + 3) = 2x + 6。",
    "answer.simplify_root": "结果是对的——现在把平方根化简，比如 √12 = 2√3。",
    "answer.empty": "请先输入答案。",
    "answer.too_long": "这个答案太长了——请只写答案（最多 {limit} 个字符）。",
    "answer.too_big": "这个数太大了，没法计算——请检查答案里的乘方。",
    "answer.divide_by_zero": "这里除以了 0，得不到一个数——请检查你的答案。",
    "answer.not_real": "这不是一个实数——看看是不是给负数开了平方根。",
    "answer.too_deep": "这个答案里括号或乘方套了太多层——请写得简单一些。",
    "answer.cannot_check": "抱歉——我没能检查这个答案，请写得简单一些。",
    "answer.letter_not_used": "这道题的答案用不到字母“{letter}”——请用 {letters:or}。",
    "answer.letter_not_used_no_letters": "这道题的答案用不到字母“{letter}”——只写数就可以了。",
    "answer.unit_without_number": "请把数也写上，比如 {example:quantity}。",
    "answer.wrong_unit": "这个答案的单位是{unit:unit}——请写成 {number} 或 {example:quantity}。",
    "answer.unreadable": "我没能读懂“{text}”——{hint:code}",
    "answer.hint.double_slash": "分数请写成 3/4 这样。",
    "answer.hint.not_equal_sign": "答案里不能用“≠”——请用 =、<、>、≤ 或 ≥。",
    "answer.hint.angle_not_equal": "答案里不能用“<>”——请用 =、<、>、≤ 或 ≥。",
    "answer.hint.round_brackets": "这里请用圆括号 ( )。",
    "answer.hint.stray_dot": "小数点只能写在小数里，比如 0.5。",
    "answer.hint.dot_without_digits": "小数点后面要有数字，比如 2.5。",
    "answer.hint.two_decimal_points": "一个数只能有一个小数点，比如 2.5。",
    "answer.hint.symbol": (
        "答案里不能用{symbol:symbol}。请只用数字、+ − × ÷ ^、括号和字母 {letters:or}。"
    ),
    "answer.hint.symbol_no_letters": "答案里不能用{symbol:symbol}。请只用数字、+ − × ÷ ^ 和括号。",
    "answer.hint.letters_only": "请只写答案，只用数字和字母 {letters:or}。",
    "answer.hint.letters_only_no_letters": "请只写答案，只用数字。",
    "answer.hint.missing_after": "“{sign}”后面还少了东西。",
    "answer.hint.empty_brackets": "括号里是空的。",
    "answer.hint.unopened_bracket": "有一个“)”，可是它前面没有“(”。",
    "answer.hint.comma": "小数请用小数点（比如 0.5），点的坐标请加上括号（比如 (2, -1)）。",
    "answer.hint.percent_sign": "百分号 % 要紧跟在数的后面，比如 75%。",
    "answer.hint.ratio_colon": "比要写成两个数，中间用一个冒号隔开，比如 3:4。",
    "answer.hint.space_between_numbers": (
        "两个数之间有空格——请写成一个数（比如 1000）或者带分数（比如 1 1/2）。"
    ),
    "answer.hint.number_after": (
        "数要写在字母和括号的前面（比如 3x 或 2(x+1)）；乘方请用 ^（比如 x^2）。"
    ),
    "answer.hint.starts_with_sign": "答案不能以“{sign}”开头。",
    "answer.hint.two_signs": "有两个符号连在了一起（“{first} {second}”）。",
    "answer.hint.sign_after_bracket": "“(”后面不能紧跟着“{sign}”。",
    "answer.hint.check_again": "请检查一下，再试一次。",
    "answer.hint.no_letter_relation": (
        "请只写最后的答案（比如 4），或者用一个字母来写（比如 x = 4）。"
    ),
    "answer.hint.too_many_relations": (
        "只写一个“=”（比如 x = 4），或者只写一个不等式（比如 x > 3）。"
    ),
    "answer.hint.mixed_directions": "两个不等号的方向要一致，比如 1 < x < 5。",
    "answer.hint.ratio_letters": "像 3:4 这样的比只能用数来写。",
    "answer.hint.power_letters": "指数必须是一个数，比如 x^2。",
    "answer.hint.power_fraction": "指数必须是整数或简单的分数，比如 x^2 或 x^(1/2)。",
    "answer.hint.comma_in_brackets": "逗号只用来隔开点的坐标，比如 (2, -1)。",
    "answer.hint.relation_in_brackets": "括号里不能有“=”、“<”或“>”——请写成 x = 4 这样。",
    "answer.hint.unclosed_bracket": "少了一个括号——每个“(”都要配一个“)”。",
    # -- why the tutor picked what comes next ---------------------------------------------
    "policy.gap": "刚才的答题显示“{gap}”还没掌握，我们先把它补上。",
    "policy.gap_prerequisite": "刚才的答题显示“{gap}”还没掌握；先练“{target}”，因为它是前提。",
    "policy.review": "该复习“{point}”了：你已经掌握过，但已经{days:.0f}天没练了。",
    "policy.confirm": "快到目标了：确认一下你还会“{point}”（上次练习是{days:.0f}天前）。",
    "policy.confirm_new": "快到目标了：确认一下你会“{point}”。",
    "policy.recheck": "“{point}”有点难；先检查一下它需要的“{prerequisite}”。",
    "policy.ready": "你可以学“{point}”了：它的前提{prerequisites:and}你都已经掌握。",
    "policy.ready_one": "你可以学“{point}”了：它的前提{prerequisites:and}你已经掌握。",
    "policy.ready_along": (
        "你可以学“{point}”了：{prerequisites:and}你都已经掌握，{along:and}会在练习它的时候一起学会。"
    ),
    "policy.start": "“{point}”是通向目标的起点。",
    "policy.resume": "先把这道“{point}”的题做完：你还有一次机会。",
    "policy.goal_reached": "通往目标的知识点你都掌握了，选一个新目标吧！",
    # -- 初始知识检测 -------------------------------------------------------------------
    "placement.summary": (
        "通往目标的 {total} 个知识点里你已经掌握了 {known} 个；我们从{start:and}开始。"
    ),
    "placement.summary_done": "通往目标的 {total} 个知识点你都已经掌握了，选一个新目标吧！",
    "policy.no_goal": "你还没有学习目标：请老师帮你设定一个。",
    # -- a refused roster row or file -----------------------------------------------------
    "roster.file_too_large": "文件超过 {kb} kB，请把班级分成几个文件",
    "roster.not_text": "文件不是文本文件",
    "roster.empty": "文件是空的：第一行应是表头",
    "roster.header_not_csv": "表头无法按 CSV 读取（{error}）",
    "roster.missing_column": "表头缺少“{column}”列",
    "roster.unknown_column": "未知的列“{column}”；可用的列是 student_id、name、password 和 goal",
    "roster.doubled_column": "“{column}”列重复",
    "roster.too_many_rows": "超过 {limit} 行，请把班级分成几个文件",
    "roster.cell_count": "这一行有 {cells} 格，表头有 {columns} 格",
    "roster.duplicate_id": "“{student_id}”已在第 {first_line} 行出现",
    "roster.not_csv": "文件无法按 CSV 读取（{error}）",
    "roster.id_taken": "“{student_id}”已被使用，请换一个编号",
    "roster.no_students": "文件只有表头，没有学生",
    "roster.cell_too_long": "超过 {limit} 个字符",
    "roster.id_empty": "学生编号不能为空",
    "roster.id_spaces": "学生编号“{student_id}”的开头或结尾有空格",
    "roster.id_too_long": "学生编号超过 {limit} 个字符",
    "roster.id_control": "学生编号“{student_id}”里有控制字符",
    "roster.id_characters": "学生编号只能用字母、数字、“-”、“_”和“.”",
    "roster.name_empty": "姓名不能为空",
    "roster.name_too_long": "姓名超过 {limit} 个字符",
    "roster.name_control": "姓名里不能有控制字符（比如换行）",
    "roster.password_empty": "密码是空的：请给每个学生设置至少 {limit} 个字符的密码",
    "roster.password_too_short": "密码少于 {limit} 个字符",
    "roster.password_too_long": "密码超过 {limit} 个字符",
    "roster.unknown_goal": "没有知识点“{goal}”；可用 `tutor graph list` 查看编号",
    # -- why a student needs help ---------------------------------------------------------
    "report.wrong_in_a_row": "连续答错{count}题",
    "report.gap_not_repaired": "诊断出的漏洞还没补上：{points:some}",
    "report.no_progress": "没有进步：最近{window}题只答对{right}题",
    "report.class_model": "班级诊断模型认为还没掌握：{points:list}",
    "report.reasons": "{reasons:semicolons}",
    # -- the app --------------------------------------------------------------------------
    "ui.app_title": "kptutor",
    "ui.tagline": "以知识点图谱为导航的自适应中小学数学辅导。",
    "ui.language": "语言",
    "ui.page_sign_in": "登录",
    "ui.page_practice": "练习",
    "ui.page_progress": "我的学习路径",
    "ui.page_dashboard": "班级总览",
    "ui.page_student": "学生详情",
    "ui.page_roster": "名单与班级",
    "ui.page_curriculum": "课程图谱",
    "ui.signed_in_as": "当前用户：{name}",
    "ui.sign_out": "退出登录",
    "ui.access_denied": "你无权查看此页面：它属于其他角色或其他班级。",
    "ui.sign_in_first": "请先登录（见“登录”页面）。",
    "ui.user_id": "用户名",
    "ui.password": "密码",
    "ui.sign_in": "登录",
    "ui.wrong_credentials": "用户名与密码不匹配，请检查后重试。",
    "ui.session_expired": "登录已失效，请重新登录。",
    "ui.sign_in_locked": "登录失败次数过多。请等待 {seconds} 秒后再试。（忘记密码可请老师重置。）",
    "ui.demo_hint": (
        "演示账号：教师 `teacher` / `teacher-demo`；学生 `s01` … `s30` / `student-demo`。"
    ),
    "ui.no_curriculum": "尚未加载课程。请运行 `tutor graph load default` 后刷新页面。",
    "ui.curriculum_loaded": "课程：{name}",
    "ui.stat_knowledge_points": "知识点",
    "ui.stat_prerequisite_edges": "先修关系",
    "ui.stat_roots": "起点",
    "ui.stat_leaves": "终点",
    "ui.stat_longest_chain": "最长先修链",
    "ui.no_goal": "你还没有学习目标，请让老师帮你设定一个。",
    "ui.goal_reached": "你已经达成目标，真棒！请老师给你设定下一个目标吧。",
    "ui.problem_on": "本题知识点：{kp}",
    "ui.item_caption": "题目编号 {item_id} · 难度 {level}",
    "ui.your_answer": "你的答案",
    "ui.show_working": "写出解题过程（每行一步，可不填）",
    "ui.show_working_help": "如果答案不对，解题过程能帮我们找到出错的那一步。",
    "ui.check": "检查答案",
    "ui.empty_answer": "请先输入答案。",
    "ui.syntax_title": "答案的写法",
    "ui.syntax_help": "整数 `12`、`-3`；分数 `3/4`，带分数 `1 1/2`；小数 `0.75`；百分数 `75%`；"
    "代数式 `2x+3`；方程与不等式 `x = 4`、`x > 3`；坐标 `(2, -1)`；比 `3:4`；需要时写单位，"
    "如 `24 cm²`、`45°`。全角数字和中文标点也可以。",
    "ui.fb_correct": "答对了，真棒！",
    "ui.fb_incorrect": "还差一点，我们一起来看看。",
    "ui.fb_not_simplified": "数值是对的，请写成最简形式。",
    "ui.fb_unreadable": "我没能读懂这个答案，请检查写法后再试一次。",
    "ui.fb_try_again": "这次不计分，请重新写出答案。",
    "ui.answer_not_saved": "同一时刻收到了好几个答案，这个答案没有保存下来，请再提交一次。",
    "ui.store_busy": "辅导系统这会儿太忙，没能及时回应，所以什么都没有保存。请稍等片刻再试一次。",
    "ui.hint_n": "提示 {n}：",
    "ui.no_more_hints": "这道题没有更多提示了。",
    "ui.style": "讲解风格",
    "ui.style_friendly": "亲切",
    "ui.style_casual": "轻松",
    "ui.style_formal": "正式",
    "ui.explain_language": "讲解语言",
    "ui.lang_en": "English",
    "ui.lang_zh-Hans": "简体中文",
    "ui.next_problem": "下一题",
    "ui.your_goal": "你的目标：**{goal}**",
    "ui.your_path": "你的学习路径",
    "ui.path_empty": "还没有学习路径：做完第一道题后就会显示在这里。",
    "ui.path_gap": "先补上一个漏洞：{kp}。之后路径会回到你的目标。",
    "ui.your_map": "你的知识地图",
    "ui.map_legend": "每个方框是一个知识点：红色表示还没掌握，黄色表示正在进步，绿色表示已掌握，"
    "灰色表示还没练过。箭头从需要先学的知识点指向后续知识点；粗框是下一步，双八边形是你的目标。",
    "ui.map_empty": "作答几道题后，你的知识地图就会出现。",
    "ui.recent_answers": "最近的作答",
    "ui.no_attempts": "还没有作答记录。",
    "ui.class": "班级",
    "ui.student": "学生",
    "ui.no_classes": "你还没有班级。请在“名单与班级”页面创建。",
    "ui.no_students": "这个班级还没有学生。请在“名单与班级”页面添加。",
    "ui.metric_students": "学生人数",
    "ui.metric_points": "已练知识点",
    "ui.metric_need_help": "需要帮助",
    "ui.needs_help": "现在需要帮助的学生",
    "ui.nobody_needs_help": "目前没有学生需要帮助。",
    "ui.heatmap": "各学生在各知识点上的掌握程度",
    "ui.weakest": "最薄弱的知识点",
    "ui.top_misconceptions": "最常见的误区",
    "ui.no_misconceptions": "暂未发现误区。",
    "ui.misconception_line": "- **{description}** —— {count} 次（例如 {examples}）",
    "ui.cdm_title": "认知诊断（DINA）画像",
    "ui.cdm_help": "根据全班作答拟合的 DINA 模型，估计每位学生掌握每个知识点的概率。",
    "ui.class_goal": "班级目标",
    "ui.goal": "目标",
    "ui.set_class_goal": "为全班设定这个目标",
    "ui.goal_set_class": "已为 {class_id} 的每位学生设定目标：{kp}。",
    "ui.export_csv": "导出作答记录（CSV）",
    "ui.col_student": "学生",
    "ui.col_kp": "知识点",
    "ui.col_mastery": "掌握程度",
    "ui.col_mean_mastery": "平均掌握程度",
    "ui.col_students": "学生数",
    "ui.col_seq": "序号",
    "ui.col_answer": "答案",
    "ui.col_result": "结果",
    "ui.col_misconception": "误区",
    "ui.col_line": "行号",
    "ui.col_column": "列",
    "ui.col_reason": "问题",
    "ui.status_correct": "正确",
    "ui.status_incorrect": "错误",
    "ui.status_unreadable": "无法识别",
    "ui.status_not_simplified": "未化简",
    "ui.student_summary": "**{name}** · 目标：{goal} · 共 {n} 次作答，答对 {correct} 次",
    "ui.none": "无",
    "ui.path": "学习路径",
    "ui.path_gap_teacher": "正在优先弥补诊断出的漏洞：{kp}。",
    "ui.path_reason_teacher": "{name}看到的下一步说明：",
    "ui.attempts": "作答记录",
    "ui.mastery": "掌握程度",
    "ui.set_student_goal": "为这位学生设定这个目标",
    "ui.goal_set_student": "已为 {name} 设定目标：{kp}。",
    "ui.create_class": "创建班级",
    "ui.class_id": "班级编号（字母、数字、-、_ 或 .）",
    "ui.class_name": "班级名称",
    "ui.create": "创建",
    "ui.class_created": "已创建班级 {class_id}。",
    "ui.add_student": "添加学生",
    "ui.student_id": "学生编号（字母、数字、-、_ 或 .）",
    "ui.student_name": "学生姓名",
    "ui.password_rules": "8 到 128 个字符。",
    "ui.add": "添加",
    "ui.student_added": "已将学生 {student_id} 加入 {class_id}。",
    "ui.roster_size": "{class_id} 共有 {n} 名学生。",
    "ui.upload_roster": "上传名单（CSV）",
    "ui.roster_format": "UTF-8 编码的 CSV，表头为 `student_id,name,password`，可另加 `goal` 列。"
    "系统会先检查每一行；只要有一行有误，就不会添加任何学生。",
    "ui.roster_file": "名单文件",
    "ui.import_roster": "检查并导入",
    "ui.roster_too_big": "文件超过 1 MB，名单不应这么大，请检查文件。",
    "ui.roster_not_utf8": "这个文件不是 UTF-8 文本。请另存为“CSV UTF-8”后重新上传。",
    "ui.roster_rejected": "未导入任何学生：有 {n} 行需要修改。请改正后重新上传。",
    "ui.roster_imported": "已导入 {n} 名学生。",
    # ui-maths (issue 18): one of a thing, and the forms' own checks
    "ui.class_id_characters": "班级编号只能用字母、数字、“-”、“_”和“.”。",
    "ui.field_problem": "{field}一栏：{reason}",
    "ui.search": "搜索（编号、名称或描述）",
    "ui.grade": "年级",
    "ui.domain": "领域",
    # the curriculum's domains by name (ui.domain_<id>, see tutor.i18n.domain_name)
    "ui.domain_decimals": "小数",
    "ui.domain_equations": "方程",
    "ui.domain_exponents": "乘方与开方",
    "ui.domain_expressions": "代数式",
    "ui.domain_fractions": "分数",
    "ui.domain_functions": "函数",
    "ui.domain_geometry": "几何",
    "ui.domain_inequalities": "不等式",
    "ui.domain_integers": "正负数与有理数",
    "ui.domain_measurement": "测量",
    "ui.domain_mult_div": "乘法与除法",
    "ui.domain_order_ops": "运算顺序",
    "ui.domain_percent": "百分数",
    "ui.domain_place_value": "数的认识与数位",
    "ui.domain_ratio": "比与比率",
    "ui.domain_statistics": "统计与概率",
    "ui.domain_whole_ops": "整数运算",
    "ui.all": "全部",
    "ui.points_found": "共 {total} 个知识点，符合条件 {n} 个 · 导入题目 {problems} 道",
    "ui.nothing_found": "没有符合条件的知识点。请减少关键词或换一个筛选条件。",
    "ui.knowledge_point": "知识点",
    "ui.kp_label": "{name} · {grade} 年级 · {id}",
    "ui.kp_meta": "{id} · {grade} 年级 · {domain}",
    "ui.prereqs_and_dependents": "先修知识点与后续知识点",
    "ui.neighbourhood_legend": "蓝色：它需要的先修知识点（往前两步）。"
    "橙色：以它为基础的知识点（往后两步）。"
    "箭头从先修知识点指向需要它的知识点。",
    "ui.tab_items": "题目",
    "ui.tab_misconceptions": "误区",
    "ui.tab_standards": "课程标准",
    "ui.tab_problems": "OATutor 题目",
    "ui.no_items": "这个知识点还没有题目生成器。",
    "ui.item_level": "难度 {level}：{prompt}",
    "ui.item_answer": "答案：`{answer}`",
    "ui.no_misconceptions_kp": "这个知识点的题目上不会指出误区，也没有误区指向它。",
    "ui.no_standards": "未对应任何课程标准。",
    "ui.no_problems": "没有导入的题目对应这个知识点。",
    "ui.list": "{items:list}",
    "ui.quoted_in_english": "以上为英文原文（没有中文版本）。",
    "ui.mc_named_here": "学生做这个知识点的题目时，答案符合下列误区就会被指出：",
    "ui.mc_gap_in": "{description}说明这些知识点还没掌握：{points:list}。",
    "ui.mc_signal_here": "在其他知识点的题目上被指出、说明这个知识点还没掌握的误区：",
    "ui.no_problems_imported": (
        "这个数据库里还没有 OATutor 题目。用 `tutor content import oatutor` 导入"
        "（有 OATutor 内容时，`make app` 会自动导入）。"
    ),
    "ui.problems_attribution": "OATutor 内容（CC BY 4.0），题目改编自 OpenStax 教材（CC BY 4.0）。",
    "ui.step_n": "第 {n} 步。",
    # graph lint (tutor graph lint): one finding each
    "lint.edge_down_grades": (
        "{a}（{from_grade} 年级）是 {b}（{to_grade} 年级）的先修知识点：向下跨了一个以上的年级"
    ),
    "lint.redundant_edge": "{a} → {b} 已由 {via:arrows} 蕴含，是多余的边",
    "lint.no_standard": "{a}（{grade} 年级）没有对应任何课程标准",
    "lint.no_items": "{a}（{grade} 年级）没有题目族：无法练习",
    "lint.no_misconceptions": "{a}（{grade} 年级）没有任何误区指向它",
    "lint.dead_end": "{a}（{grade} 年级）在最高年级 {top_grade} 之下却没有后续知识点",
    "lint.coherence_no_path": (
        "{a} → {b}：连贯性图谱中没有 {from_standards:list} → {to_standards:list} 的路径"
    ),
    "lint.coherence_reversed": (
        "{a} → {b} 与连贯性图谱方向相反：图谱中是 {to_standards:list} → {from_standards:list}"
    ),
    # curriculum designer: the domain map (tutor.designer, curriculum page)
    "ui.map_title": (
        "{domain}：按年级排列的 {n} 个知识点——颜色表示每个知识点还缺什么，"
        "箭头从先修知识点指向需要它的知识点"
    ),
    "ui.map_grade": "{grade} 年级",
    "ui.map_hover": (
        "<b>{name}</b><br>{id} · {grade} 年级<br>题目族：{items}<br>"
        "误区：{misconceptions}<br>课程标准：{standards}"
    ),
    "ui.map_both": "有题目，有误区",
    "ui.map_items_only": "有题目，无误区",
    "ui.map_misconceptions_only": "有误区，无题目",
    "ui.map_neither": "两者都没有",
    "ui.map_header": "领域地图",
    "ui.map_domain": "要查看的领域",
    "ui.map_caption": (
        "把鼠标移到知识点上查看详情；拖动可放大，双击复原。"
        "蓝色的知识点已有题目和误区规则；橙色和红色的是还缺内容的地方。"
    ),
    "ui.map_download": "下载这张地图（HTML，可离线打开）",
    # -- no student stuck ---------------------------------------------------------------
    "policy.stuck_recheck": (
        "“{point}”你已经练了一阵子；先检查一下它需要的“{prerequisite}”，再回来练它。"
    ),
    "policy.stuck_easier": "“{point}”你已经练了一阵子；来一道简单一点的。",
    "policy.stuck_example": "“{point}”你已经练了一阵子；先看一道例题的完整解法，再做一道类似的。",
    "ui.worked_example": "例题",
    # -- the initial knowledge check in the app ------------------------------------------
    "ui.placement_title": "先看看从哪里开始",
    "ui.placement_intro": (
        "一个简短的小测验，看看你已经会什么，一次一道题（最多 {total} 道）。"
        "测验中不会显示对错：尽力作答就好，不会的题请点“我不会”。"
    ),
    "ui.placement_progress": "第 {n} 题（最多 {total} 题）",
    "ui.placement_question": "第 {n} 题",
    "ui.placement_next": "下一题",
    "ui.placement_dont_know": "我不会",
    "ui.placement_retry": "这个答案读不懂；请再写一次（或点“我不会”）。",
    "ui.placement_finished": "测验完成",
    "ui.placement_counts": "共答 {n} 题",
    "ui.placement_start_practice": "开始练习",
    # -- the teacher's view of a student's placement --------------------------------------
    "ui.placement_teacher": "入门测验",
    "ui.placement_none": "还没有做入门测验：学生第一次练习时会开始。",
    "ui.placement_when": "完成于 {when} · 共 {n} 题 · 已掌握 {known}/{total} 个知识点",
    "ui.placement_starts_at": "练习从这里开始：{names}",
    "ui.placement_requested": "已安排重新测验：{name}下次练习时开始。",
    "ui.placement_recheck": "安排重新测验",
    "ui.placement_recheck_confirm": (
        "{name}下次练习时会重新做入门测验；之前的作答都会保留。确定吗？"
    ),
    "ui.placement_recheck_yes": "确定，安排重新测验",
    "ui.placement_recheck_no": "取消",
    "ui.placement_recheck_done": "已为{name}安排重新测验。",
    "ui.stuck_flag": (
        "{name}在“{points}”上可能需要你的帮助：已经练了很多次还没掌握（系统正在给出例题）。"
    ),
    # -- the tutoring turn (tutor.turns; issue 15): the engine's codes, then the page's --
    "turn.over": "这道题已经做完了，所以这次的答案检查过了，但没有保存。点“下一题”继续吧。",
    "turn.same_answer": "这和你第一次的答案一样哦。再仔细看看，或者要一个提示。",
    "turn.answer_first": "先试着做一做这道题：第一次作答之后才有提示。",
    "turn.already_right": "这道题你做对了！点“为什么是对的？”看看为什么。",
    "turn.no_more_hints": "这是最后一个提示了。再试一次，或者一步一步看看怎么做。",
    "ui.level_caption": "难度 {level}",
    "ui.you_answered": "你的答案：{answer}",
    "ui.your_second_answer": "你的第二次答案：{answer}",
    "ui.hint_button": "看提示 {n}",
    "ui.try_again_title": "再来一次机会",
    "ui.your_second_try": "你的新答案",
    "ui.check_again": "检查第二次答案",
    "ui.show_solution": "告诉我怎么做",
    "ui.show_solution_help": "你会看到每一步；看完之后这道题就结束了。",
    "ui.retry_correct": "对了，第二次做对了！",
    "ui.retry_incorrect": "还是不太对。下面我们一步一步地看怎么做。",
    "ui.solution_title": "解题过程",
    "ui.why_button": "为什么是对的？",
    "ui.why_title": "为什么对",
    "ui.wording_spinner": "老师正在用自己的话重新讲一遍……",
    "ui.wording_settings": "老师怎样跟你说话",
    "ui.col_when": "时间",
    "ui.col_question": "题目",
    "ui.col_hints": "用过的提示",
    "ui.col_second_try": "第二次作答",
    "ui.col_solution": "看过解法",
    "ui.second_try_cell": "{answer}（判为{verdict}）",
    "ui.yes": "是",
    # the note on the shown working (issue 20)
    "ui.working_title": "你的解题过程",
    "ui.needs_help_line": "学生 **{student}**：{reason}",
    # -- issue 18 (ui-teacher): 我的路径（步骤与易读的地图）；如实的教师视图
    "ui.step_next": "下一步",
    "ui.step_goal": "你的目标",
    "ui.step_not_tried": "还没练过",
    "ui.step_progress": "掌握 {p}（已作答 {n} 次）",
    "ui.step_inside": "没有单独的练习：在练习{points}时一起学会",
    "ui.path_map_legend": "每个方框是路上的一步：红色表示还没掌握，黄色表示正在进步，"
    "绿色表示已掌握，灰色表示还没练过；虚线框没有单独的练习。"
    "箭头从需要先学的知识点指向你的目标（双八边形）；粗框是下一步。",
    "ui.metric_not_tried": "未尝试的格子",
    "ui.col_status": "作答",
    "ui.cell_tried": "这个知识点已作答 {n} 次",
    "ui.cell_not_tried": "未尝试：还没有作答过这个知识点",
    "ui.heatmap_legend": "颜色表示根据学生作答估计的掌握程度（红色表示还没掌握，绿色表示已掌握）。"
    "带短横的灰色虚线格表示未尝试：学生还没有作答过这个知识点（共 {total} 格，其中 {n} 格），"
    "这不等于薄弱。把鼠标移到格子上可以看到具体数字。",
    "ui.weakest_help": "按作答过该知识点的学生计算平均掌握程度（没有人尝试过的知识点不列出）。",
    "ui.cdm_vs_mastery": "**为什么这里会和掌握程度热图不同？** 掌握程度热图逐题跟踪每位学生，"
    "越新的作答权重越大，所以刚学会的知识点会显示为已掌握；后续知识点上的正确作答也会计入它所依赖的"
    "知识点。DINA 模型只读取每位学生在每个知识点上最近的 {recent} 次作答，不看先后顺序，"
    "并与全班比较：只有一两次作答时，它会偏向全班的情况；“先对后错”算作对一次、错一次。"
    "两者不一致时，请在学生详情里查看这位学生的作答。",
    "ui.class_goal_now": "当前目标：**{kp}**（{total} 名学生中的 {n} 名）。",
    "ui.class_goal_none": "还没有班级目标：学生们都没有目标。",
    "ui.class_goal_same": "{kp} 已经是每位学生的目标，无需更改。",
    "ui.class_goal_confirm": "要把 **{kp}** 设为 {class_id} 全部 {n} 名学生的目标吗？"
    "他们的学习路径会立即改变。当前目标：{now}。",
    "ui.class_goal_yes": "是的，为全班设定",
    "ui.class_goal_no": "取消",
    "ui.placement_none_history": "{name} 还没有做过入门测验。只有还没有作答记录的学生才会自动开始"
    "入门测验；{name} 已经作答 {n} 次。如有需要，可以在下方请求一次。",
    "ui.placement_first": "安排入门测验",
    "ui.placement_first_confirm": "{name}下次练习时会做一次入门测验；之前的作答都会保留。确定吗？",
    "ui.placement_first_yes": "确定，安排入门测验",
    "ui.placement_first_done": "已为{name}安排入门测验。",
    "ui.placement_first_requested": "已安排入门测验：{name}下次练习时开始。",
}

#: Chinese words a count the same for one as for many; only "都" (all of them) is dropped
#: when a list names one prerequisite.
_SINGULAR: dict[str, str] = {"policy.ready": "prerequisites"}

#: The Simplified Chinese catalog.
ZH_HANS = Catalog("zh-Hans", _MESSAGES, _FORMATS, _SINGULAR)
