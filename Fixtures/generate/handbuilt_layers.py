"""Hand-built layer patterns that the real exporters in our fixture set do not produce:
decomposed LayerNorm and RMS norm, an unfused BatchNormalization, quantized dense forms,
the opset-23 Attention op, com.microsoft MultiHeadAttention and MatMulNBits, an LSTM with
peepholes.

Run with the plain onnx venv:  /work/venv-onnx/bin/python Fixtures/generate/handbuilt_layers.py
Writes Fixtures/layers/*.onnx and the sidecar Fixtures/generate/.work/handbuilt_layers.json.
Each entry carries "expectedLayers": the layers the file was built to contain, with the
hyper-parameters chosen here and their parameter counts, which the tests assert against.
"""

import json
import os

import numpy as np
import onnx
from onnx import TensorProto as T
from onnx import helper, numpy_helper

HERE = os.path.dirname(os.path.abspath(__file__))
FIX = os.path.dirname(HERE)
OUT = os.path.join(FIX, "layers")
WORK = os.path.join(HERE, ".work")
GEN = "generate/handbuilt_layers.py"

rng = np.random.default_rng(2024)
entries = []


def rnd(*shape, dtype=np.float32):
    return rng.normal(0.0, 0.5, size=shape).astype(dtype)


def init(name, arr):
    return numpy_helper.from_array(arr, name)


def vi(name, elem, shape):
    return helper.make_tensor_value_info(name, elem, shape)


def save(graph, name, description, expected, opset=17, extra=(), check=True):
    ops = [helper.make_opsetid("", opset)] + [helper.make_opsetid(d, v) for d, v in extra]
    m = helper.make_model(graph, opset_imports=ops, producer_name="onnxscope-fixtures", producer_version="1")
    m.ir_version = helper.find_min_ir_version_for([ops[0]])
    if check:
        onnx.checker.check_model(m, full_check=True)
    path = os.path.join(OUT, name)
    onnx.save(m, path)
    entries.append({"file": "layers/" + name, "source": "handbuilt", "exporter": "onnx.helper", "generator": GEN,
                    "model": os.path.splitext(name)[0], "description": description, "expectedLayers": expected})
    print("wrote", path, os.path.getsize(path), "bytes")


def decomposed_ln():
    x = 16
    nodes = [
        helper.make_node("ReduceMean", ["x"], ["mu"], axes=[-1], keepdims=1),
        helper.make_node("Sub", ["x", "mu"], ["d"]),
        helper.make_node("Pow", ["d", "two"], ["d2"]),
        helper.make_node("ReduceMean", ["d2"], ["var"], axes=[-1], keepdims=1),
        helper.make_node("Add", ["var", "eps"], ["ve"]),
        helper.make_node("Sqrt", ["ve"], ["sd"]),
        helper.make_node("Div", ["d", "sd"], ["n"]),
        helper.make_node("Mul", ["n", "gamma"], ["g"]),
        helper.make_node("Add", ["g", "beta"], ["y"]),
    ]
    inits = [init("two", np.array(2.0, np.float32)), init("eps", np.array(1e-5, np.float32)),
             init("gamma", rnd(x)), init("beta", rnd(x))]
    g = helper.make_graph(nodes, "decomposed_ln", [vi("x", T.FLOAT, [2, 5, x])], [vi("y", T.FLOAT, [2, 5, x])], inits)
    save(g, "decomposed_layernorm.onnx", "LayerNorm written out as ReduceMean/Sub/Pow/ReduceMean/Add/Sqrt/Div/Mul/Add",
         [{"kind": "LayerNorm", "hyper": {"width": x}, "stored": 2 * x}], opset=17)


