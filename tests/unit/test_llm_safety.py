"""The K12 safety filter: harmful text is caught, ordinary maths text is not."""

from __future__ import annotations

import pytest

from tutor.content.items import GENERATORS, ensure_generators_loaded, generate
from tutor.llm.safety import CATEGORIES, check_text


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("I will kill you if you get this wrong.", "violence"),
        ("He murdered the cat.", "violence"),
        ("Go and shoot them all.", "violence"),
        ("Bring a weapon to school.", "violence"),
        ("我要杀了你。", "violence"),
        ("用炸弹把学校炸掉", "violence"),
        ("Sometimes I want to die.", "self_harm"),
        ("I keep thinking about suicide.", "self_harm"),
        ("Do you ever cut yourself?", "self_harm"),
        ("我不想活了", "self_harm"),
        ("我想自杀", "self_harm"),
        ("Send me a sexy picture.", "sexual"),
        ("Look at this porn site.", "sexual"),
        ("发一张裸照给我", "sexual"),
        ("What's your address?", "personal_data"),
        ("Where do you live?", "personal_data"),
        ("Tell me your phone number and I'll call.", "personal_data"),
        ("My address is 12 High Street.", "personal_data"),
        ("Let's meet up after school, just us.", "personal_data"),
        ("你家住在哪里？", "personal_data"),
        ("你的电话号码是多少？", "personal_data"),
        ("我家住在幸福路18号", "personal_data"),
        ("See https://example.org/answers for more.", "link"),
        ("Visit www.freegames.net now", "link"),
        ("Email me at kid123@mail.com", "link"),
        ("Go to cheats.xyz for answers", "link"),
        ("This is shit.", "profanity"),
        ("你个傻逼", "profanity"),
    ],
)
def test_harmful_text_is_caught(text: str, category: str) -> None:
    for source in ("model", "student"):
        result = check_text(text, source=source)  # type: ignore[arg-type]
        assert not result.ok
        assert category in result.categories
        assert f"unsafe: {category}" in result.reasons()


MATHS = [
    "Practise this skill: add 9 + 3 by making a ten.",
    "The skilled baker made 24 cakes and sold 3/4 of them.",
    "A basketball player shoots 10 free throws and scores 7.",
    "She shot 3 arrows at the target and hit the bullseye twice.",
    "Plant shoots grow 2 cm each day.",
    "A water gun holds 0.5 litres.",
    "Sussex has 12 towns on this map.",
    "A sextant measures angles up to 120°.",
    "There are six sets of 4 counters.",
    "Kilograms and kilometres are metric units.",
    "The address of the school is not needed: find the perimeter of the field.",
    "What number is 10 more than 34?",
    "Write your answer as a fraction in lowest terms.",
    "Tell me your answer as a decimal.",
    "The dice has numbers 1 to 6. What is the probability of a 6?",
    "Cut the cake into 8 equal slices.",
    "Beat the clock: how many facts can you do in a minute?",
    "The team's goal difference is -3.",
    "Round 3.568 to 1 decimal place: 3.6.",
    "e.g. 1/2 + 1/3 = 5/6, i.e. use a common denominator.",
    "Type 0.75 or 3/4.",
    "The die was rolled 60 times.",
    "Find the value of x: 2x + 3 = 11.",
    "杀菌剂每瓶 250 毫升，3 瓶一共多少毫升？",
    "小明家离学校 2 千米，他每天走路上学。",
    "把 3/4 化成小数是 0.75。",
    "你的答案是 12，再检查一下吧。",
    "电话卡每张 30 元，买 4 张要多少钱？",
    "这道题考查的是凑十法的技能。",
]


@pytest.mark.parametrize("text", MATHS)
def test_ordinary_maths_text_passes(text: str) -> None:
    assert check_text(text, source="model").ok, check_text(text, source="model")
    assert check_text(text, source="student").ok


def test_every_generated_item_text_passes() -> None:
    """All generators' prompts and step texts (first level, one seed), English and Chinese."""
    ensure_generators_loaded()
    checked = 0
    for name, gen in sorted(GENERATORS.items()):
        item = generate(name, gen.levels[0], 0)
        texts = [item.prompt, item.prompt_zh]
        texts += [t for s in item.steps for t in (s.text, s.text_zh)]
        for text in texts:
            result = check_text(text, source="model")
            assert result.ok, (item.item_id, text, result.categories)
            checked += 1
    assert checked > 1000


def test_result_shape_and_bad_source() -> None:
    result = check_text("Kill the process. Email a@b.com", source="model")
    assert result.categories == ("violence", "link")
    assert set(result.categories) <= set(CATEGORIES)
    assert check_text("", source="student").ok
    with pytest.raises(ValueError, match="source"):
        check_text("hi", source="teacher")  # type: ignore[arg-type]
