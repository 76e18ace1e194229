#!/usr/bin/env bash
# Sets up .venv if needed, indexes the demo corpus and checks the example article against it.
# Writes out/report.jsonl, out/report.html and out/report.md.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1
FC=.venv/bin/factcheck
INDEX=.factcheck/demo-index
$FC index corpus/ --index "$INDEX"
$FC article claims/example-article.md --index "$INDEX" \
  -o out/report.jsonl --html out/report.html --markdown out/report.md
echo
echo "Report: out/report.jsonl (one record per claim), out/report.html (open in a browser), out/report.md"
$FC check "The conflict in Syria has killed more than half a million people." --index "$INDEX"