def decomposed_rms():
    x = 16
    nodes = [
        helper.make_node("Pow", ["x", "two"], ["x2"]),
        helper.make_node("ReduceMean", ["x2"], ["ms"], axes=[-1], keepdims=1),
        helper.make_node("Add", ["ms", "eps"], ["mse"]),
        helper.make_node("Sqrt", ["mse"], ["rms"]),
        helper.make_node("Reciprocal", ["rms"], ["inv"]),
        helper.make_node("Mul", ["x", "inv"], ["n"]),
        helper.make_node("Mul", ["n", "gamma"], ["y"]),
    ]
    inits = [init("two", np.array(2.0, np.float32)), init("eps", np.array(1e-6, np.float32)), init("gamma", rnd(x))]
    g = helper.make_graph(nodes, "decomposed_rms", [vi("x", T.FLOAT, [2, 5, x])], [vi("y", T.FLOAT, [2, 5, x])], inits)
    save(g, "decomposed_rmsnorm.onnx", "RMS norm written out as Pow/ReduceMean/Add/Sqrt/Reciprocal/Mul/Mul",
         [{"kind": "RMSNorm", "hyper": {"width": x}, "stored": x}], opset=17)


def batchnorm():
    c = 8
    nodes = [
        helper.make_node("Conv", ["x", "w"], ["c"], kernel_shape=[3, 3]),
        helper.make_node("BatchNormalization", ["c", "scale", "bias", "mean", "var"], ["y"]),
    ]
    inits = [init("w", rnd(c, 3, 3, 3)), init("scale", rnd(c)), init("bias", rnd(c)),
             init("mean", rnd(c)), init("var", np.abs(rnd(c)) + 0.5)]
    g = helper.make_graph(nodes, "bn", [vi("x", T.FLOAT, [1, 3, 10, 10])], [vi("y", T.FLOAT, [1, c, 8, 8])], inits)
    save(g, "conv_batchnorm.onnx", "Conv without bias followed by an unfused BatchNormalization",
         [{"kind": "Conv", "hyper": {"inChannels": 3, "outChannels": c, "kernel": [3, 3], "groups": 1, "bias": False},
           "stored": c * 3 * 9},
          {"kind": "BatchNorm", "hyper": {"width": c}, "stored": 2 * c, "nonTrainable": 2 * c}])


def quantized_dense():
    i, o = 16, 8
    wq = rng.integers(-100, 100, size=(i, o)).astype(np.int8)
    nodes = [
        helper.make_node("DequantizeLinear", ["wq", "ws", "wz"], ["w"]),
        helper.make_node("MatMul", ["x", "w"], ["h"]),
        helper.make_node("Add", ["h", "b"], ["y"]),
        helper.make_node("MatMulInteger", ["xq", "wq2"], ["yq"]),
    ]
    inits = [init("wq", wq), init("ws", np.array(0.02, np.float32)), init("wz", np.array(0, np.int8)), init("b", rnd(o)),
             init("wq2", rng.integers(0, 200, size=(o, 4)).astype(np.uint8))]
    g = helper.make_graph(nodes, "quantized", [vi("x", T.FLOAT, [2, i]), vi("xq", T.UINT8, [2, o])],
                          [vi("y", T.FLOAT, [2, o]), vi("yq", T.INT32, [2, 4])], inits)
    save(g, "quantized_dense.onnx", "DequantizeLinear→MatMul+Add with an int8 weight, and MatMulInteger with a uint8 weight",
         [{"kind": "Dense", "hyper": {"inputSize": i, "outputSize": o, "bias": True}, "stored": i * o + o, "nonTrainable": 2},
          {"kind": "Dense", "hyper": {"inputSize": o, "outputSize": 4, "bias": False}, "stored": o * 4}])


def projections(x, names):
    nodes, inits = [], []
    for n in names:
        nodes += [helper.make_node("MatMul", ["x", n + "_w"], [n + "_m"]), helper.make_node("Add", [n + "_m", n + "_b"], [n])]
        inits += [init(n + "_w", rnd(x, x)), init(n + "_b", rnd(x))]
    return nodes, inits


def attention_op():
    x, heads = 16, 4
    nodes, inits = projections(x, ["q", "k", "v"])
    nodes.append(helper.make_node("Attention", ["q", "k", "v"], ["a"], q_num_heads=heads, kv_num_heads=heads))
    nodes += [helper.make_node("MatMul", ["a", "o_w"], ["om"]), helper.make_node("Add", ["om", "o_b"], ["y"])]
    inits += [init("o_w", rnd(x, x)), init("o_b", rnd(x))]
    g = helper.make_graph(nodes, "attention23", [vi("x", T.FLOAT, [2, 5, x])], [vi("y", T.FLOAT, [2, 5, x])], inits)
    save(g, "attention_op.onnx", "Q/K/V projections around the opset-23 Attention op, then an output projection",
         [{"kind": "MultiHeadAttention", "hyper": {"width": x, "heads": heads}, "stored": 4 * (x * x + x)}], opset=23)


