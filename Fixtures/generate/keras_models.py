"""Tiny Keras models converted to ONNX with tf2onnx, as OnnxScope fixtures.

Run with the TensorFlow venv:  /work/venv-tf/bin/python Fixtures/generate/keras_models.py
Writes Fixtures/keras/<model>.onnx and the sidecar Fixtures/generate/.work/keras.json with
Keras's own parameter numbers for build_manifest.py. Weights are replaced with random arrays
(fixed seed) before conversion so no two tensors are identical (exporters drop all-zero biases
and merge identical tensors); BatchNorm and Normalization variances are drawn positive.

Truth per model (`framework.modules`), from Keras itself: every layer with weights, nested
ones too (custom blocks, MultiHeadAttention's EinsumDense projections, Bidirectional's
wrapped layer as the Bidirectional's hyper), each with
- `name`: the Keras layer path, outer layers joined with `/` as Keras writes variable paths
  (`vit_block_0/mha/query`; the model's own name is not part of it), checked against the
  layer's variable names;
- `type`: the Keras class (`Dense`, `EinsumDense`, `Conv1D`, `Conv2D`, `DepthwiseConv2D`,
  `Embedding`, `LayerNormalization`, `BatchNormalization`, `LSTM`, `GRU`, `SimpleRNN`,
  `Bidirectional`, `MultiHeadAttention`, ...);
- `parameters`: `layer.count_params()`, `trainable`: its trainable weights' elements;
- `hyper`: config values (units, filters, kernel_size, groups, depth_multiplier, input_dim,
  output_dim, num_heads, key_dim, value_dim, use_bias, reset_after, ...; ints, bools and int
  lists only) and, read from the layer's own weights, `kernelShape`, `inputSize` and
  `outputSize` (for EinsumDense from its equation: kernel axes shared with the input are
  inputs), `width` (norms), `bias` (a bias weight exists).
The issue-18 models (source `keras-issue18`) are the keras.applications builders with small
widths and 32x32 inputs, text models, a transformer and a ViT; see SPECS.
"""

import importlib.metadata
import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("CUDA_VISIBLE_DEVICES", "")

import numpy as np  # noqa: E402
import onnx  # noqa: E402
import tensorflow as tf  # noqa: E402
import tf2onnx  # noqa: E402
from tensorflow import keras  # noqa: E402
from tensorflow.keras import layers  # noqa: E402
from keras.src.applications import densenet as k_densenet  # noqa: E402
from keras.src.applications import efficientnet as k_efficientnet  # noqa: E402
from keras.src.applications import resnet as k_resnet  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import sidecar  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
FIX = os.path.dirname(HERE)
OUT = os.path.join(FIX, "keras")
GEN = "generate/keras_models.py"
OPSET = 15

HYPER_KEYS = ("units", "filters", "kernel_size", "depth_multiplier", "input_dim", "output_dim",
              "num_heads", "key_dim", "value_dim", "use_bias", "groups", "reset_after", "return_sequences",
              "go_backwards", "merge_mode", "strides")


def mlp():
    x = keras.Input((16,), name="x")
    h = layers.Dense(32, activation="relu", name="fc1")(x)
    y = layers.Dense(8, name="fc2")(h)
    return keras.Model(x, y, name="mlp"), [tf.TensorSpec((None, 16), tf.float32, name="x")]


def recurrent(cls, name):
    def build():
        x = keras.Input((5, 8), name="x")
        y = cls(16, name=name)(x)
        return keras.Model(x, y, name=name), [tf.TensorSpec((None, 5, 8), tf.float32, name="x")]
    return build


def conv2d():
    x = keras.Input((8, 8, 3), name="x")
    h = layers.Conv2D(8, 3, name="conv")(x)
    y = layers.DepthwiseConv2D(3, name="depthwise")(h)
    return keras.Model(x, y, name="conv2d"), [tf.TensorSpec((None, 8, 8, 3), tf.float32, name="x")]


def embedding():
    x = keras.Input((10,), dtype="int32", name="idx")
    h = layers.Embedding(100, 16, name="emb")(x)
    h = layers.GlobalAveragePooling1D(name="pool")(h)
    y = layers.Dense(4, name="head")(h)
    return keras.Model(x, y, name="embedding"), [tf.TensorSpec((None, 10), tf.int32, name="idx")]


