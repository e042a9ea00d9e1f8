#!/usr/bin/env bash
# Runs the libFuzzer target for SECONDS seconds (first argument, default 60).
#
# Seeds are generated afresh into $FUZZ_DIR/seeds: every fixture (Fixtures/**/*.onnx)
# and its truncations at 1/8 steps and one byte short. New inputs libFuzzer finds
# accumulate in $FUZZ_DIR/corpus across runs; crashes, leaks and hangs land in
# $FUZZ_DIR/artifacts (replay one with `$FUZZ_DIR/onnxscope-fuzz FILE` and
# ASAN_OPTIONS=malloc_context_size=30 for full allocation stacks). Put every such input
# into Tests/OnnxScopeTests/FailCases/ once it is fixed: the fail-case test replays them
# all on every `make test`. ONNXSCOPE_FUZZ_SAMPLED=1 trades depth for speed (see
# Tests/Fuzz/FuzzTarget.swift). Mutations draw on Tests/Fuzz/onnx.dict (overflowing dims,
# control characters, recognizer op types).
set -euo pipefail
cd "$(dirname "$0")/../.."
SECONDS_TO_RUN="${1:-60}"
FUZZ_DIR="${FUZZ_DIR:-.build-fuzz}"
BIN="$FUZZ_DIR/onnxscope-fuzz"
[ -x "$BIN" ] || { echo "fuzz: $BIN is missing; run 'make fuzz-build'" >&2; exit 2; }

seeds="$FUZZ_DIR/seeds"
rm -rf "$seeds"
mkdir -p "$seeds" "$FUZZ_DIR/corpus" "$FUZZ_DIR/artifacts"
n=0
while IFS= read -r -d '' f; do
  n=$((n + 1))
  size=$(stat -c %s "$f")
  cp "$f" "$seeds/fixture-$n.onnx"
  for eighth in 1 2 3 4 5 6 7; do
    head -c $((size * eighth / 8)) "$f" > "$seeds/fixture-$n-cut$eighth.onnx"
  done
  head -c $((size - 1)) "$f" > "$seeds/fixture-$n-short1.onnx"
done < <(find Fixtures -name '*.onnx' -print0 | sort -z)

# The folder fuzzed inputs pretend to live in: the fixtures' external data files, and a
# symlink that points out of it (the locator must refuse it).
folder="$FUZZ_DIR/folder"
rm -rf "$folder"
mkdir -p "$folder"
cp Fixtures/handbuilt/external.data Fixtures/diff/to_external.b.data "$folder/"
ln -s /etc/hostname "$folder/outside.data"

echo "fuzz: $n fixtures, $(ls "$seeds" | wc -l) seeds, $(ls "$FUZZ_DIR/corpus" | wc -l) inputs in the corpus, ${SECONDS_TO_RUN}s"
ONNXSCOPE_FUZZ_FOLDER="$(cd "$folder" && pwd)" \
ONNXSCOPE_FUZZ_REFERENCE="Fixtures/handbuilt/subgraphs.onnx" \
ONNXSCOPE_FUZZ_SAMPLED="${ONNXSCOPE_FUZZ_SAMPLED:-0}" \
ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:malloc_context_size=2:quarantine_size_mb=64}" \
UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}" \
exec "$BIN" -max_total_time="$SECONDS_TO_RUN" -max_len="${FUZZ_MAX_LEN:-32768}" -timeout=10 -rss_limit_mb=2048 \
  -malloc_limit_mb=1024 -print_final_stats=1 -artifact_prefix="$FUZZ_DIR/artifacts/" -dict=Tests/Fuzz/onnx.dict \
  "$FUZZ_DIR/corpus" "$seeds"
