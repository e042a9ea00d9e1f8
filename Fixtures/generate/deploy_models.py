"""Deployment transforms of the small float fixtures (issue #14), with their rules as truth.

Run with the onnxruntime venv:  /work/venv-ort/bin/python Fixtures/generate/deploy_models.py
(requirements-ort.txt). Reads float fixtures made by hf_models.py and torch_layer_models.py and
their manifest entries, writes Fixtures/deploy/<model>.<transform>.onnx and the sidecar
Fixtures/generate/.work/deploy.json (source "deploy-issue14", exporter = the transform).

Truth per file: `framework` is the source fixture's framework entry, unchanged (the model's own
numbers); `transform` holds the tool, its version and options (bits, block size, formats) and
what it did, read from the written file with onnx: `quantizedWeights` (source initializer ->
the quantized tensor, its type and dims, with scale and zero-point tensors), `matMulNBits` (per
node: K, N, bits, block_size, the source weight), `convertedToFloat16` (float initializers now
FLOAT16) and, for the optimizer, `fusedOperators` (the optimizer's own statistics) and `packedWeights`
(result weights that concatenate source weights, by value: the packed QKV weight and bias of a fused
com.microsoft Attention, with the framework modules of its parts in column order).
"""

import json
import os
import sys
import tempfile

import numpy as np
import onnx
import onnxruntime
from onnx import TensorProto

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import sidecar  # noqa: E402

FIX = os.path.dirname(HERE)
OUT = os.path.join(FIX, "deploy")
GEN = "generate/deploy_models.py"
SOURCE = "deploy-issue14"
QUANTIZED_TYPES = {TensorProto.INT8, TensorProto.UINT8, TensorProto.INT4, TensorProto.UINT4}


def manifest_entry(rel):
    for e in json.load(open(os.path.join(FIX, "manifest.json")))["fixtures"]:
        if e["file"] == rel:
            return e
    raise SystemExit("%s is not in the manifest: run the float generators and build_manifest.py first" % rel)


def initializers(model):
    out = {t.name: t for t in model.graph.initializer}
    for n in model.graph.node:  # Constant-node weights too
        if n.op_type == "Constant":
            for a in n.attribute:
                if a.name == "value":
                    out[n.output[0]] = a.t
    return out


def quantized_weights(source, result):
    """Source float initializers whose quantized form the result stores (ORT's `<name>_quantized`)."""
    src, got = initializers(source), initializers(result)
    out = []
    for name, t in sorted(got.items()):
        if t.data_type not in QUANTIZED_TYPES:
            continue
        base = name[:-len("_quantized")] if name.endswith("_quantized") else None
        # A Gemm weight with transB=1 is transposed for MatMulInteger first: `<name>_Transposed_quantized`.
        origin = base[:-len("_Transposed")] if base and base.endswith("_Transposed") else base
        if origin is None or origin not in src:
            continue
        item = {"source": origin, "sourceDims": list(src[origin].dims), "quantized": name,
                "type": TensorProto.DataType.Name(t.data_type), "dims": list(t.dims)}
        for suffix in ("_scale", "_zero_point"):
            if base + suffix in got:
                item[suffix.strip("_").replace("_p", "P")] = base + suffix
        out.append(item)
    return out


def nbits_nodes(source, result):
    src = initializers(source)
    out = []
    for n in result.graph.node:
        if n.op_type != "MatMulNBits":
            continue
        a = {x.name: onnx.helper.get_attribute_value(x) for x in n.attribute}
        b = n.input[1]
        base = next((s for s in src if b.startswith(s + "_Q")), None)
        out.append({"node": n.name, "K": a["K"], "N": a["N"], "bits": a["bits"], "blockSize": a["block_size"],
                    "packedWeight": b, "source": base, "sourceDims": list(src[base].dims) if base else None})
    return out


def module_of(model, init, params):
    """The framework module whose parameter the source initializer `init` is: its own name
    (`encoder.layer.0.attention.self.query.bias`), or the scope of the MatMul/Gemm reading it
    (`/encoder/layer.0/attention/self/query/MatMul`, the TorchScript exporter's `onnx::MatMul_317`)."""
    for suffix in (".weight", ".bias"):
        if init in params and init.endswith(suffix):
            return init[:-len(suffix)]
    for n in model.graph.node:
        if init in n.input and n.op_type in ("MatMul", "Gemm") and n.name.startswith("/"):
            parts = []
            for p in n.name.split("/")[1:-1]:
                if parts and p.startswith(parts[-1] + "."):
                    parts[-1] = p
                else:
                    parts.append(p)
            module = ".".join(parts)
            if module + ".weight" in params:
                return module
    return None