def ms_multihead():
    x, heads = 16, 2
    nodes, inits = projections(x, ["q", "k", "v"])
    nodes.append(helper.make_node("MultiHeadAttention", ["q", "k", "v"], ["a"], domain="com.microsoft", num_heads=heads))
    nodes += [helper.make_node("MatMul", ["a", "o_w"], ["om"]), helper.make_node("Add", ["om", "o_b"], ["y"])]
    inits += [init("o_w", rnd(x, x)), init("o_b", rnd(x))]
    g = helper.make_graph(nodes, "ms_mha", [vi("x", T.FLOAT, [2, 5, x])], [vi("y", T.FLOAT, [2, 5, x])], inits)
    save(g, "ms_multihead_attention.onnx", "Q/K/V projections around com.microsoft MultiHeadAttention",
         [{"kind": "MultiHeadAttention", "hyper": {"width": x, "heads": heads}, "stored": 4 * (x * x + x)}],
         extra=[("com.microsoft", 1)], check=False)


def ms_attention():
    x, heads = 16, 4
    nodes = [helper.make_node("Attention", ["x", "qkv_w", "qkv_b"], ["a"], domain="com.microsoft", num_heads=heads),
             helper.make_node("MatMul", ["a", "o_w"], ["om"]), helper.make_node("Add", ["om", "o_b"], ["y"])]
    inits = [init("qkv_w", rnd(x, 3 * x)), init("qkv_b", rnd(3 * x)), init("o_w", rnd(x, x)), init("o_b", rnd(x))]
    g = helper.make_graph(nodes, "ms_attention", [vi("x", T.FLOAT, [2, 5, x])], [vi("y", T.FLOAT, [2, 5, x])], inits)
    save(g, "ms_attention.onnx", "com.microsoft Attention holding the packed QKV weight, then an output projection",
         [{"kind": "MultiHeadAttention", "hyper": {"width": x, "heads": heads}, "stored": 4 * (x * x + x)}],
         extra=[("com.microsoft", 1)], check=False)


def qlinear():
    i, o, c = 16, 8, 4
    u8 = lambda *shape: rng.integers(0, 255, size=shape).astype(np.uint8)
    nodes = [
        helper.make_node("QLinearMatMul", ["xq", "xs", "xz", "wq", "ws", "wz", "ys", "yz"], ["yq"]),
        helper.make_node("QLinearConv", ["iq", "xs", "xz", "cq", "ws", "wz", "ys", "yz", "cb"], ["cy"], kernel_shape=[3, 3]),
    ]
    inits = [init("xs", np.array(0.1, np.float32)), init("xz", np.array(3, np.uint8)), init("wq", u8(i, o)),
             init("ws", np.array(0.05, np.float32)), init("wz", np.array(5, np.uint8)), init("ys", np.array(0.2, np.float32)),
             init("yz", np.array(7, np.uint8)), init("cq", u8(c, 2, 3, 3)), init("cb", rng.integers(-50, 50, size=(c,)).astype(np.int32))]
    g = helper.make_graph(nodes, "qlinear", [vi("xq", T.UINT8, [2, i]), vi("iq", T.UINT8, [1, 2, 6, 6])],
                          [vi("yq", T.UINT8, [2, o]), vi("cy", T.UINT8, [1, c, 4, 4])], inits)
    save(g, "qlinear.onnx", "QLinearMatMul with a uint8 [16,8] weight and QLinearConv with a uint8 [4,2,3,3] weight and int32 bias",
         [{"kind": "Dense", "hyper": {"inputSize": i, "outputSize": o, "bias": False}, "stored": i * o, "nonTrainable": 6},
          {"kind": "Conv", "hyper": {"inChannels": 2, "outChannels": c, "kernel": [3, 3], "groups": 1, "bias": True},
           "stored": c * 2 * 9 + c, "nonTrainable": 6}])


