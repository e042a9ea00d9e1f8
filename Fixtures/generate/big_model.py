"""Writes a large single-file ONNX model of FLOAT weights, streaming, with no dependencies.

Used for the performance checks of `inspect` (never committed: the outputs are
hundreds of MB to 2 GB). The model is a chain of MatMul nodes, each with a square
FLOAT initializer stored in raw_data; the payload bytes are a repeated pseudo-random
block, written without building the model in memory.

Usage: python3 big_model.py OUT.onnx TOTAL_MB [WIDTH]
"""

import os
import struct
import sys


def varint(n):
    out = bytearray()
    while n >= 0x80:
        out.append((n & 0x7F) | 0x80)
        n >>= 7
    out.append(n)
    return bytes(out)


def field(number, payload):
    if isinstance(payload, str):
        payload = payload.encode()
    return varint(number << 3 | 2) + varint(len(payload)) + payload


def vfield(number, value):
    """A varint field; negative values are written as 64-bit two's complement."""
    return varint(number << 3) + varint(value & 0xFFFFFFFFFFFFFFFF)


def main():
    out, total_mb = sys.argv[1], int(sys.argv[2])
    width = int(sys.argv[3]) if len(sys.argv) > 3 else 4096
    per_tensor = width * width * 4
    count = max(1, (total_mb << 20) // per_tensor)
    block = os.urandom(1 << 20)

    nodes, inits_headers = [], []
    prev = "x"
    for i in range(count):
        w, y = "w%d" % i, "h%d" % i
        nodes.append(field(1, field(1, prev.encode()) + field(1, w.encode()) + field(2, y.encode())
                           + field(3, ("MatMul_%d" % i).encode()) + field(4, b"MatMul")))
        prev = y
    def tensor_header(i):
        meta = vfield(1, width) + vfield(1, width) + vfield(2, 1) + field(8, ("w%d" % i).encode())
        return meta + varint(9 << 3 | 2) + varint(per_tensor)
    def value_info(name):
        dims = field(1, vfield(1, 1)) + field(1, vfield(1, width))
        ttype = field(1, vfield(1, 1) + field(2, dims))
        return field(1, name.encode()) + field(2, ttype)
    head = b"".join(nodes) + field(2, b"big")
    tail = field(11, value_info("x")) + field(12, value_info(prev))
    init_len = 0
    headers = []
    for i in range(count):
        h = tensor_header(i)
        headers.append(h)
        body = len(h) + per_tensor
        init_len += len(varint(5 << 3 | 2)) + len(varint(body)) + body
    graph_len = len(head) + init_len + len(tail)
    with open(out, "wb") as f:
        f.write(vfield(1, 8) + field(2, b"onnxscope-big-model") + field(3, b"1"))
        f.write(field(8, field(1, b"") + vfield(2, 17)))
        f.write(varint(7 << 3 | 2) + varint(graph_len))
        f.write(head)
        for h in headers:
            f.write(varint(5 << 3 | 2) + varint(len(h) + per_tensor) + h)
            left = per_tensor
            while left > 0:
                n = min(left, len(block))
                f.write(block[:n])
                left -= n
        f.write(tail)
    print("%s: %d tensors of [%d, %d] FLOAT, %d bytes" % (out, count, width, width, os.path.getsize(out)))


if __name__ == "__main__":
    main()
