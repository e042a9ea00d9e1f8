"""Writes the benchmark's graph-heavy inputs with a tiny protobuf writer, no dependencies.

Never committed. Four kinds:

  many OUT.onnx NODES
      A graph of about NODES nodes and as many small initializers, built from repeated
      segments: 5 pre-norm transformer blocks of width 8 (LayerNormalization, Q/K/V
      MatMul+Add projections, head Reshape/Transpose, scaled Softmax attention, output
      projection, MLP) and 8 residual Conv1d+BatchNormalization units. Node names follow
      the TorchScript exporter (`/blocks.3/attn/q_proj/MatMul`), weights the module paths
      (`blocks.3.attn.q_proj.weight`), so `layers` names and groups everything.

  dense OUT.onnx NODES
      A chain of small dense blocks (MatMul by an [8, 8] weight, Add bias, Relu, Mul by
      an [8] scale), each weight its own initializer, named like the TorchScript exporter.

  folder OUT_DIR COUNT NODES
      COUNT dense-block models of about NODES nodes each.

  transformer OUT_DIR [LAYERS WIDTH FFN VOCAB]
      An OPT-6.7B-shaped decoder (defaults: 32 blocks, width 4096, FFN 16384, vocabulary
      50272, 2048 positions, about 6.9 billion parameters) as OUT_DIR/model.onnx plus
      OUT_DIR/model.onnx.data. Every floating-point weight lives in the data file
      (external data, as `onnx.save(..., save_as_external_data=True)` writes it); the
      data file is created sparse with truncate(), so its ~27 GB cost no disk. Shape
      constants stay inline.

Usage: python3 bench_models.py many OUT.onnx 100000
       python3 bench_models.py dense OUT.onnx 100000
       python3 bench_models.py folder OUT_DIR 1000 40
       python3 bench_models.py transformer OUT_DIR
"""

import os
import struct
import sys

FLOAT, INT64 = 1, 7


from big_model import field, varint, vfield  # the same tiny protobuf writer


def attr_int(name, value):
    return field(5, field(1, name) + vfield(20, 2) + vfield(3, value))


def attr_float(name, value):
    return field(5, field(1, name) + vfield(20, 1) + varint(2 << 3 | 5) + struct.pack("<f", value))


def attr_ints(name, values):
    return field(5, field(1, name) + vfield(20, 7) + b"".join(vfield(8, v) for v in values))


def node(op, inputs, outputs, name, *attributes):
    body = b"".join(field(1, i) for i in inputs) + b"".join(field(2, o) for o in outputs)
    return field(1, body + field(3, name) + field(4, op) + b"".join(attributes))


def tensor(name, dims, data_type, raw=None, external=None):
    """A TensorProto: raw_data inline, or an external reference (location, offset, length)."""
    body = b"".join(vfield(1, d) for d in dims) + vfield(2, data_type) + field(8, name)
    if raw is not None:
        body += field(9, raw)
    if external is not None:
        location, offset, length = external
        for key, value in (("location", location), ("offset", str(offset)), ("length", str(length))):
            body += field(13, field(1, key) + field(2, value))
        body += vfield(14, 1)
    return body


def value_info(name, dims):
    shape = b"".join(field(1, field(2, d) if isinstance(d, str) else vfield(1, d)) for d in dims)
    return field(1, name) + field(2, field(1, vfield(1, FLOAT) + field(2, shape)))


def model(graph, opset=17):
    return (vfield(1, 8) + field(2, "onnxscope-bench") + field(3, "1")
            + field(8, field(1, "") + vfield(2, opset)) + field(7, graph))


class Graph:
    """Collects nodes and initializers; `weight` makes an initializer of small raw floats."""

    def __init__(self):
        self.nodes, self.inits = [], []

    def add(self, op, inputs, outputs, name, *attributes):
        self.nodes.append(node(op, inputs, outputs, name, *attributes))
        return outputs[0]

    def weight(self, name, dims):
        count = 1
        for d in dims:
            count *= d
        self.inits.append(field(5, tensor(name, dims, FLOAT, raw=struct.pack("<f", 0.01) * count)))
        return name

    def ints(self, name, values):
        self.inits.append(field(5, tensor(name, [len(values)], INT64, raw=struct.pack("<%dq" % len(values), *values))))
        return name


def dense(g, x, scope, d_in, d_out):
    """MatMul + bias Add, named like the TorchScript exporter."""
    w = g.weight(scope.replace("/", ".").strip(".") + ".weight", [d_in, d_out])
    b = g.weight(scope.replace("/", ".").strip(".") + ".bias", [d_out])
    h = g.add("MatMul", [x, w], [scope + "/MatMul_out"], scope + "/MatMul")
    return g.add("Add", [h, b], [scope + "/Add_out"], scope + "/Add")


def layer_norm(g, x, scope, width):
    prefix = scope.replace("/", ".").strip(".")
    gamma, beta = g.weight(prefix + ".weight", [width]), g.weight(prefix + ".bias", [width])
    return g.add("LayerNormalization", [x, gamma, beta], [scope + "/ln_out"], scope + "/LayerNormalization",
                 attr_int("axis", -1), attr_float("epsilon", 1e-5))