def packed_weights(source, result, params):
    """Result weights the tool made by concatenating source weights along their last axis (ORT's
    `Attention_0_qkv_weight` = [query | key | value]), found by value: each with the framework
    modules of its parts, in column order."""
    src = {n: onnx.numpy_helper.to_array(t) for n, t in initializers(source).items()
           if t.data_type == TensorProto.FLOAT and len(t.dims) in (1, 2)}
    out = []
    for name, t in sorted(initializers(result).items()):
        if name in src or t.data_type != TensorProto.FLOAT or len(t.dims) not in (1, 2):
            continue
        a = onnx.numpy_helper.to_array(t)
        parts, col = [], 0
        while col < a.shape[-1]:
            hit = next((n for n, v in src.items() if v.ndim == a.ndim and v.shape[:-1] == a.shape[:-1]
                        and col + v.shape[-1] <= a.shape[-1] and np.array_equal(a[..., col:col + v.shape[-1]], v)), None)
            if hit is None:
                break
            parts.append((hit, col, src[hit].shape[-1]))
            col += src[hit].shape[-1]
        if col != a.shape[-1] or len(parts) < 2:
            continue
        out.append({"weight": name, "sources": [p for p, _, _ in parts],
                    "modules": [module_of(source, p, params) for p, _, _ in parts],
                    "columns": [[c, n] for _, c, n in parts], "axis": len(t.dims) - 1})
    return out


class RandomCalibration:
    """onnxruntime CalibrationDataReader: a few random images, fixed seed."""

    def __init__(self, name, shape, count=4):
        rng = np.random.default_rng(0)
        self.batches = iter([{name: rng.standard_normal(shape).astype(np.float32)} for _ in range(count)])

    def get_next(self):
        return next(self.batches, None)


def dynamic(src, dst, weight_type):
    from onnxruntime.quantization import QuantType, quantize_dynamic
    quantize_dynamic(src, dst, weight_type=getattr(QuantType, weight_type))
    return {"tool": "onnxruntime.quantization.quantize_dynamic", "weightType": weight_type, "bits": 8,
            "perChannel": False}


def static(src, dst, fmt, per_channel=False):
    from onnxruntime.quantization import QuantFormat, QuantType, quantize_static
    quantize_static(src, dst, RandomCalibration("image", (1, 3, 32, 32)), quant_format=getattr(QuantFormat, fmt),
                    activation_type=QuantType.QUInt8, weight_type=QuantType.QInt8, per_channel=per_channel)
    return {"tool": "onnxruntime.quantization.quantize_static", "format": fmt, "activationType": "QUInt8",
            "weightType": "QInt8", "bits": 8, "perChannel": per_channel, "calibration": "4 random N(0,1) images, seed 0"}


def nbits(symmetric):
    def run(src, dst):
        from onnxruntime.quantization.matmul_nbits_quantizer import MatMulNBitsQuantizer
        q = MatMulNBitsQuantizer(onnx.load(src), bits=4, block_size=32, is_symmetric=symmetric)
        q.process()
        q.model.save_model_to_file(dst, use_external_data_format=False)
        return {"tool": "onnxruntime.quantization.matmul_nbits_quantizer.MatMulNBitsQuantizer", "bits": 4,
                "blockSize": 32, "symmetric": symmetric}
    return run


def fp16(block=None):
    def run(src, dst):
        from onnxconverter_common import __version__ as occ_version
        from onnxconverter_common import float16
        onnx.save(float16.convert_float_to_float16(onnx.load(src), keep_io_types=True, op_block_list=block), dst)
        record = {"tool": "onnxconverter_common.float16.convert_float_to_float16", "toolVersion": occ_version,
                  "keepIoTypes": True, "bits": 16}
        if block:
            record["opBlockList"] = block
        return record
    return run


