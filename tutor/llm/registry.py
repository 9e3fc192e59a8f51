"""Which language model to use: backends by name, built from a spec such as ``TUTOR_LLM``.

A spec is ``NAME`` or ``NAME:ARG``:

==============================  ===========================================================
``template``                    no model: deterministic text from the verified steps
``transformers``                a Hugging Face causal LM; which one comes from
                                ``TUTOR_LLM_MODEL`` (an id, a local folder or a ``.gguf``
                                file), else the SmolLM2 copy made by ``tutor model pull``
``transformers:<id-or-path>``   the same, naming the model in the spec
``openai``                      an OpenAI-compatible server at ``TUTOR_LLM_URL`` (model
                                ``TUTOR_LLM_MODEL``, key ``TUTOR_LLM_API_KEY``)
``openai:<url>``                the same, naming the server in the spec
``smollm2``                     a model ``tutor model pull`` knows (shorthand for
                                ``transformers:<its folder>``)
==============================  ===========================================================

Backends are registered by name as lazy ``"module:Class"`` paths (nothing heavy is imported
until one is built), so adding a backend is one line in :data:`BACKENDS` or a call of
:func:`register_backend`, never another ``if`` on names.
"""

from __future__ import annotations

import importlib
import logging
from pathlib import Path
from typing import Any

from tutor.errors import InputError, TutorError
from tutor.llm.base import LanguageModel
from tutor.llm.weights import KNOWN_MODELS, is_pulled, model_dir
from tutor.settings import Settings

log = logging.getLogger(__name__)

#: Backend name → ``"module:Class"``. The class is built with ``from_settings(settings, arg)``
#: when it has that class method, else with no arguments.
BACKENDS: dict[str, str] = {
    "template": "tutor.llm.template:TemplateModel",
    "transformers": "tutor.llm.backends.transformers_backend:TransformersModel",
    "openai": "tutor.llm.backends.openai_backend:OpenAIModel",
}


def register_backend(name: str, target: str) -> None:
    """Add (or replace) backend ``name``, built from the class at ``"module:Class"``."""
    if ":" in name or not name:
        raise InputError(f"a backend name must be non-empty and have no ':', not {name!r}")
    if target.count(":") != 1:
        raise InputError(f"a backend target is 'module:Class', not {target!r}")
    BACKENDS[name] = target


def available() -> list[str]:
    """Every name a spec may start with: the backends and the pullable models."""
    return sorted({*BACKENDS, *KNOWN_MODELS})


def _backend_class(name: str) -> Any:
    module_name, _, attr = BACKENDS[name].partition(":")
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:
        raise TutorError(
            f"the {name!r} language-model backend cannot be loaded ({exc}): install "
            "`pip install 'kptutor[llm]'`, or set TUTOR_LLM=template"
        ) from exc
    return getattr(module, attr)


def parse_spec(spec: str) -> tuple[str, str | None]:
    """Split ``NAME[:ARG]`` into the name and the argument (None when there is none).

    Raises :class:`InputError`, listing the valid names, for an unknown name.
    """
    name, sep, arg = spec.strip().partition(":")
    name = name.strip().lower()
    if name not in BACKENDS and name not in KNOWN_MODELS:
        raise InputError(
            f"unknown language model {spec!r}: use one of {', '.join(available())} "
            "(e.g. TUTOR_LLM=template, transformers:<model id or folder>, openai:<url>)"
        )
    if sep and not arg.strip():
        raise InputError(f"{spec!r} names nothing after ':': write {name}:<value> or just {name}")
    if sep and name in KNOWN_MODELS:
        raise InputError(f"{name!r} takes nothing after ':'; write just {name}")
    return name, (arg.strip() if sep else None)


def get_model(
    settings: Settings, spec: str | None = None, *, adapter: str | Path | None = None
) -> LanguageModel:
    """The language model ``spec`` names (default: ``settings.llm``, then :func:`default_model`).

    ``adapter`` (a LoRA adapter folder, or ``"none"`` for the base model) overrides
    ``TUTOR_LLM_ADAPTER`` for a transformers model. Building a transformers model checks that
    its weights exist but loads them on first use.
    """
    if adapter is not None:
        settings = settings.with_(llm_adapter=str(adapter))
    spec = spec if spec is not None and spec.strip() else settings.llm
    if spec is None or not spec.strip():
        return default_model(settings)
    name, arg = parse_spec(spec)
    if name in KNOWN_MODELS:
        # A pullable model is a transformers model read from its cache folder.
        name, arg = "transformers", str(model_dir(settings, name))
    cls = _backend_class(name)
    factory = getattr(cls, "from_settings", None)
    if factory is not None:
        model: LanguageModel = factory(settings, arg)
    elif arg is not None:
        raise InputError(f"the {name!r} backend takes no argument; write just {name}")
    else:
        model = cls()
    return model


def default_model(settings: Settings) -> LanguageModel:
    """SmolLM2 when ``tutor model pull smollm2`` has been run and transformers is installed,
    else the template backend (the reason is logged)."""
    if not is_pulled(settings, "smollm2"):
        log.info(
            "using the template language model: SmolLM2 is not in %s (run `tutor model pull "
            "smollm2` to get it)",
            settings.resolved_models_dir,
        )
        return get_model(settings, "template")
    try:
        return get_model(settings, "smollm2")
    except TutorError as exc:
        log.warning("using the template language model: SmolLM2 cannot be used: %s", exc)
        return get_model(settings, "template")
