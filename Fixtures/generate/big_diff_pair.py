"""Writes two large ONNX models that differ in one tensor, for the `diff` speed check.

Never committed (GBs). Makes OUT_DIR/a.onnx with big_model.py (FLOAT raw_data weights),
copies it to OUT_DIR/b.onnx and overwrites 1,000 floats 16 MiB past the middle of the file
(the middle itself is a tensor boundary), inside one weight's payload. `onnxscope diff a.onnx b.onnx` must then report exactly
one tensor with changed values.

Usage: python3 big_diff_pair.py OUT_DIR TOTAL_MB
"""

import os
import shutil
import struct
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def main():
    out, total_mb = sys.argv[1], sys.argv[2]
    os.makedirs(out, exist_ok=True)
    a, b = os.path.join(out, "a.onnx"), os.path.join(out, "b.onnx")
    subprocess.run([sys.executable, os.path.join(HERE, "big_model.py"), a, total_mb], check=True)
    shutil.copyfile(a, b)
    size = os.path.getsize(b)
    at = 0
    with open(b, "r+b") as f:
        at = size // 2 + (16 << 20)
        f.seek(at)
        f.write(struct.pack("<1000f", *([1.0] * 1000)))
    print("%s and %s: %d bytes each, 4000 bytes changed at offset %d" % (a, b, size, at))


if __name__ == "__main__":
    main()