def optimize(model_type, heads, width):
    def run(src, dst):
        from onnxruntime.transformers import optimizer
        opt = optimizer.optimize_model(src, model_type=model_type, num_heads=heads, hidden_size=width, opt_level=0)
        opt.save_model_to_file(dst, use_external_data_format=False)
        stats = {k: v for k, v in sorted(opt.get_fused_operator_statistics().items()) if v}
        return {"tool": "onnxruntime.transformers.optimizer.optimize_model", "modelType": model_type,
                "numHeads": heads, "hiddenSize": width, "optLevel": 0, "fusedOperators": stats}
    return run


def specs():
    """(name, source fixture, transform label, function(src, dst) -> transform record)."""
    return [
        ("bert_eager", "hf/bert_eager.torchscript.onnx", "dynamic_qint8", lambda s, d: dynamic(s, d, "QInt8")),
        ("bert_eager", "hf/bert_eager.torchscript.onnx", "dynamic_quint8", lambda s, d: dynamic(s, d, "QUInt8")),
        ("resnet_small", "pytorch/resnet_small.torchscript.onnx", "static_qdq", lambda s, d: static(s, d, "QDQ")),
        ("resnet_small", "pytorch/resnet_small.torchscript.onnx", "static_qoperator",
         lambda s, d: static(s, d, "QOperator")),
        ("llama_gqa", "hf/llama_gqa.torchscript.onnx", "matmul_4bits_block32", nbits(True)),
        # Asymmetric: 4-bit zero points packed beside the scales.
        ("llama_gqa", "hf/llama_gqa.torchscript.onnx", "matmul_4bits_block32_asym", nbits(False)),
        # quantize_dynamic on a CNN: ConvInteger, its scale Mul, and the bias Add after it.
        ("resnet_small", "pytorch/resnet_small.torchscript.onnx", "dynamic_qint8", lambda s, d: dynamic(s, d, "QInt8")),
        ("resnet_small", "pytorch/resnet_small.torchscript.onnx", "static_qdq_per_channel",
         lambda s, d: static(s, d, "QDQ", per_channel=True)),
        ("gpt2", "hf/gpt2.torchscript.onnx", "float16", fp16()),
        # Norms and softmax kept in float32: Casts around each of them, and fp32 LayerNorm weights.
        ("gpt2", "hf/gpt2.torchscript.onnx", "float16_fp32_norms", fp16(["LayerNormalization", "Softmax"])),
        ("bert_eager", "hf/bert_eager.torchscript.onnx", "ort_optimizer", optimize("bert", 4, 32)),
        ("gpt2", "hf/gpt2.torchscript.onnx", "ort_optimizer", optimize("gpt2", 4, 32)),
    ]


def main():
    only = set(sys.argv[1:])  # <model>.<transform> labels to regenerate; the sidecar keeps the others
    os.makedirs(OUT, exist_ok=True)
    entries = []
    for name, rel_src, label, fn in specs():
        if only and "%s.%s" % (name, label) not in only:
            continue
        src = os.path.join(FIX, rel_src)
        rel = "deploy/%s.%s.onnx" % (name, label)
        dst = os.path.join(FIX, rel)
        with tempfile.TemporaryDirectory() as tmp:  # the quantizers write helper files into the cwd
            cwd = os.getcwd()
            os.chdir(tmp)
            try:
                record = fn(src, dst)
            finally:
                os.chdir(cwd)
        source, result = onnx.load(src), onnx.load(dst)
        onnx.checker.check_model(result)
        record.setdefault("toolVersion", onnxruntime.__version__)
        record["sourceFile"] = rel_src
        record["quantizedWeights"] = quantized_weights(source, result)
        record["matMulNBits"] = nbits_nodes(source, result)
        src_float = {n for n, t in initializers(source).items() if t.data_type == TensorProto.FLOAT}
        record["convertedToFloat16"] = sorted(n for n, t in initializers(result).items()
                                              if n in src_float and t.data_type == TensorProto.FLOAT16)
        entry = manifest_entry(rel_src)
        record["packedWeights"] = packed_weights(source, result, entry["framework"]["parameters"])
        print("wrote %s (%d bytes)" % (rel, os.path.getsize(dst)), flush=True)
        entries.append({"file": rel, "source": SOURCE, "exporter": label, "generator": GEN,
                        "model": "%s.%s" % (name, label), "description": "%s of %s" % (record["tool"], rel_src),
                        "framework": entry["framework"], "transform": record})
    sidecar.write("deploy.json", entries, [], {e["model"] for e in entries} if only else ())


if __name__ == "__main__":
    main()