def mha():
    x = keras.Input((6, 16), name="x")
    y = layers.MultiHeadAttention(num_heads=2, key_dim=8, name="mha")(x, x)
    return keras.Model(x, y, name="mha"), [tf.TensorSpec((None, 6, 16), tf.float32, name="x")]


IMG = (32, 32, 3)


def image_sig(shape=IMG):
    return [tf.TensorSpec((None,) + tuple(shape), tf.float32, name="image")]


def ids_sig(t):
    return [tf.TensorSpec((None, t), tf.int32, name="ids")]


def mobilenet_v1():
    m = keras.applications.MobileNet(input_shape=IMG, alpha=0.25, weights=None, classes=10)
    return m, image_sig()


def mobilenet_v2():
    m = keras.applications.MobileNetV2(input_shape=IMG, alpha=0.35, weights=None, include_top=False, pooling="avg")
    return m, image_sig()


def mobilenet_v3():
    m = keras.applications.MobileNetV3Small(input_shape=IMG, alpha=0.35, weights=None, include_top=False,
                                            pooling="avg", include_preprocessing=False)
    return m, image_sig()


def resnet_small():
    # keras.applications.resnet's own builder and stack1/block1 (ResNet50's bottleneck
    # blocks), with two one-block stages of 8 and 16 filters.
    def stack_fn(x):
        x = k_resnet.stack1(x, 8, 1, stride1=1, name="conv2")
        return k_resnet.stack1(x, 16, 1, name="conv3")
    m = k_resnet.ResNet(stack_fn, False, True, "resnet_small", include_top=True, weights=None,
                        input_shape=IMG, classes=10)
    return m, image_sig()


def densenet_small():
    m = k_densenet.DenseNet([1, 1, 1, 1], include_top=True, weights=None, input_shape=IMG, classes=10)
    return m, image_sig()


def efficientnet_small():
    m = k_efficientnet.EfficientNet(0.25, 0.2, 32, model_name="efficientnet_small", include_top=True,
                                    weights=None, input_shape=IMG, classes=10)
    return m, image_sig()


T = 10
VOCAB = 50


def text_bilstm():
    x = keras.Input((T,), dtype="int32", name="ids")
    h = layers.Embedding(VOCAB, 16, name="embedding")(x)
    h = layers.Bidirectional(layers.LSTM(24, return_sequences=True, name="lstm_a"), name="bilstm_1")(h)
    h = layers.Bidirectional(layers.LSTM(12, name="lstm_b"), name="bilstm_2")(h)
    y = layers.Dense(4, name="classifier")(h)
    return keras.Model(x, y, name="text_bilstm"), ids_sig(T)


def text_lstm2():
    x = keras.Input((T,), dtype="int32", name="ids")
    h = layers.Embedding(VOCAB, 16, name="embedding")(x)
    h = layers.LSTM(24, return_sequences=True, name="lstm_1")(h)
    h = layers.LSTM(24, name="lstm_2")(h)
    y = layers.Dense(4, name="classifier")(h)
    return keras.Model(x, y, name="text_lstm2"), ids_sig(T)


def text_gru():
    x = keras.Input((T,), dtype="int32", name="ids")
    h = layers.Embedding(VOCAB, 16, name="embedding")(x)
    h = layers.GRU(24, return_sequences=True, reset_after=True, name="gru_after")(h)
    h = layers.GRU(20, return_sequences=True, reset_after=False, name="gru_before")(h)
    h = layers.Bidirectional(layers.GRU(12, name="gru"), name="bigru")(h)
    y = layers.Dense(4, name="classifier")(h)
    return keras.Model(x, y, name="text_gru"), ids_sig(T)


def text_simplernn():
    x = keras.Input((T,), dtype="int32", name="ids")
    h = layers.Embedding(VOCAB, 16, name="embedding")(x)
    h = layers.SimpleRNN(20, return_sequences=True, name="rnn")(h)
    h = layers.Bidirectional(layers.SimpleRNN(12, name="rnn"), name="birnn")(h)
    y = layers.Dense(4, name="classifier")(h)
    return keras.Model(x, y, name="text_simplernn"), ids_sig(T)


