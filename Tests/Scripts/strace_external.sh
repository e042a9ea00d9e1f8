#!/usr/bin/env bash
# Runs `onnxscope inspect`, `layers` and `diff` under strace on models whose external data
# points at `../secret.bin`, at `/etc/passwd`, and through a symlink out of the model's
# folder, and fails if any of those paths is ever opened, or if any file is opened for
# writing. A model whose data file lies inside its folder is the control: its data file
# must be opened (read-only), which shows that strace does see the opens.
#
# Usage: Tests/Scripts/strace_external.sh [ONNXSCOPE_BINARY]   (`make strace-check`)
set -euo pipefail
cd "$(dirname "$0")/../.."
BIN="${1:-.build/debug/onnxscope}"
command -v strace > /dev/null || { echo "strace-check: strace is not installed (apt-get install strace)" >&2; exit 2; }
[ -x "$BIN" ] || { echo "strace-check: $BIN is missing; run 'make build'" >&2; exit 2; }
BIN="$(cd "$(dirname "$BIN")" && pwd)/$(basename "$BIN")"

scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
mkdir "$scratch/models"
printf 'secret' > "$scratch/secret.bin"
cp Tests/Scripts/external/*.onnx Tests/Scripts/external/data.bin "$scratch/models/"
ln -s ../secret.bin "$scratch/models/link.bin"
cd "$scratch/models"

log="$scratch/strace.log"
: > "$log"
run() {
  strace -f -qq -e trace=open,openat,openat2,creat -o "$log.part" "$BIN" "$@" > /dev/null 2>&1 || true
  cat "$log.part" >> "$log"
}
for model in escape.onnx absolute.onnx symlink.onnx; do
  run inspect "$model"
  run inspect -f json "$model"
  run layers "$model"
  run diff inside.onnx "$model"
  run diff "$model" inside.onnx
done

failed=0
opens="$(grep -E 'open(at2?)?\(|creat\(' "$log" | grep -v ' = -1 ' || true)"
for forbidden in 'secret.bin"' '"/etc/passwd"' 'link.bin"'; do
  if grep -F -- "$forbidden" <<< "$opens" > /dev/null; then
    echo "strace-check: FAILED: opened $forbidden:"
    grep -F -- "$forbidden" <<< "$opens"
    failed=1
  fi
done
if grep -E 'O_WRONLY|O_RDWR|O_CREAT|O_TRUNC|creat\(' <<< "$(grep -E '\.onnx"|\.bin"' <<< "$opens")" > /dev/null; then
  echo "strace-check: FAILED: a model or data file was opened for writing"
  failed=1
fi
if ! grep -F 'data.bin"' <<< "$opens" | grep -q O_RDONLY; then
  echo "strace-check: FAILED: the control data file inside the folder was never opened; is strace seeing the opens?"
  failed=1
fi
attempts=$(grep -cE 'secret|passwd|link\.bin' "$log" || true)
if [ "$failed" = 0 ]; then
  echo "strace-check: ok: ../secret.bin, /etc/passwd and the symlink out were never opened (attempts of any kind: $attempts); every model and data file was opened O_RDONLY"
fi
exit "$failed"