def attention(g, x, scope, width, heads, shape_ints):
    """Decomposed multi-head self-attention: projections, head split, scaled softmax, merge, out projection."""
    head = width // heads
    prefix = scope.replace("/", ".").strip(".")
    split = []
    for role in ("q", "k", "v"):
        p = dense(g, x, "%s/%s_proj" % (scope, role), width, width)
        shape = shape_ints("%s.%s_shape" % (prefix, role), [0, 0, heads, head])
        r = g.add("Reshape", [p, shape], ["%s/%s_heads" % (scope, role)], "%s/%s/Reshape" % (scope, role))
        perm = [0, 2, 3, 1] if role == "k" else [0, 2, 1, 3]
        split.append(g.add("Transpose", [r], ["%s/%s_t" % (scope, role)], "%s/%s/Transpose" % (scope, role),
                           attr_ints("perm", perm)))
    q, k, v = split
    s = g.add("MatMul", [q, k], [scope + "/scores"], scope + "/MatMul")
    scale = g.weight(prefix + ".scale", [])
    s = g.add("Div", [s, scale], [scope + "/scaled"], scope + "/Div")
    p = g.add("Softmax", [s], [scope + "/probs"], scope + "/Softmax", attr_int("axis", -1))
    o = g.add("MatMul", [p, v], [scope + "/mixed"], scope + "/MatMul_1")
    o = g.add("Transpose", [o], [scope + "/merged_t"], scope + "/Transpose", attr_ints("perm", [0, 2, 1, 3]))
    shape = shape_ints(prefix + ".merge_shape", [0, 0, width])
    o = g.add("Reshape", [o, shape], [scope + "/merged"], scope + "/Reshape")
    return dense(g, o, scope + "/out_proj", width, width)


def block(g, x, scope, width, heads, ffn, shape_ints):
    """Pre-norm transformer block: x + attn(ln1(x)), then + fc2(gelu(fc1(ln2(.))))."""
    h = layer_norm(g, x, scope + "/ln_1", width)
    a = attention(g, h, scope + "/attn", width, heads, shape_ints)
    x = g.add("Add", [x, a], [scope + "/res_1"], scope + "/Add")
    h = layer_norm(g, x, scope + "/ln_2", width)
    h = dense(g, h, scope + "/mlp/fc1", width, ffn)
    h = g.add("Relu", [h], [scope + "/mlp/act"], scope + "/mlp/Relu")
    h = dense(g, h, scope + "/mlp/fc2", ffn, width)
    return g.add("Add", [x, h], [scope + "/res_2"], scope + "/Add_1")


def conv_unit(g, x, scope, channels):
    """Residual unit: Conv1d k=1 + BatchNorm + Relu, Conv1d + BatchNorm, Add, Relu."""
    prefix = scope.replace("/", ".").strip(".")
    h = x
    for n in (1, 2):
        w = g.weight("%s.conv%d.weight" % (prefix, n), [channels, channels, 1])
        b = g.weight("%s.conv%d.bias" % (prefix, n), [channels])
        h = g.add("Conv", [h, w, b], ["%s/conv%d_out" % (scope, n)], "%s/conv%d/Conv" % (scope, n),
                  attr_ints("kernel_shape", [1]))
        stats = [g.weight("%s.bn%d.%s" % (prefix, n, s), [channels]) for s in ("weight", "bias", "running_mean", "running_var")]
        h = g.add("BatchNormalization", [h] + stats, ["%s/bn%d_out" % (scope, n)], "%s/bn%d/BatchNormalization" % (scope, n))
        if n == 1:
            h = g.add("Relu", [h], [scope + "/relu1_out"], scope + "/Relu")
    h = g.add("Add", [x, h], [scope + "/res"], scope + "/Add")
    return g.add("Relu", [h], [scope + "/out"], scope + "/Relu_1")


def many(out, target_nodes):
    width, heads, ffn = 8, 2, 16
    g = Graph()
    x = "x"
    segment = 0
    while len(g.nodes) < target_nodes:
        for b in range(5):
            x = block(g, x, "/seg%d/blocks.%d" % (segment, b), width, heads, ffn, g.ints)
        x = g.add("Transpose", [x], ["/seg%d/to_conv" % segment], "/seg%d/Transpose" % segment, attr_ints("perm", [0, 2, 1]))
        for u in range(8):
            x = conv_unit(g, x, "/seg%d/convs.%d" % (segment, u), width)
        x = g.add("Transpose", [x], ["/seg%d/from_conv" % segment], "/seg%d/Transpose_1" % segment, attr_ints("perm", [0, 2, 1]))
        segment += 1
    graph = (b"".join(g.nodes) + field(2, "many") + b"".join(g.inits)
             + field(11, value_info("x", ["batch", "seq", width])) + field(12, value_info(x, ["batch", "seq", width])))
    with open(out, "wb") as f:
        f.write(model(graph))
    print("%s: %d nodes, %d initializers, %d bytes" % (out, len(g.nodes), len(g.inits), os.path.getsize(out)))