def text_loops():
    # Cells tf2onnx does not rewrite into ONNX ops stay in Loop bodies: a GRU with
    # reset_after=True and a ReLU activation (its [2, 3h] bias unstacked in the body), and
    # both directions of a Bidirectional GRU(reset_after=False). The ReLU LSTM becomes an LSTM op.
    x = keras.Input((T,), dtype="int32", name="ids")
    h = layers.Embedding(VOCAB, 16, name="embedding")(x)
    h = layers.LSTM(16, activation="relu", return_sequences=True, name="lstm_relu")(h)
    h = layers.GRU(12, activation="relu", reset_after=True, return_sequences=True, name="gru_relu")(h)
    h = layers.Bidirectional(layers.GRU(8, reset_after=False, name="gru"), name="bigru")(h)
    y = layers.Dense(4, name="classifier")(h)
    return keras.Model(x, y, name="text_loops"), ids_sig(T)


def text_conv1d():
    x = keras.Input((24,), dtype="int32", name="ids")
    h = layers.Embedding(VOCAB, 16, name="embedding")(x)
    h = layers.Conv1D(32, 5, activation="relu", name="conv_a")(h)
    h = layers.MaxPooling1D(2, name="pool_a")(h)
    h = layers.Conv1D(24, 3, activation="relu", name="conv_b")(h)
    h = layers.GlobalMaxPooling1D(name="pool_b")(h)
    h = layers.Dense(16, activation="relu", name="hidden")(h)
    y = layers.Dense(3, name="classifier")(h)
    return keras.Model(x, y, name="text_conv1d"), ids_sig(24)


class PositionTable(layers.Layer):
    """x + table: a learnt [1, T, x] table added as it is stored."""

    def build(self, shape):
        self.table = self.add_weight(name="table", shape=(1, shape[1], shape[2]), initializer="zeros")

    def call(self, x):
        return x + self.table


class TokenAndPosition(layers.Layer):
    def __init__(self, vocab, length, width, **kw):
        super().__init__(**kw)
        self.tokens = layers.Embedding(vocab, width, name="tokens")
        self.positions = layers.Embedding(length, width, name="positions")
        self.length = length

    def call(self, ids):
        return self.tokens(ids) + self.positions(tf.range(self.length))


