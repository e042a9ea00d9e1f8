"""Hand-built ONNX edge cases for OnnxScope, made with onnx.helper / numpy_helper.

Run with the plain onnx venv:  /work/venv-onnx/bin/python Fixtures/generate/handbuilt.py
Writes Fixtures/handbuilt/*.onnx (+ external.data) and the sidecar
Fixtures/generate/.work/handbuilt.json used by build_manifest.py.
Deterministic: every value comes from numpy's default_rng with a fixed seed.
"""

import json
import os

import ml_dtypes
import numpy as np
import onnx
from onnx import TensorProto as T
from onnx import helper, numpy_helper

HERE = os.path.dirname(os.path.abspath(__file__))
FIX = os.path.dirname(HERE)
OUT = os.path.join(FIX, "handbuilt")
WORK = os.path.join(HERE, ".work")
GEN = "generate/handbuilt.py"

rng = np.random.default_rng(1234)
entries = []
failures = []


def rnd(*shape, dtype=np.float32):
    return rng.normal(0.0, 0.5, size=shape).astype(dtype)


def vi(name, elem, shape):
    return helper.make_tensor_value_info(name, elem, shape)


def model_of(graph, opset=17, ir=None, functions=None, extra_opsets=()):
    ops = [helper.make_opsetid("", opset)] + [helper.make_opsetid(d, v) for d, v in extra_opsets]
    m = helper.make_model(graph, opset_imports=ops, functions=functions or [],
                          producer_name="onnxscope-fixtures", producer_version="1")
    # lowest IR version that supports the opsets used (as real exporters write), not the newest
    std = [o for o in ops if o.domain in ("", "ai.onnx")]
    m.ir_version = ir if ir is not None else helper.find_min_ir_version_for(std)
    return m


def save(m, name, description, check=True, check_path=False, full=True):
    path = os.path.join(OUT, name)
    if check and not check_path:
        onnx.checker.check_model(m, full_check=full)
    onnx.save(m, path)
    if check and check_path:
        onnx.checker.check_model(path, full_check=True)
    entries.append({
        "file": "handbuilt/" + name,
        "source": "handbuilt",
        "exporter": "onnx.helper",
        "generator": GEN,
        "model": os.path.splitext(name)[0],
        "description": description,
    })
    print("wrote", path, os.path.getsize(path), "bytes")


# ---------------------------------------------------------------- constants.onnx
def constants():
    w = rnd(4, 3)
    f5 = rnd(5)
    # sparse_value: dense shape [3, 6], 4 non-zeros, linearized INT64 indices
    sp_idx = np.array([1, 7, 11, 16], dtype=np.int64)
    sp_val = rnd(4)
    sparse = helper.make_sparse_tensor(
        numpy_helper.from_array(sp_val, "S_values"),
        numpy_helper.from_array(sp_idx, "S_indices"), [3, 6])
    nodes = [
        helper.make_node("Constant", [], ["W"], value=numpy_helper.from_array(w, "W")),
        helper.make_node("Constant", [], ["F5"], value_floats=[float(x) for x in f5]),
        helper.make_node("Constant", [], ["I1"], value_int=1),
        helper.make_node("Constant", [], ["SHAPE"], value_ints=[3, 2, 1]),
        helper.make_node("Constant", [], ["STR"], value_string="onnxscope"),
        helper.make_node("Constant", [], ["STRS"], value_strings=["alpha", "beta-gamma"]),
        helper.make_node("Constant", [], ["S"], sparse_value=sparse),
        helper.make_node("MatMul", ["X", "W"], ["Y1"]),              # [2,3]
        helper.make_node("Add", ["X5", "F5"], ["Y2"]),               # [2,5]
        helper.make_node("Gather", ["Y1", "I1"], ["Y3"], axis=0),    # [3]
        helper.make_node("Reshape", ["Y1", "SHAPE"], ["Y4"]),        # [3,2,1]
        helper.make_node("MatMul", ["Y1", "S"], ["Y5"]),             # [2,6]
        helper.make_node("Identity", ["STR"], ["OUT_STR"]),
        helper.make_node("Identity", ["STRS"], ["OUT_STRS"]),
    ]
    g = helper.make_graph(
        nodes, "constants",
        [vi("X", T.FLOAT, [2, 4]), vi("X5", T.FLOAT, [2, 5])],
        [vi("Y2", T.FLOAT, [2, 5]), vi("Y3", T.FLOAT, [3]), vi("Y4", T.FLOAT, [3, 2, 1]),
         vi("Y5", T.FLOAT, [2, 6]), vi("OUT_STR", T.STRING, []), vi("OUT_STRS", T.STRING, [2])])
    save(model_of(g), "constants.onnx",
         "Weights held only in Constant nodes: value [4,3], value_floats(5), value_int, "
         "value_ints(3), value_string, value_strings(2), sparse_value [3,6] nnz=4")


