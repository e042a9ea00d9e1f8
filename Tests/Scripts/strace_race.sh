#!/usr/bin/env bash
# The containment race: while `diff` reads a model whose external data is `sub/data.bin`,
# a second process swaps the folder `sub` for a symlink to a folder outside the model's
# folder and back, as fast as it can (renameat2 RENAME_EXCHANGE). `diff` runs RUNS times
# (default 500) under `strace -y`, which prints the file each descriptor refers to; the
# check fails if any open ever returned a descriptor of a file outside the model's folder.
#
# Usage: Tests/Scripts/strace_race.sh [ONNXSCOPE_BINARY] [RUNS]   (part of `make strace-check`)
set -euo pipefail
cd "$(dirname "$0")/../.."
BIN="${1:-.build/debug/onnxscope}"
RUNS="${2:-500}"
command -v strace > /dev/null || { echo "strace-check: strace is not installed (apt-get install strace)" >&2; exit 2; }
[ -x "$BIN" ] || { echo "strace-check: $BIN is missing; run 'make build'" >&2; exit 2; }
BIN="$(cd "$(dirname "$BIN")" && pwd)/$(basename "$BIN")"

scratch="$(mktemp -d)"
swapper=""
trap '[ -n "$swapper" ] && kill "$swapper" 2> /dev/null; rm -rf "$scratch"' EXIT
mkdir -p "$scratch/models/sub" "$scratch/outside"
# 16 bytes of FLOAT data inside, different bytes outside (same size, so only the open decides).
printf '\0\0\x80\x3f\0\0\0\x40\0\0\x40\x40\0\0\x80\x40' > "$scratch/models/sub/data.bin"
printf 'secret-secret-16' > "$scratch/outside/data.bin"
ln -s ../outside "$scratch/models/swap"
python3 - "$scratch/models/model.onnx" << 'PY'
import sys
def varint(v):
    out = bytearray()
    while v >= 0x80:
        out.append(v & 0x7F | 0x80); v >>= 7
    out.append(v); return bytes(out)
def field(n, payload): return varint(n << 3 | 2) + varint(len(payload)) + payload
def number(n, v): return varint(n << 3) + varint(v)
entry = lambda k, v: field(13, field(1, k) + field(2, v))
tensor = number(1, 4) + number(2, 1) + field(8, b"w") + entry(b"location", b"sub/data.bin") + number(14, 1)
graph = field(2, b"g") + field(5, tensor)
open(sys.argv[1], "wb").write(number(1, 8) + field(7, graph) + field(8, number(2, 17)))
PY

# The swapper: exchanges `sub` and `swap` (a real folder and a symlink out) in a loop.
python3 - "$scratch/models" << 'PY' &
import ctypes, os, sys
libc = ctypes.CDLL(None, use_errno=True)
os.chdir(sys.argv[1])
AT_FDCWD, RENAME_EXCHANGE = -100, 2
while True:
    libc.renameat2(AT_FDCWD, b"sub", AT_FDCWD, b"swap", RENAME_EXCHANGE)
PY
swapper=$!

cd "$scratch/models"
log="$scratch/race.log"
: > "$log"
outcomes="$scratch/outcomes"
: > "$outcomes"
for _ in $(seq "$RUNS"); do
  strace -f -qq -y -e trace=open,openat,openat2 -o "$log.part" "$BIN" diff model.onnx model.onnx > /dev/null 2>> "$outcomes" \
    && echo "exit 0" >> "$outcomes" || echo "exit $?" >> "$outcomes"
  cat "$log.part" >> "$log"
done
kill "$swapper" 2> /dev/null || true
swapper=""

outside="$scratch/outside"
leaks="$(grep -F -- "<$outside" "$log" | grep -vE ' = -1 ' || true)"
data_opens=$(grep -E 'data\.bin' "$log" | grep -cvE ' = -1 ' || true)
refused=$(grep -c 'outside the model' "$outcomes" || true)
if [ -n "$leaks" ]; then
  echo "strace-check: FAILED: a descriptor pointed outside the model's folder:"
  head -5 <<< "$leaks"
  exit 1
fi
if [ "$data_opens" = 0 ]; then
  echo "strace-check: FAILED: the data file was never opened in $RUNS runs; is the race set up?"
  exit 1
fi
echo "strace-check: ok: $RUNS diff runs under a swapping loop; no descriptor outside the folder (data file opened inside $data_opens times, refused as outside $refused times)"
