"""Expected element values for the PayloadReader tests, computed with onnx.numpy_helper.

Writes Fixtures/payload/encodings.onnx (every element type the IR defines, in raw_data,
and in the typed fields where the IR allows, plus one external tensor in
encodings.data) and Fixtures/payload/values.json: for each initializer of
handbuilt/dtypes.onnx and payload/encodings.onnx, the values numpy_helper.to_array
reads, as float64 (complex as real, imaginary pairs). NaN and infinities are written as
the strings "nan", "inf", "-inf".

Run with the onnx venv:  /work/venv-onnx/bin/python Fixtures/generate/payload_values.py
"""

import json
import math
import os

import ml_dtypes
import numpy as np
import onnx
from onnx import TensorProto as T
from onnx import helper, numpy_helper

HERE = os.path.dirname(os.path.abspath(__file__))
FIX = os.path.dirname(HERE)
OUT = os.path.join(FIX, "payload")
rng = np.random.default_rng(99)


def every_pattern(bits):
    return np.arange(1 << bits, dtype=np.uint8)


def build():
    inits = []
    raw = numpy_helper.from_array
    # every bit pattern of the 8-bit and smaller float types, in raw_data
    for name, dt in [("f8e4m3fn", ml_dtypes.float8_e4m3fn), ("f8e4m3fnuz", ml_dtypes.float8_e4m3fnuz),
                     ("f8e5m2", ml_dtypes.float8_e5m2), ("f8e5m2fnuz", ml_dtypes.float8_e5m2fnuz),
                     ("f8e8m0", ml_dtypes.float8_e8m0fnu)]:
        inits.append(raw(every_pattern(8).view(dt), "raw_" + name))
    inits.append(raw(np.arange(16, dtype=np.uint8).astype(ml_dtypes.float4_e2m1fn) if False else
                     np.array([0, .5, 1, 1.5, 2, 3, 4, 6, -0., -.5, -1, -1.5, -2, -3, -4, -6, 1], dtype=ml_dtypes.float4_e2m1fn),
                     "raw_f4e2m1"))
    inits.append(raw(np.array(rng.normal(0, 2, 11), dtype=ml_dtypes.float6_e2m3fn), "raw_f6e2m3"))
    inits.append(raw(np.array(rng.normal(0, 4, 9), dtype=ml_dtypes.float6_e3m2fn), "raw_f6e3m2"))
    inits.append(raw(np.array([-2, -1, 0, 1, 1, -2, 0], dtype=ml_dtypes.int2), "raw_int2"))
    inits.append(raw(np.array([0, 1, 2, 3, 3, 2], dtype=ml_dtypes.uint2), "raw_uint2"))
    inits.append(raw(np.array([-(1 << 15), -1, 0, 1 << 14], dtype=np.int16), "raw_int16"))
    inits.append(raw(np.array([0, 1, 65535], dtype=np.uint16), "raw_uint16"))
    inits.append(raw(np.array([-(1 << 31), 7, (1 << 31) - 1], dtype=np.int32), "raw_int32"))
    inits.append(raw(np.array([0, 1 << 32 - 1, 123456789], dtype=np.uint32), "raw_uint32"))
    inits.append(raw(np.array([0, 1 << 52, 99], dtype=np.uint64), "raw_uint64"))
    inits.append(raw(np.array([1 + 2j, -3.5 + 0.25j], dtype=np.complex64), "raw_complex64"))
    inits.append(raw(np.array([1e-300 + 2j, -3.5 - 1e300j], dtype=np.complex128), "raw_complex128"))
    inits.append(raw(np.array([np.inf, -np.inf, np.nan, -0.0, 65504], dtype=np.float16), "raw_float16_specials"))
    inits.append(raw(np.array([], dtype=np.float32).reshape(0, 3), "raw_empty"))
    # typed fields (packed, as the onnx package writes them)
    mk = helper.make_tensor
    inits.append(mk("int32data_int8", T.INT8, [4], [-128, -1, 0, 127]))
    inits.append(mk("int32data_uint16", T.UINT16, [3], [0, 1, 65535]))
    inits.append(mk("int32data_int32", T.INT32, [3], [-(1 << 31), -5, (1 << 31) - 1]))
    inits.append(mk("int32data_bool", T.BOOL, [3], [True, False, True]))
    inits.append(mk("int32data_bfloat16", T.BFLOAT16, [3], np.array([1.5, -2.25, 3e38], dtype=np.float32)))
    inits.append(mk("int32data_f8e5m2", T.FLOAT8E5M2, [4], np.array([0.5, -3, 448, 1e-5], dtype=np.float32)))
    inits.append(mk("int32data_int4", T.INT4, [5], [-8, 7, 0, -1, 3]))
    inits.append(mk("int32data_uint4", T.UINT4, [3], [15, 0, 9]))
    inits.append(mk("int64data", T.INT64, [3], [-(1 << 62), 0, 1 << 40]))
    inits.append(mk("uint64data_uint32", T.UINT32, [2], [0, (1 << 32) - 1]))
    inits.append(mk("uint64data_uint64", T.UINT64, [2], [1 << 53, 5]))
    inits.append(mk("doubledata", T.DOUBLE, [3], [1.0 / 3, -1e200, 5e-324]))
    inits.append(mk("floatdata_complex64", T.COMPLEX64, [2], [1 + 2j, 3 - 4j]))
    for t in inits:
        numpy_helper.to_array(t)  # each must round-trip
    ext = numpy_helper.from_array(rng.normal(0, 1, (3, 4)).astype(np.float32), "external_float")
    nodes = [helper.make_node("Identity", [t.name], ["out_" + t.name]) for t in inits + [ext]]
    outs = [helper.make_tensor_value_info("out_" + t.name, t.data_type, list(t.dims)) for t in inits + [ext]]
    g = helper.make_graph(nodes, "encodings", [], outs, initializer=inits + [ext])
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 25)], producer_name="onnxscope-fixtures")
    m.ir_version = 14
    path = os.path.join(OUT, "encodings.onnx")
    onnx.external_data_helper.convert_model_to_external_data(m, all_tensors_to_one_file=True,
                                                             location="encodings.data", size_threshold=40)
    # only the FLOAT [3, 4] tensor goes external
    for t in m.graph.initializer:
        if t.name != "external_float" and t.HasField("data_location") and t.data_location == T.EXTERNAL:
            t.ClearField("data_location")
            del t.external_data[:]
    onnx.save_model(m, path)
    return path


