"""Tiny Keras models converted to ONNX with tf2onnx, as OnnxScope fixtures.

Run with the TensorFlow venv:  /work/venv-tf/bin/python Fixtures/generate/keras_models.py
Writes Fixtures/keras/<model>.onnx and the sidecar Fixtures/generate/.work/keras.json with
Keras's own parameter numbers for build_manifest.py. Weights are replaced with random arrays
(fixed seed) before conversion so no two tensors are identical.
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

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import sidecar  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
FIX = os.path.dirname(HERE)
OUT = os.path.join(FIX, "keras")
GEN = "generate/keras_models.py"
OPSET = 15

HYPER_KEYS = ("units", "filters", "kernel_size", "depth_multiplier", "input_dim", "output_dim",
              "num_heads", "key_dim", "value_dim", "use_bias", "epsilon")


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


SPECS = [
    ("mlp", "Dense(16->32, relu) + Dense(32->8)", mlp),
    ("lstm", "LSTM(16) on input (T=5, features=8)", recurrent(layers.LSTM, "lstm")),
    ("gru", "GRU(16) on input (T=5, features=8)", recurrent(layers.GRU, "gru")),
    ("simplernn", "SimpleRNN(16) on input (T=5, features=8)", recurrent(layers.SimpleRNN, "simplernn")),
    ("conv2d", "Conv2D(8, 3x3) + DepthwiseConv2D(3x3), NHWC input 8x8x3", conv2d),
    ("embedding", "Embedding(100,16) + GlobalAveragePooling1D + Dense(4)", embedding),
    ("mha", "MultiHeadAttention(num_heads=2, key_dim=8) self-attention on (6,16)", mha),
]


def randomize(model, seed):
    rng = np.random.default_rng(seed)
    model.set_weights([rng.normal(0.0, 0.1, size=w.shape).astype(w.dtype) for w in model.get_weights()])


def framework_numbers(model):
    def count(ws):
        return int(sum(int(np.prod(w.shape)) for w in ws))

    modules = []
    for layer in model.layers:
        if not layer.weights:
            continue
        cfg = layer.get_config()
        h = {}
        for k in HYPER_KEYS:
            if k in cfg:
                v = cfg[k]
                h[k] = list(v) if isinstance(v, tuple) else v
        modules.append({"name": layer.name, "type": type(layer).__name__,
                        "parameters": int(layer.count_params()), "hyper": h})
    return {
        "name": "keras",
        "version": importlib.metadata.version("keras"),
        "tensorflowVersion": tf.__version__,
        "tf2onnxVersion": tf2onnx.__version__,
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
    for i, (name, desc, build) in enumerate(SPECS):
        if only and name not in only:
            continue
        keras.backend.clear_session()
        tf.random.set_seed(i)
        rel = "keras/%s.onnx" % name
        path = os.path.join(FIX, rel)
        try:
            model, sig = build()
            randomize(model, 100 + i)
            fw = framework_numbers(model)
            tf2onnx.convert.from_keras(model, input_signature=sig, opset=OPSET, output_path=path)
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
        entries.append({"file": rel, "source": "keras", "exporter": "tf2onnx", "generator": GEN,
                        "model": name, "description": desc, "framework": fw})
    sidecar.write("keras.json", entries, failures, only)


if __name__ == "__main__":
    main()