def matmul_nbits():
    k, n, block = 32, 8, 16
    blob = rng.integers(0, 255, size=(n, k // block, block // 2)).astype(np.uint8)
    scales = rnd(n * (k // block))
    nodes = [helper.make_node("MatMulNBits", ["x", "wq", "scales"], ["y"], domain="com.microsoft",
                              K=k, N=n, bits=4, block_size=block)]
    g = helper.make_graph(nodes, "nbits", [vi("x", T.FLOAT, [2, k])], [vi("y", T.FLOAT, [2, n])],
                          [init("wq", blob), init("scales", scales)])
    save(g, "matmul_nbits.onnx", "com.microsoft MatMulNBits: a 4-bit packed [N, K/block, block/2] weight with scales",
         # stored: the K·N weight as the float layer had it (4-bit values unpacked); the scales are
         # non-trainable quantization overhead (issue #14).
         [{"kind": "Dense", "hyper": {"inputSize": k, "outputSize": n}, "stored": k * n, "nonTrainable": scales.size}],
         extra=[("com.microsoft", 1)], check=False)


def lstm_peepholes():
    i, h = 6, 10
    nodes = [helper.make_node("LSTM", ["x", "W", "R", "B", "", "", "", "P"], ["y"], hidden_size=h)]
    inits = [init("W", rnd(1, 4 * h, i)), init("R", rnd(1, 4 * h, h)), init("B", rnd(1, 8 * h)), init("P", rnd(1, 3 * h))]
    g = helper.make_graph(nodes, "peephole", [vi("x", T.FLOAT, [5, 2, i])], [vi("y", T.FLOAT, [5, 1, 2, h])], inits)
    save(g, "lstm_peepholes.onnx", "An ONNX LSTM with peephole weights P",
         [{"kind": "LSTM", "hyper": {"inputSize": i, "hiddenSize": h, "directions": 1},
           "stored": 4 * (h * i + h * h + 2 * h) + 3 * h}])


def group_normalization_op():
    c, g = 12, 3
    nodes = [helper.make_node("GroupNormalization", ["x", "scale", "bias"], ["y"], num_groups=g, epsilon=1e-5)]
    inits = [init("scale", rnd(c)), init("bias", rnd(c))]
    graph = helper.make_graph(nodes, "groupnorm", [vi("x", T.FLOAT, [1, c, 4, 4])], [vi("y", T.FLOAT, [1, c, 4, 4])], inits)
    save(graph, "group_normalization_op.onnx", "The opset-21 GroupNormalization op: 3 groups of 12 channels, per-channel scale and bias",
         [{"kind": "GroupNorm", "hyper": {"groups": g, "width": c}, "stored": 2 * c}], opset=21)


def gather_block_quantized():
    vocab, width, block = 16, 16, 16
    data = rng.integers(0, 255, size=(vocab, width // 2)).astype(np.uint8)  # 4-bit, two per byte
    scales = rnd(vocab, width // block)
    nodes = [helper.make_node("GatherBlockQuantized", ["table", "ids", "scales"], ["y"], domain="com.microsoft",
                              gather_axis=0, quantize_axis=1, block_size=block, bits=4)]
    g = helper.make_graph(nodes, "gbq", [vi("ids", T.INT64, [2, 3])], [vi("y", T.FLOAT, [2, 3, width])],
                          [init("table", data), init("scales", scales)])
    save(g, "gather_block_quantized.onnx", "com.microsoft GatherBlockQuantized: a 4-bit [16, 16] table packed in [16, 8] bytes, one scale per row block",
         [{"kind": "Embedding", "hyper": {"vocabSize": vocab, "width": width}, "stored": vocab * width,
           "nonTrainable": scales.size}], extra=[("com.microsoft", 1)], check=False)


def matmul_nbits_full():
    k, n, block = 32, 8, 16
    blocks = k // block
    blob = rng.integers(0, 255, size=(n, blocks, block // 2)).astype(np.uint8)
    scales = rnd(n * blocks)
    zero_points = rng.integers(0, 255, size=(n * ((blocks + 1) // 2),)).astype(np.uint8)  # 4-bit, packed
    g_idx = (np.arange(k) // block).astype(np.int32)
    bias = rnd(n)
    nodes = [helper.make_node("MatMulNBits", ["x", "wq", "scales", "zp", "g_idx", "bias"], ["y"], domain="com.microsoft",
                              K=k, N=n, bits=4, block_size=block)]
    g = helper.make_graph(nodes, "nbits_full", [vi("x", T.FLOAT, [2, k])], [vi("y", T.FLOAT, [2, n])],
                          [init("wq", blob), init("scales", scales), init("zp", zero_points), init("g_idx", g_idx),
                           init("bias", bias)])
    save(g, "matmul_nbits_full.onnx", "com.microsoft MatMulNBits with packed 4-bit zero points, g_idx and a bias input",
         [{"kind": "Dense", "hyper": {"inputSize": k, "outputSize": n, "bias": True}, "stored": k * n + n,
           "nonTrainable": scales.size + zero_points.size + g_idx.size}], extra=[("com.microsoft", 1)], check=False)


def ort_fused_dense():
    x, inner = 16, 8
    nodes = [
        helper.make_node("FusedMatMul", ["x", "w1"], ["h"], domain="com.microsoft", transB=1, alpha=1.0),
        helper.make_node("BiasGelu", ["h", "b1"], ["a"], domain="com.microsoft"),
        helper.make_node("MatMul", ["a", "w2"], ["o"]),
        helper.make_node("SkipSimplifiedLayerNormalization", ["o", "x", "gamma", "b2"], ["y"], domain="com.microsoft",
                         epsilon=1e-6),
    ]
    inits = [init("w1", rnd(inner, x)), init("b1", rnd(inner)), init("w2", rnd(inner, x)), init("b2", rnd(x)),
             init("gamma", rnd(x))]
    g = helper.make_graph(nodes, "fused", [vi("x", T.FLOAT, [2, x])], [vi("y", T.FLOAT, [2, x])], inits)
    save(g, "ort_fused_dense.onnx", "onnxruntime fusions: FusedMatMul (transB) whose bias is in BiasGelu, a MatMul whose bias is input 3 of SkipSimplifiedLayerNormalization",
         # x -> inner -> x through a GELU: a feed-forward network of the two Dense layers (BiasGelu is its activation).
         [{"kind": "FeedForward", "hyper": {"width": x, "ffnSize": inner, "gated": False, "bias": True},
           "stored": (x * inner + inner) + (inner * x + x)},
          {"kind": "RMSNorm", "hyper": {"width": x}, "stored": x}], extra=[("com.microsoft", 1)], check=False)


def qdq_embedding():
    vocab, width = 20, 6
    table = rng.integers(-127, 127, size=(vocab, width)).astype(np.int8)
    nodes = [helper.make_node("DequantizeLinear", ["table_q", "scale", "zp"], ["table"]),
             helper.make_node("Gather", ["table", "ids"], ["y"])]
    inits = [init("table_q", table), init("scale", np.array(0.02, dtype=np.float32)), init("zp", np.array(0, dtype=np.int8))]
    g = helper.make_graph(nodes, "qdq_embedding", [vi("ids", T.INT64, [2, 3])], [vi("y", T.FLOAT, [2, 3, width])], inits)
    save(g, "qdq_embedding.onnx", "QDQ embedding: an INT8 table behind DequantizeLinear, then Gather",
         [{"kind": "Embedding", "hyper": {"vocabSize": vocab, "width": width}, "stored": vocab * width, "nonTrainable": 2}])


def main():
    os.makedirs(OUT, exist_ok=True)
    os.makedirs(WORK, exist_ok=True)
    for fn in (decomposed_ln, decomposed_rms, batchnorm, quantized_dense, attention_op, ms_multihead, ms_attention, qlinear,
               matmul_nbits, lstm_peepholes, group_normalization_op,
               # issue #14 (after the others, so that their random values stay as they were)
               gather_block_quantized, matmul_nbits_full, ort_fused_dense, qdq_embedding):
        fn()
    with open(os.path.join(WORK, "handbuilt_layers.json"), "w") as f:
        json.dump({"fixtures": entries, "exportFailures": []}, f, indent=2, sort_keys=True)


if __name__ == "__main__":
    main()