def number(x):
    x = float(x)
    if math.isnan(x):
        return "nan"
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    return x


def values_of(path):
    m = onnx.load(path, load_external_data=False)
    out = {}
    for t in m.graph.initializer:
        a = numpy_helper.to_array(t, base_dir=os.path.dirname(path))
        if np.iscomplexobj(a):
            flat = np.stack([a.real.reshape(-1), a.imag.reshape(-1)], axis=1).reshape(-1).astype(np.float64)
        else:
            flat = a.astype(np.float64).reshape(-1)
        out[t.name] = {"type": T.DataType.Name(t.data_type), "dims": list(t.dims), "values": [number(v) for v in flat]}
    return out


def main():
    os.makedirs(OUT, exist_ok=True)
    for f in os.listdir(OUT):
        os.remove(os.path.join(OUT, f))
    path = build()
    result = {"handbuilt/dtypes.onnx": values_of(os.path.join(FIX, "handbuilt", "dtypes.onnx")),
              "payload/encodings.onnx": values_of(path)}
    with open(os.path.join(OUT, "values.json"), "w") as f:
        json.dump({"schema": 1, "generator": "generate/payload_values.py", "files": result}, f, indent=1, sort_keys=True)
        f.write("\n")
    print("wrote", OUT, sorted(os.listdir(OUT)))


if __name__ == "__main__":
    main()
