"""Independent stored-weight counts of an ONNX file, computed with the `onnx` package.

This is the test oracle for `onnxscope inspect`: it implements the counting rule of
the README ("Counting rule") a second time, in Python, on top of the official `onnx`
protobuf bindings, so that the Swift decoder is checked against something it did not
compute itself.

Usage: python onnx_counts.py FILE.onnx   (prints the JSON)
"""

import json
import math
import sys

import onnx
from onnx import TensorProto

# Bits per element; STRING has no fixed size (its bytes are the string lengths).
BITS = {
    TensorProto.FLOAT: 32, TensorProto.UINT8: 8, TensorProto.INT8: 8,
    TensorProto.UINT16: 16, TensorProto.INT16: 16, TensorProto.INT32: 32,
    TensorProto.INT64: 64, TensorProto.BOOL: 8, TensorProto.FLOAT16: 16,
    TensorProto.DOUBLE: 64, TensorProto.UINT32: 32, TensorProto.UINT64: 64,
    TensorProto.COMPLEX64: 64, TensorProto.COMPLEX128: 128, TensorProto.BFLOAT16: 16,
    17: 8, 18: 8, 19: 8, 20: 8,  # FLOAT8 E4M3FN, E4M3FNUZ, E5M2, E5M2FNUZ
    21: 4, 22: 4, 23: 4,         # UINT4, INT4, FLOAT4E2M1
    24: 8,                       # FLOAT8E8M0
    25: 2, 26: 2,                # UINT2, INT2
    27: 6, 28: 6,                # FLOAT6E2M3, FLOAT6E3M2
}
FLOATING = {1, 10, 11, 16, 17, 18, 19, 20, 23, 24, 27, 28}


def type_name(code):
    try:
        return TensorProto.DataType.Name(code)
    except ValueError:
        return "UNKNOWN_%d" % code


def numel(dims):
    n = 1
    for d in dims:
        n *= d
    return n