class EncoderBlock(layers.Layer):
    """Post-norm: x = LN(x + MHA(x)); x = LN(x + FFN(x)) (the Keras text-classification example)."""

    def __init__(self, width, heads, ffn, **kw):
        super().__init__(**kw)
        self.mha = layers.MultiHeadAttention(num_heads=heads, key_dim=width // heads, name="mha")
        self.norm1 = layers.LayerNormalization(epsilon=1e-6, name="norm1")
        self.ffn_in = layers.Dense(ffn, activation="relu", name="ffn_in")
        self.ffn_out = layers.Dense(width, name="ffn_out")
        self.norm2 = layers.LayerNormalization(epsilon=1e-6, name="norm2")

    def call(self, x):
        x = self.norm1(x + self.mha(x, x))
        return self.norm2(x + self.ffn_out(self.ffn_in(x)))


class ViTBlock(layers.Layer):
    """Pre-norm: x = x + MHA(LN(x)); x = x + MLP(LN(x)), GELU MLP."""

    def __init__(self, width, heads, mlp, **kw):
        super().__init__(**kw)
        self.norm1 = layers.LayerNormalization(epsilon=1e-6, name="norm1")
        self.mha = layers.MultiHeadAttention(num_heads=heads, key_dim=width // heads, name="mha")
        self.norm2 = layers.LayerNormalization(epsilon=1e-6, name="norm2")
        self.mlp_in = layers.Dense(mlp, activation="gelu", name="mlp_in")
        self.mlp_out = layers.Dense(width, name="mlp_out")

    def call(self, x):
        h = self.norm1(x)
        x = x + self.mha(h, h)
        return x + self.mlp_out(self.mlp_in(self.norm2(x)))


def transformer():
    t, width = 12, 32
    x = keras.Input((t,), dtype="int32", name="ids")
    h = TokenAndPosition(VOCAB, t, width, name="embed")(x)
    h = EncoderBlock(width, 4, 64, name="block_0")(h)
    h = EncoderBlock(width, 4, 64, name="block_1")(h)
    h = layers.GlobalAveragePooling1D(name="pool")(h)
    y = layers.Dense(2, name="classifier")(h)
    return keras.Model(x, y, name="transformer"), ids_sig(t)


def vit_small():
    width, patch = 32, 8
    x = keras.Input(IMG, name="image")
    h = layers.Conv2D(width, patch, strides=patch, name="patch_embed")(x)
    h = layers.Reshape(((IMG[0] // patch) * (IMG[1] // patch), width), name="patches")(h)
    h = PositionTable(name="pos_embed")(h)
    h = ViTBlock(width, 2, 64, name="vit_block_0")(h)
    h = ViTBlock(width, 2, 64, name="vit_block_1")(h)
    h = layers.LayerNormalization(epsilon=1e-6, name="final_norm")(h)
    h = layers.GlobalAveragePooling1D(name="pool")(h)
    y = layers.Dense(10, name="head")(h)
    return keras.Model(x, y, name="vit_small"), image_sig()


def sequential_mlp():
    m = keras.Sequential([keras.Input((20,), name="x"), layers.Dense(32, activation="relu", name="dense_in"),
                          layers.Dense(16, activation="relu", name="dense_mid"), layers.Dense(4, name="dense_out")],
                         name="sequential_mlp")
    return m, [tf.TensorSpec((None, 20), tf.float32, name="x")]


SPECS = [
    ("mlp", "Dense(16->32, relu) + Dense(32->8)", mlp),
    ("lstm", "LSTM(16) on input (T=5, features=8)", recurrent(layers.LSTM, "lstm")),
    ("gru", "GRU(16) on input (T=5, features=8)", recurrent(layers.GRU, "gru")),
    ("simplernn", "SimpleRNN(16) on input (T=5, features=8)", recurrent(layers.SimpleRNN, "simplernn")),
    ("conv2d", "Conv2D(8, 3x3) + DepthwiseConv2D(3x3), NHWC input 8x8x3", conv2d),
    ("embedding", "Embedding(100,16) + GlobalAveragePooling1D + Dense(4)", embedding),
    ("mha", "MultiHeadAttention(num_heads=2, key_dim=8) self-attention on (6,16)", mha),
    # issue 18 (source keras-issue18)
    ("mobilenet_v1", "keras.applications.MobileNet(alpha=0.25, 32x32, 10 classes)", mobilenet_v1),
    ("mobilenet_v2", "keras.applications.MobileNetV2(alpha=0.35, 32x32, no top, avg pool)", mobilenet_v2),
    ("mobilenet_v3", "keras.applications.MobileNetV3Small(alpha=0.35, 32x32, no top, avg pool, no preprocessing)",
     mobilenet_v3),
    ("resnet_small", "keras.applications.resnet.ResNet builder: stem + stack1(8, 1 block) + stack1(16, 1 block), 10 classes",
     resnet_small),
    ("densenet_small", "keras.applications.densenet.DenseNet(blocks=[1,1,1,1], 32x32, 10 classes)", densenet_small),
    ("efficientnet_small", "keras.applications.efficientnet.EfficientNet(width 0.25, depth 0.2, 32x32, 10 classes)",
     efficientnet_small),
    ("text_bilstm", "Embedding(50,16) + Bidirectional(LSTM(24, seq)) + Bidirectional(LSTM(12)) + Dense(4)", text_bilstm),
    ("text_lstm2", "Embedding(50,16) + LSTM(24, seq) + LSTM(24) + Dense(4): two Keras layers, not one stack", text_lstm2),
    ("text_gru", "Embedding(50,16) + GRU(24, reset_after) + GRU(20, reset_after=False) + Bidirectional(GRU(12)) + Dense(4)",
     text_gru),
    ("text_simplernn", "Embedding(50,16) + SimpleRNN(20, seq) + Bidirectional(SimpleRNN(12)) + Dense(4)", text_simplernn),
    ("text_conv1d", "Embedding(50,16) + Conv1D(32,5) + MaxPool + Conv1D(24,3) + GlobalMaxPool + Dense(16) + Dense(3)",
     text_conv1d),
    ("transformer", "token + position Embedding(12) + 2 post-norm blocks (MultiHeadAttention 4x8, LayerNormalization, "
     "Dense FFN 64) + Dense(2)", transformer),
    ("vit_small", "ViT: Conv2D patch 8 (16 patches), width 32, [1,16,32] position table added, 2 pre-norm blocks "
     "(MultiHeadAttention 2x16, GELU MLP 64), LayerNormalization, Dense(10)", vit_small),
    ("sequential_mlp", "keras.Sequential: Dense(20->32, relu) + Dense(16, relu) + Dense(4)", sequential_mlp),
    ("text_loops", "Embedding(50,16) + LSTM(16, relu) + GRU(12, relu, reset_after) (a Loop) + "
     "Bidirectional(GRU(8, reset_after=False)) (two Loops) + Dense(4)", text_loops),
    # At opset 18 tf2onnx writes TF's moments with ReduceMean instead of GlobalAveragePool.
    ("transformer_opset18", "the transformer exported at opset 18", transformer, 18),
]
ISSUE18 = {spec[0] for spec in SPECS[7:]}


def randomize(model, seed):
    """Every weight re-drawn (fixed seed); variances positive, integer counters left as they are."""
    rng = np.random.default_rng(seed)
    values = []
    for var, w in zip(model.weights, model.get_weights()):
        if not np.issubdtype(w.dtype, np.floating):
            values.append(w)
        elif "variance" in var.name:
            values.append(rng.uniform(0.5, 1.5, size=w.shape).astype(w.dtype))
        else:
            values.append(rng.normal(0.0, 0.1, size=w.shape).astype(w.dtype))
    model.set_weights(values)


def count(ws):
    return int(sum(int(np.prod(w.shape)) for w in ws))


def einsum_sizes(layer):
    """(inputs, outputs) of an EinsumDense from its equation: kernel axes that the input term
    has are inputs, the others outputs."""
    lhs = layer.get_config()["equation"].split("->")[0]
    inp, ker = lhs.split(",")
    dims = [int(d) for d in layer.kernel.shape]
    i = int(np.prod([d for c, d in zip(ker, dims) if c in inp]))
    o = int(np.prod([d for c, d in zip(ker, dims) if c not in inp]))
    return i, o


def layer_hyper(layer):
    cfg = layer.get_config()
    h = {}
    for k in HYPER_KEYS:
        if k in cfg and isinstance(cfg[k], (bool, int, str, list, tuple)) and cfg[k] is not None:
            v = cfg[k]
            h[k] = [int(x) for x in v] if isinstance(v, (list, tuple)) else v
    kind = type(layer).__name__
    kernel = getattr(layer, "kernel", None)
    if kernel is None:
        kernel = getattr(layer, "depthwise_kernel", None)
    if kind == "Bidirectional":
        inner = layer.forward_layer
        h.update({k: v for k, v in layer_hyper(inner).items() if k not in h})
        h["wrapped"] = type(inner).__name__
    elif kind in ("LSTM", "GRU", "SimpleRNN"):
        kernel = layer.cell.kernel
    if kernel is not None:
        h["kernelShape"] = [int(d) for d in kernel.shape]
        if kind == "EinsumDense":
            h["inputSize"], h["outputSize"] = einsum_sizes(layer)
            h["bias"] = getattr(layer, "bias", None) is not None
        elif kind == "Dense":
            h["inputSize"], h["outputSize"] = int(kernel.shape[0]), int(kernel.shape[1])
            h["bias"] = layer.bias is not None
        elif kind in ("LSTM", "GRU", "SimpleRNN"):
            h["inputSize"] = int(kernel.shape[0])
        elif kind in ("Conv1D", "Conv2D", "Conv3D", "DepthwiseConv2D", "DepthwiseConv1D"):
            h["bias"] = layer.bias is not None
    if kind in ("LayerNormalization", "BatchNormalization"):
        w = layer.gamma if getattr(layer, "gamma", None) is not None else layer.beta
        h["width"] = int(np.prod(w.shape))
        h["center"], h["scale"] = bool(cfg.get("center", True)), bool(cfg.get("scale", True))
    if kind == "MultiHeadAttention":
        h["width"] = int(layer._query_dense.kernel.shape[0])
        h["bias"] = bool(cfg["use_bias"])
    return h


# Keras layers whose own weights OnnxScope reports as one layer: their sublayers are not listed
# (the wrapped layer of a Bidirectional, the cell of an RNN). MultiHeadAttention's projections are.
OPAQUE = ("Bidirectional", "LSTM", "GRU", "SimpleRNN")


def walk(layer, path, out):
    """Every layer with weights under `layer`, depth first, with its Keras path."""
    kind = type(layer).__name__
    if layer.weights and not isinstance(layer, keras.Model):
        for v in layer.weights:
            if not v.name.startswith(path + "/"):
                raise SystemExit("variable %s is not under the layer path %s" % (v.name, path))
        out.append({"name": path, "type": kind, "parameters": int(layer.count_params()),
                    "trainable": count(layer.trainable_weights), "hyper": layer_hyper(layer)})
    if kind in OPAQUE:
        return
    for sub in layer._flatten_layers(include_self=False, recursive=False):
        walk(sub, path + "/" + sub.name if path else sub.name, out)


def framework_numbers(model, opset=OPSET):
    modules = []
    for layer in model.layers:
        walk(layer, layer.name, modules)
    return {
        "name": "keras",
        "version": importlib.metadata.version("keras"),
        "tensorflowVersion": tf.__version__,
        "tf2onnxVersion": tf2onnx.__version__,
        "opset": opset,
        "totalParameters": int(model.count_params()),
        "trainableParameters": count(model.trainable_weights),
        "buffers": count(model.non_trainable_weights),
        "parameters": {w.name: [int(d) for d in w.shape] for w in model.weights},
        "modules": modules,
    }


def renumber_unknown_dims(path):
    """tf2onnx names dynamic dims unk__<global counter>, and the counter varies from run to run
    (TF graph optimization is not deterministic). Renumber them unk__0, unk__1, ... in order of
    first appearance so that regenerating gives the same inputs/outputs in the manifest.
    Weights and nodes are left exactly as tf2onnx wrote them."""
    m = onnx.load(path)
    mapping = {}
    vis = list(m.graph.input) + list(m.graph.output) + list(m.graph.value_info)
    for v in vis:
        if not v.type.HasField("tensor_type"):
            continue
        for d in v.type.tensor_type.shape.dim:
            if d.HasField("dim_param") and d.dim_param.startswith("unk__"):
                d.dim_param = mapping.setdefault(d.dim_param, "unk__%d" % len(mapping))
    onnx.save(m, path)


def first_line(e):
    lines = [l.strip() for l in str(e).splitlines() if l.strip()]
    return (type(e).__name__ + ": " + lines[0]) if lines else type(e).__name__


def main():
    only = set(sys.argv[1:])
    os.makedirs(OUT, exist_ok=True)
    entries, failures = [], []
    for i, (name, desc, build, *rest) in enumerate(SPECS):
        opset = rest[0] if rest else OPSET
        if only and name not in only:
            continue
        keras.backend.clear_session()
        tf.random.set_seed(i)
        rel = "keras/%s.onnx" % name
        path = os.path.join(FIX, rel)
        try:
            model, sig = build()
            randomize(model, 100 + i)
            fw = framework_numbers(model, opset)
            tf2onnx.convert.from_keras(model, input_signature=sig, opset=opset, output_path=path)
            renumber_unknown_dims(path)
            onnx.checker.check_model(onnx.load(path))
        except Exception as e:
            msg = first_line(e)
            print("FAILED %s: %s" % (name, msg), flush=True)
            failures.append({"model": name, "exporter": "tf2onnx", "error": msg[:300]})
            if os.path.exists(path):
                os.remove(path)
            continue
        print("wrote %s (%d bytes)" % (rel, os.path.getsize(path)), flush=True)
        entries.append({"file": rel, "source": "keras-issue18" if name in ISSUE18 else "keras", "exporter": "tf2onnx",
                        "generator": GEN,
                        "model": name, "description": desc, "framework": fw})
    sidecar.write("keras.json", entries, failures, only)


if __name__ == "__main__":
    main()
