#!/usr/bin/env bash
# Sets up .venv if needed, indexes the demo corpus and checks the example article against it.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1
FC=.venv/bin/factcheck
INDEX=.factcheck/demo-index
$FC index corpus/ --index "$INDEX"
$FC info --index "$INDEX"
$FC search "How many people has the Syrian conflict killed?" --index "$INDEX" -k 3