# ---------------------------------------------------------------- subgraphs.onnx
def subgraphs():
    outer = numpy_helper.from_array(rnd(3), "W_outer")      # main-graph init used in then-branch
    main_b = numpy_helper.from_array(rnd(3), "B_main")       # main-graph init used in main graph
    then_g = helper.make_graph(
        [helper.make_node("Constant", [], ["C_then"], value=numpy_helper.from_array(rnd(3), "C_then")),
         helper.make_node("Add", ["X", "T_then"], ["t1"]),
         helper.make_node("Mul", ["t1", "C_then"], ["t2"]),
         helper.make_node("Add", ["t2", "W_outer"], ["then_out"])],
        "then_branch", [], [vi("then_out", T.FLOAT, [3])],
        initializer=[numpy_helper.from_array(rnd(3), "T_then")])
    else_g = helper.make_graph(
        [helper.make_node("Constant", [], ["C_else"], value=numpy_helper.from_array(rnd(3), "C_else")),
         helper.make_node("Sub", ["X", "E_else"], ["e1"]),
         helper.make_node("Mul", ["e1", "C_else"], ["else_out"])],
        "else_branch", [], [vi("else_out", T.FLOAT, [3])],
        initializer=[numpy_helper.from_array(rnd(3), "E_else")])
    body = helper.make_graph(
        [helper.make_node("Identity", ["cond_in"], ["cond_out"]),
         helper.make_node("Mul", ["v_in", "L_scale"], ["v1"]),
         helper.make_node("Add", ["v1", "L_body"], ["v_out"])],
        "loop_body",
        [vi("iter", T.INT64, []), vi("cond_in", T.BOOL, []), vi("v_in", T.FLOAT, [3])],
        [vi("cond_out", T.BOOL, []), vi("v_out", T.FLOAT, [3])],
        initializer=[numpy_helper.from_array(rnd(3), "L_body"),
                     numpy_helper.from_array(rnd(3), "L_scale")])
    nodes = [
        helper.make_node("If", ["COND"], ["if_out"], then_branch=then_g, else_branch=else_g),
        helper.make_node("Add", ["if_out", "B_main"], ["v0"]),
        helper.make_node("Loop", ["TRIP", "LCOND", "v0"], ["Y"], body=body),
    ]
    g = helper.make_graph(
        nodes, "subgraphs",
        [vi("X", T.FLOAT, [3]), vi("COND", T.BOOL, []), vi("TRIP", T.INT64, []),
         vi("LCOND", T.BOOL, [])],
        [vi("Y", T.FLOAT, [3])], initializer=[outer, main_b])
    save(model_of(g), "subgraphs.onnx",
         "If with an initializer + Constant in each branch, Loop body with 2 initializers, "
         "main-graph initializer W_outer referenced from the then-branch")


# ---------------------------------------------------------------- function.onnx
def function():
    fbody = [
        helper.make_node("Constant", [], ["FC"], value=numpy_helper.from_array(rnd(4), "FC")),
        helper.make_node("Mul", ["fx", "FC"], ["f1"]),
        helper.make_node("Add", ["f1", "fb"], ["fy"]),
    ]
    fn = helper.make_function("local", "ScaleShift", ["fx", "fb"], ["fy"], fbody,
                              opset_imports=[helper.make_opsetid("", 17)])
    nodes = [
        helper.make_node("ScaleShift", ["X", "B1"], ["h"], domain="local"),
        helper.make_node("ScaleShift", ["h", "B2"], ["Y"], domain="local"),
    ]
    g = helper.make_graph(nodes, "function_main", [vi("X", T.FLOAT, [2, 4])],
                          [vi("Y", T.FLOAT, [2, 4])],
                          initializer=[numpy_helper.from_array(rnd(4), "B1"),
                                       numpy_helper.from_array(rnd(4), "B2")])
    save(model_of(g, functions=[fn], extra_opsets=[("local", 1)]), "function.onnx",
         "Model-local FunctionProto local.ScaleShift (Constant [4] in body) called twice; 2 main initializers")