class ExternalGraph(Graph):
    """A Graph whose float weights are external references into one sparse data file."""

    def __init__(self, location):
        super().__init__()
        self.location, self.offset = location, 0

    def weight(self, name, dims):
        count = 1
        for d in dims:
            count *= d
        length = count * 4
        self.inits.append(field(5, tensor(name, dims, FLOAT, external=(self.location, self.offset, length))))
        self.offset += (length + 4095) // 4096 * 4096  # page-aligned, as onnx's align_offset does
        return name


def transformer(out_dir, layers=32, width=4096, ffn=16384, vocab=50272, positions=2048):
    os.makedirs(out_dir, exist_ok=True)
    data_name = "model.onnx.data"
    g = ExternalGraph(data_name)
    heads = width // 128
    table = g.weight("embed_tokens.weight", [vocab, width])
    pos_table = g.weight("embed_positions.weight", [positions, width])
    tok = g.add("Gather", [table, "input_ids"], ["/embed_tokens/out"], "/embed_tokens/Gather")
    pos = g.add("Gather", [pos_table, "position_ids"], ["/embed_positions/out"], "/embed_positions/Gather")
    x = g.add("Add", [tok, pos], ["/embed/out"], "/embed/Add")
    for i in range(layers):
        x = block(g, x, "/layers.%d" % i, width, heads, ffn, g.ints)
    x = layer_norm(g, x, "/final_layer_norm", width)
    head = g.weight("lm_head.weight", [width, vocab])
    logits = g.add("MatMul", [x, head], ["logits"], "/lm_head/MatMul")
    ids = field(1, "input_ids") + field(2, field(1, vfield(1, INT64) + field(2, field(1, field(2, "batch")) + field(1, field(2, "seq")))))
    pids = field(1, "position_ids") + field(2, field(1, vfield(1, INT64) + field(2, field(1, field(2, "batch")) + field(1, field(2, "seq")))))
    graph = (b"".join(g.nodes) + field(2, "opt-6.7b-shaped") + b"".join(g.inits)
             + field(11, ids) + field(11, pids) + field(12, value_info(logits, ["batch", "seq", vocab])))
    model_path = os.path.join(out_dir, "model.onnx")
    with open(model_path, "wb") as f:
        f.write(model(graph))
    data_path = os.path.join(out_dir, data_name)
    with open(data_path, "wb") as f:
        f.truncate(g.offset)  # sparse: no block is written
    params = sum(1 for _ in g.inits)
    print("%s: %d nodes, %d weights; %s: %d bytes apparent, %d bytes on disk" % (
        model_path, len(g.nodes), params, data_path, os.path.getsize(data_path), os.stat(data_path).st_blocks * 512))


def dense_blocks(out, target_nodes):
    """Small dense blocks as #11's benchmark asks: MatMul by an [8, 8] weight, Add bias,
    Relu, Mul by a scale; every weight its own initializer; names as the TorchScript
    exporter writes them (`/layers.0/fc/MatMul`, `layers.0.fc.weight`)."""
    g = Graph()
    x = "input"
    k = 0
    while len(g.nodes) < target_nodes:
        scope = "/layers.%d" % k
        w = g.weight("layers.%d.fc.weight" % k, [8, 8])
        b = g.weight("layers.%d.fc.bias" % k, [8])
        s = g.weight("layers.%d.scale" % k, [8])
        h = g.add("MatMul", [x, w], [scope + "/fc/MatMul_output_0"], scope + "/fc/MatMul")
        h = g.add("Add", [b, h], [scope + "/fc/Add_output_0"], scope + "/fc/Add")
        h = g.add("Relu", [h], [scope + "/act/Relu_output_0"], scope + "/act/Relu")
        x = g.add("Mul", [h, s], [scope + "/Mul_output_0"], scope + "/Mul")
        k += 1
    graph = (b"".join(g.nodes) + field(2, "main_graph") + b"".join(g.inits)
             + field(11, value_info("input", ["batch", 8])) + field(12, value_info(x, ["batch", 8])))
    with open(out, "wb") as f:
        f.write(model(graph))
    print("%s: %d nodes, %d initializers, %d bytes" % (out, len(g.nodes), len(g.inits), os.path.getsize(out)))


def folder(out_dir, count, nodes):
    """`count` small dense-block models of about `nodes` nodes each, in one folder."""
    os.makedirs(out_dir, exist_ok=True)
    for i in range(count):
        dense_blocks(os.path.join(out_dir, "model_%04d.onnx" % i), nodes)


def main():
    kind = sys.argv[1] if len(sys.argv) > 1 else ""
    if kind == "many" and len(sys.argv) == 4:
        many(sys.argv[2], int(sys.argv[3]))
    elif kind == "dense" and len(sys.argv) == 4:
        dense_blocks(sys.argv[2], int(sys.argv[3]))
    elif kind == "folder" and len(sys.argv) == 5:
        folder(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))
    elif kind == "transformer" and len(sys.argv) in (3, 7):
        extra = [int(a) for a in sys.argv[3:]]
        transformer(sys.argv[2], *extra)
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
