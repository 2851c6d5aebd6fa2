#!/usr/bin/env bash
# run-fuzzer.sh FUZZER REGRESSIONS SEEDS... : first runs every input in REGRESSIONS (crashes found
# before, each a regression test), then fuzzes for TENANTDESK_FUZZ_SECONDS (default 45) from a
# fresh corpus seeded with SEEDS. A crash, a leak, a timeout or a broken promise fails the test;
# the input that did it is kept in build/fuzz/findings/ to become a regression. The last lines
# give the executions and the coverage reached (docs/RELIABILITY.md).
# TENANTDESK_FUZZ_SEED (default 1) fixes libFuzzer's random seed, so that the run in scripts/test
# walks the same inputs on every machine and a red CI is reproducible; 0 lets libFuzzer pick one
# (the longer exploratory runs reported in docs/RELIABILITY.md).
set -euo pipefail
fuzzer=$1 regressions=$2
shift 2
name=$(basename "$fuzzer")
seconds=${TENANTDESK_FUZZ_SECONDS:-45}
seed=${TENANTDESK_FUZZ_SEED:-1}
findings="$(dirname "$(dirname "$fuzzer")")/findings/$name"
mkdir -p "$findings"
work=$(mktemp -d "${TMPDIR:-/tmp}/$name.XXXXXX")
trap 'rm -rf "$work"' EXIT
options=(-timeout=10 -rss_limit_mb=2048 -max_len=65536 -artifact_prefix="$findings/")

if [ -d "$regressions" ] && [ -n "$(ls -A "$regressions")" ]; then
    echo "$name: running the regression inputs in $regressions"
    "$fuzzer" "${options[@]}" "$regressions"/*
fi

seeds=()
for dir in "$@"; do
    [ -d "$dir" ] && seeds+=("$dir")
done
mkdir "$work/corpus"
"$fuzzer" "${options[@]}" -seed="$seed" -max_total_time="$seconds" -print_final_stats=1 "$work/corpus" "${seeds[@]}" \
    2>"$work/log" || { tail -60 "$work/log"; echo "$name: FAILED; the input is in $findings" >&2; exit 1; }
# The figures: executions, coverage (edges and features), the corpus grown.
grep -E "^stat::number_of_executed_units|^stat::peak_rss_mb" "$work/log" || true
grep -E "^#[0-9]+.*(DONE|pulse|NEW|REDUCE)" "$work/log" | tail -1 || true
echo "$name: $(grep -c '' <(ls "$work/corpus")) inputs in the corpus after ${seconds}s, no crash"
