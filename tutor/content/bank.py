"""The content bank of the default curriculum, as the graph stores it.

Item families come from the registered generators (their ``assesses`` weights are the
Q-matrix); misconceptions come from the buggy-rule library. Both are loaded into the
store next to the default curriculum by ``tutor graph load default``.
"""

from __future__ import annotations

from tutor.content.items import GENERATORS, ensure_generators_loaded
from tutor.domain import ContentBank, ItemFamily, MisconceptionInfo

__all__ = ["content_bank_for", "default_content_bank", "item_families"]


def item_families() -> tuple[ItemFamily, ...]:
    """One :class:`ItemFamily` per registered generator, sorted by name."""
    ensure_generators_loaded()
    return tuple(
        ItemFamily(
            id=gen.name,
            generator=gen.name,
            kp=gen.kp,
            levels=tuple(gen.levels),
            assesses=tuple(sorted((kp, float(w)) for kp, w in gen.assesses.items())),
        )
        for gen in sorted(GENERATORS.values(), key=lambda g: g.name)
    )


def default_content_bank() -> ContentBank:
    """Item families and misconceptions for the default K12 pack."""
    from tutor.content.misconceptions import load_misconceptions

    return ContentBank(
        families=item_families(),
        misconceptions=tuple(
            MisconceptionInfo(m.id, m.description, m.description_zh, tuple(m.signals))
            for m in load_misconceptions()
        ),
    )


def content_bank_for(curriculum_name: str) -> ContentBank:
    """The content bank written for a named curriculum (empty for those with none)."""
    factory = _NAMED_CONTENT.get(curriculum_name)
    return ContentBank() if factory is None else factory()


# The shipped pack is loaded as "default" (`tutor graph load default`) and named "k12-math"
# (its Curriculum.name): both find its content.
_NAMED_CONTENT = {"default": default_content_bank, "k12-math": default_content_bank}