# ---------------------------------------------------------------- sparse.onnx
def sparse():
    idx = np.sort(rng.choice(200, size=7, replace=False)).astype(np.int64)
    vals = rnd(7)
    sp = helper.make_sparse_tensor(numpy_helper.from_array(vals, "S"),
                                   numpy_helper.from_array(idx, "S_indices"), [10, 20])
    g = helper.make_graph([helper.make_node("MatMul", ["X", "S"], ["Y"])], "sparse",
                          [vi("X", T.FLOAT, [2, 10])], [vi("Y", T.FLOAT, [2, 20])],
                          sparse_initializer=[sp])
    # onnx shape inference treats a sparse initializer as sparse_tensor_type and MatMul
    # rejects it, so only the structural checker (no full_check) is run for this one.
    save(model_of(g), "sparse.onnx",
         "sparse_initializer S dense [10,20], 7 non-zeros, FLOAT values, INT64 1-D linearized indices, fed to MatMul",
         full=False)


# ---------------------------------------------------------------- external.onnx
def external_tensor(name, arr, location, offset):
    t = T()
    t.name = name
    t.data_type = T.FLOAT
    t.dims.extend(arr.shape)
    t.data_location = T.EXTERNAL
    for k, v in (("location", location), ("offset", str(offset)), ("length", str(arr.nbytes))):
        e = t.external_data.add()
        e.key, e.value = k, v
    return t


def external():
    w1 = rnd(8, 6)
    w2 = rnd(6, 4)
    b = rnd(6)
    blob = bytearray()
    off1 = 0
    blob += w1.astype("<f4").tobytes()
    off2 = 256  # second tensor aligned, leaving padding between the two
    blob += b"\0" * (off2 - len(blob))
    blob += w2.astype("<f4").tobytes()
    with open(os.path.join(OUT, "external.data"), "wb") as f:
        f.write(bytes(blob))

    def build(location):
        inits = [external_tensor("W1", w1, location, off1),
                 numpy_helper.from_array(b, "B_inline"),
                 external_tensor("W2", w2, location, off2)]
        nodes = [helper.make_node("MatMul", ["X", "W1"], ["h"]),
                 helper.make_node("Add", ["h", "B_inline"], ["h2"]),
                 helper.make_node("MatMul", ["h2", "W2"], ["Y"])]
        g = helper.make_graph(nodes, "external", [vi("X", T.FLOAT, [2, 8])],
                              [vi("Y", T.FLOAT, [2, 4])], initializer=inits)
        return model_of(g)

    save(build("external.data"), "external.onnx",
         "W1 [8,6] at offset 0 and W2 [6,4] at offset 256 in external.data; B_inline [6] inline",
         check_path=True)
    # verify loading with the data resolves to the right values
    m = onnx.load(os.path.join(OUT, "external.onnx"))
    got = {t.name: numpy_helper.to_array(t) for t in m.graph.initializer}
    assert np.array_equal(got["W1"], w1) and np.array_equal(got["W2"], w2)
    save(build("missing.bin"), "external_missing.onnx",
         "Like external.onnx but the external location names missing.bin, which does not exist",
         check=False)