class Counter:
    def __init__(self):
        self.seen = set()
        self.w = {
            "elements": 0, "floatElements": 0, "bytes": 0, "tensors": 0,
            "byStorage": {"initializer": 0, "constant": 0, "sparseInitializer": 0},
            "inSubgraphs": 0, "inFunctions": 0,
            "external": {"tensors": 0, "bytes": 0},
            "byDataType": {},
            "sparse": {"tensors": 0, "nonZero": 0},
        }
        self.ops = {}
        self.names = []

    def add(self, scope, name, dtype, dims, storage, where, string_bytes=0, external=False):
        key = (scope, name)
        if name and key in self.seen:
            return
        self.seen.add(key)
        n = numel(dims)
        if dtype == TensorProto.STRING:
            nbytes = string_bytes
        else:
            nbytes = math.ceil(n * BITS.get(dtype, 0) / 8)
        w = self.w
        w["tensors"] += 1
        w["elements"] += n
        if dtype in FLOATING:
            w["floatElements"] += n
        w["bytes"] += nbytes
        w["byStorage"][storage] += n
        if where == "subgraph":
            w["inSubgraphs"] += n
        elif where == "function":
            w["inFunctions"] += n
        if external:
            w["external"]["tensors"] += 1
            w["external"]["bytes"] += nbytes
        tn = type_name(dtype)
        w["byDataType"][tn] = w["byDataType"].get(tn, 0) + n
        self.names.append(name)

    def tensor(self, scope, t, storage, where):
        ext = t.HasField("data_location") and t.data_location == TensorProto.EXTERNAL
        sb = sum(len(s) for s in t.string_data) if t.data_type == TensorProto.STRING else 0
        self.add(scope, t.name, t.data_type, list(t.dims), storage, where, sb, ext)

    def sparse(self, scope, name, sp, storage, where):
        key = (scope, name)
        if name and key in self.seen:
            return
        self.w["sparse"]["tensors"] += 1
        self.w["sparse"]["nonZero"] += numel(sp.values.dims)
        self.add(scope, name, sp.values.data_type, list(sp.dims), storage, where)

    def constant(self, scope, node, where):
        name = node.output[0] if node.output else ""
        for a in node.attribute:
            if a.name == "value":
                t = a.t
                ext = t.HasField("data_location") and t.data_location == TensorProto.EXTERNAL
                sb = sum(len(s) for s in t.string_data) if t.data_type == TensorProto.STRING else 0
                self.add(scope, name, t.data_type, list(t.dims), "constant", where, sb, ext)
            elif a.name == "sparse_value":
                self.sparse(scope, name, a.sparse_tensor, "constant", where)
            elif a.name == "value_float":
                self.add(scope, name, TensorProto.FLOAT, [], "constant", where)
            elif a.name == "value_floats":
                self.add(scope, name, TensorProto.FLOAT, [len(a.floats)], "constant", where)
            elif a.name == "value_int":
                self.add(scope, name, TensorProto.INT64, [], "constant", where)
            elif a.name == "value_ints":
                self.add(scope, name, TensorProto.INT64, [len(a.ints)], "constant", where)
            elif a.name == "value_string":
                self.add(scope, name, TensorProto.STRING, [], "constant", where, len(a.s))
            elif a.name == "value_strings":
                self.add(scope, name, TensorProto.STRING, [len(a.strings)], "constant", where,
                         sum(len(s) for s in a.strings))

    def op(self, node):
        key = node.op_type if node.domain in ("", "ai.onnx") else node.domain + "." + node.op_type
        self.ops[key] = self.ops.get(key, 0) + 1

    def nodes(self, scope, nodes, where):
        for node in nodes:
            self.op(node)
            if node.op_type == "Constant" and node.domain in ("", "ai.onnx"):
                self.constant(scope, node, where)
            for a in node.attribute:
                subs = [a.g] if a.HasField("g") else []
                subs += list(a.graphs)
                for g in subs:
                    self.graph(scope, g, "function" if where == "function" else "subgraph")

    def graph(self, scope, g, where):
        for t in g.initializer:
            self.tensor(scope, t, "initializer", where)
        for sp in g.sparse_initializer:
            self.sparse(scope, sp.values.name, sp, "sparseInitializer", where)
        self.nodes(scope, g.node, where)


def shape_of(vi):
    tt = vi.type.tensor_type
    if not vi.type.HasField("tensor_type"):
        return None
    if not tt.HasField("shape"):
        return None
    out = []
    for d in tt.shape.dim:
        if d.HasField("dim_value"):
            out.append(d.dim_value)
        elif d.HasField("dim_param"):
            out.append(d.dim_param)
        else:
            out.append(None)
    return out


def stored_counts(path):
    m = onnx.load(path, load_external_data=False)
    c = Counter()
    c.graph("main", m.graph, "main")
    for f in m.functions:
        c.nodes(("function", f.domain, f.name, f.overload), f.node, "function")
    init_names = {t.name for t in m.graph.initializer}
    opsets = {}
    for o in m.opset_import:
        opsets[o.domain if o.domain else "ai.onnx"] = o.version

    def io(vis, skip_init):
        out = []
        for vi in vis:
            if skip_init and vi.name in init_names:
                continue
            et = vi.type.tensor_type.elem_type if vi.type.HasField("tensor_type") else 0
            out.append({"name": vi.name, "type": type_name(et), "shape": shape_of(vi)})
        return out

    return {
        "irVersion": m.ir_version,
        "opsets": opsets,
        "producer": {"name": m.producer_name, "version": m.producer_version},
        "inputs": io(m.graph.input, True),
        "outputs": io(m.graph.output, False),
        "ops": dict(sorted(c.ops.items())),
        "nodes": sum(c.ops.values()),
        "weights": c.w,
    }


if __name__ == "__main__":
    print(json.dumps(stored_counts(sys.argv[1]), indent=2, sort_keys=True))