# ---------------------------------------------------------------- dtypes.onnx
def dtypes():
    inits = []
    raw = lambda a, name: numpy_helper.from_array(a, name)  # raw_data for all these
    inits.append(raw(rnd(2, 3, dtype=np.float16), "t_float16"))
    inits.append(raw(rnd(4, dtype=np.float32).astype(ml_dtypes.bfloat16), "t_bfloat16"))
    inits.append(raw(rng.integers(-128, 127, size=(2, 5)).astype(np.int8), "t_int8"))
    inits.append(raw(rng.integers(0, 255, size=(7,)).astype(np.uint8), "t_uint8"))
    inits.append(raw(rng.integers(-8, 7, size=(3, 5)).astype(ml_dtypes.int4), "t_int4"))
    inits.append(raw(rng.integers(0, 15, size=(3, 3)).astype(ml_dtypes.uint4), "t_uint4"))
    inits.append(raw(rnd(6).astype(ml_dtypes.float8_e4m3fn), "t_float8e4m3fn"))
    inits.append(raw(rnd(3, 2, dtype=np.float64), "t_double"))
    inits.append(raw(rng.integers(-10**12, 10**12, size=(4,)).astype(np.int64), "t_int64"))
    inits.append(raw(np.array([True, False, True, True, False]), "t_bool"))
    # typed fields instead of raw_data
    inits.append(helper.make_tensor("t_float16_int32data", T.FLOAT16, [5], rnd(5, dtype=np.float16), raw=False))
    inits.append(helper.make_tensor("t_float_floatdata", T.FLOAT, [2, 2], [float(x) for x in rnd(4)], raw=False))
    assert not inits[-2].raw_data and len(inits[-2].int32_data) == 5
    assert not inits[-1].raw_data and len(inits[-1].float_data) == 4
    for t in inits[:-2]:
        assert t.raw_data, t.name
    for t in inits:  # every tensor must round-trip
        numpy_helper.to_array(t)
    assert len(inits[4].raw_data) == 8  # 15 int4 values -> 8 packed bytes

    nodes, outs = [], []
    for t in inits:
        o = "out_" + t.name[2:]
        nodes.append(helper.make_node("Identity", [t.name], [o]))
        outs.append(vi(o, t.data_type, list(t.dims)))
    g = helper.make_graph(nodes, "dtypes", [], outs, initializer=inits)
    save(model_of(g, opset=21, ir=10), "dtypes.onnx",
         "Initializers in FLOAT16, BFLOAT16, INT8, UINT8, INT4 [3,5], UINT4, FLOAT8E4M3FN, DOUBLE, INT64, BOOL "
         "(raw_data) plus FLOAT16 in int32_data and FLOAT in float_data")


# ---------------------------------------------------------------- shared.onnx
def shared():
    w = numpy_helper.from_array(rnd(8, 8), "W")
    nodes = [helper.make_node("MatMul", ["X", "W"], ["h"]),
             helper.make_node("MatMul", ["h", "W"], ["Y"]),
             helper.make_node("Gather", ["W", "IDX"], ["G"], axis=0)]
    g = helper.make_graph(nodes, "shared",
                          [vi("X", T.FLOAT, [2, 8]), vi("IDX", T.INT64, [3])],
                          [vi("Y", T.FLOAT, [2, 8]), vi("G", T.FLOAT, [3, 8])], initializer=[w])
    save(model_of(g), "shared.onnx", "One initializer W [8,8] with three consumers: two MatMul and one Gather")


# ---------------------------------------------------------------- ir3_inputs.onnx
def ir3_inputs():
    w = numpy_helper.from_array(rnd(4, 3), "W")
    b = numpy_helper.from_array(rnd(3), "B")
    nodes = [helper.make_node("MatMul", ["X", "W"], ["h"]),
             helper.make_node("Add", ["h", "B"], ["Y"])]
    g = helper.make_graph(nodes, "ir3",
                          [vi("X", T.FLOAT, [2, 4]), vi("W", T.FLOAT, [4, 3]), vi("B", T.FLOAT, [3])],
                          [vi("Y", T.FLOAT, [2, 3])], initializer=[w, b])
    save(model_of(g, opset=7, ir=3), "ir3_inputs.onnx",
         "IR version 3, opset 7: initializers W [4,3] and B [3] also listed in graph.input (old convention)")


def main():
    os.makedirs(OUT, exist_ok=True)
    os.makedirs(WORK, exist_ok=True)
    for fn in (constants, subgraphs, function, sparse, external, dtypes, shared, ir3_inputs):
        try:
            fn()
        except Exception as e:  # record and keep going
            msg = (str(e).strip().splitlines() or [type(e).__name__])[0]
            print("FAILED", fn.__name__, msg)
            failures.append({"model": fn.__name__, "exporter": "onnx.helper", "error": msg})
    with open(os.path.join(WORK, "handbuilt.json"), "w") as f:
        json.dump({"fixtures": entries, "exportFailures": failures}, f, indent=2, sort_keys=True)
    if failures:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
