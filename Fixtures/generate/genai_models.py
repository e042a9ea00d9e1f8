"""The onnxruntime-genai model builder on the small hf/ decoder models (issue #14), with its rules as truth.

Run with the genai venv:  /work/venv-genai/bin/python Fixtures/generate/genai_models.py [llama_gqa qwen2 phi3]
(requirements-genai.txt). Each model is built exactly as hf_models.py builds it (same config, seed and
randomization, so the same weights as hf/<model>.*.onnx), saved with save_pretrained and a word-level
tokenizer made here (the builder reads one; no hub), and given to
`python -m onnxruntime_genai.models.builder -i FOLDER -p fp32|int4 -e cpu`. The result is re-saved as
one file (the builder writes model.onnx + model.onnx.data): Fixtures/deploy/<model>.genai_<precision>.onnx.
Sidecar: Fixtures/generate/.work/genai.json (source "deploy-issue14", exporter genai_<precision>).

Truth per file: `framework` is the model's own numbers (module_truth.py, as in hf_models.py; checked
equal to the hf/ entry); `transform` holds the builder's options and what it did, read from the result
and compared with the torch parameters by value:
- `renamedWeights`: stored weight -> the torch parameter(s) it holds (the builder renames `self_attn` to
  `attn`, `model.norm` to `model.layers.N.final_norm_layernorm`, adds `.MatMul` and stores Linear weights
  transposed; the int4 file's `<name>_Q4` and `<name>_scales` hold what the fp32 file's `<name>` holds);
- `packedWeights`: the Linear modules whose weights (or biases) one stored tensor concatenates (q, k
  and v in `attn.qkv_proj`), in column order;
- `splitWeights`: a Linear module whose weight the builder stores as several (Phi-3's gate_up_proj as
  `mlp.gate_proj` and `mlp.up_proj`), with the columns each holds;
- `matMulNBits`: per MatMulNBits node K, N, bits, block_size and the packed weight, as deploy_models.py.
"""

import json
import os
import subprocess
import sys
import tempfile

import numpy as np
import onnx
import torch
from onnx import numpy_helper

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import hf_models  # noqa: E402
import sidecar  # noqa: E402

FIX = os.path.dirname(HERE)
OUT = os.path.join(FIX, "deploy")
GEN = "generate/genai_models.py"
SOURCE = "deploy-issue14"
MODELS = ("llama_gqa", "qwen2", "phi3")
PRECISIONS = ("fp32", "int4")


def save_folder(name, folder):
    """The hf_models.py model, saved with a word-level tokenizer; returns its framework numbers and parameters."""
    from tokenizers import Tokenizer, models, pre_tokenizers
    from transformers import PreTrainedTokenizerFast
    desc, cls, cfg, kw, ctx = hf_models.specs()[name]
    model, fw = hf_models.build(cls, cfg, ctx)
    patched = {}
    if getattr(model.config, "original_max_position_embeddings", None) not in (None, model.config.max_position_embeddings):
        # The builder takes Phi-3 with max != original max positions for a LongRoPE model and asks for its
        # factors; the short-context form is what the model is. No parameter depends on it.
        patched["original_max_position_embeddings"] = model.config.max_position_embeddings
        model.config.original_max_position_embeddings = model.config.max_position_embeddings
    model.save_pretrained(folder)
    vocab = {"<pad>": 0, "<s>": 1, "</s>": 2}
    vocab.update({"t%d" % i: i for i in range(3, hf_models.VOCAB)})
    tok = Tokenizer(models.WordLevel(vocab, unk_token="<pad>"))
    tok.pre_tokenizer = pre_tokenizers.Whitespace()
    PreTrainedTokenizerFast(tokenizer_object=tok, bos_token="<s>", eos_token="</s>", pad_token="<pad>",
                            unk_token="<pad>").save_pretrained(folder)
    params = {n: p.detach().numpy() for n, p in model.named_parameters()}
    return desc, fw, params, patched


def build(folder, out, precision, cache):
    cmd = [sys.executable, "-m", "onnxruntime_genai.models.builder", "-i", folder, "-o", out, "-p", precision,
           "-e", "cpu", "-c", cache]
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return cmd[3:]


def tiles(stored, params):
    """Parameters whose values, side by side along the columns (transposed Linear weights, or 1-D
    biases end to end), make up `stored` exactly: [(parameter, first column, columns)], or None."""
    out, col = [], 0
    width = stored.shape[-1]
    while col < width:
        for name, p in params.items():
            cand = p.T if p.ndim == 2 and stored.ndim == 2 else p
            if cand.ndim != stored.ndim or (stored.ndim == 2 and cand.shape[0] != stored.shape[0]):
                continue
            n = cand.shape[-1]
            if col + n <= width and np.array_equal(stored[..., col:col + n], cand):
                out.append((name, col, n))
                col += n
                break
        else:
            return None
    return out


def weight_map(model, params):
    """Stored weight -> torch parameters, by value: the same tensor, its transpose, or a concatenation."""
    renamed, packed, split = {}, [], {}
    for t in model.graph.initializer:
        a = numpy_helper.to_array(t)
        if a.dtype != np.float32 or a.size < 2:
            continue
        same = [n for n, p in params.items() if p.shape == a.shape and np.array_equal(p, a)]
        if same:
            renamed[t.name] = same[:1]
            continue
        parts = tiles(a, params)
        if not parts:
            piece = slice_of(a, params)
            if piece:
                renamed[t.name] = [piece[0]]
                split.setdefault(piece[0].rsplit(".", 1)[0], []).append((piece[1], t.name, piece[2]))
            continue
        renamed[t.name] = [n for n, _, _ in parts]
        if len(parts) > 1:
            packed.append({"weight": t.name, "modules": [n.rsplit(".", 1)[0] for n, _, _ in parts],
                           "columns": [[c, n] for _, c, n in parts], "axis": 1})
    splits = [{"module": m, "weights": [w for _, w, _ in sorted(parts)], "columns": [[c, n] for c, _, n in sorted(parts)],
               "axis": 1} for m, parts in sorted(split.items()) if len(parts) > 1]
    return renamed, packed, splits


def slice_of(stored, params):
    """(parameter, first column, columns) when `stored` is a block of columns of a transposed Linear
    weight (Phi-3's gate_up_proj stored as gate_proj and up_proj), else None."""
    if stored.ndim != 2:
        return None
    n = stored.shape[1]
    for name, p in params.items():
        if p.ndim != 2 or p.shape[1] != stored.shape[0] or p.shape[0] <= n or p.shape[0] % n:
            continue
        for c in range(0, p.shape[0], n):
            if np.array_equal(p.T[:, c:c + n], stored):
                return name, c, n
    return None


def nbits_nodes(model, fp32_names):
    out = []
    for n in model.graph.node:
        if n.op_type != "MatMulNBits":
            continue
        a = {x.name: onnx.helper.get_attribute_value(x) for x in n.attribute}
        b = n.input[1]
        base = b[:-len("_Q4")] if b.endswith("_Q4") else None
        out.append({"node": n.name, "K": a["K"], "N": a["N"], "bits": a["bits"], "blockSize": a["block_size"],
                    "packedWeight": b, "source": base, "sourceDims": [a["K"], a["N"]] if base in fp32_names else None})
    return out


def one_file(src_dir, dst):
    """The builder's model.onnx + model.onnx.data as one file (the fixtures are small)."""
    m = onnx.load(os.path.join(src_dir, "model.onnx"))
    onnx.save(m, dst)
    return onnx.load(dst)


def hf_entry(name):
    for e in json.load(open(os.path.join(FIX, "manifest.json")))["fixtures"]:
        if e["file"] == "hf/%s.torchscript.onnx" % name:
            return e
    return None


def main():
    import onnxruntime_genai
    only = set(sys.argv[1:])
    os.makedirs(OUT, exist_ok=True)
    entries = []
    for name in MODELS:
        if only and name not in only:
            continue
        with tempfile.TemporaryDirectory() as tmp:
            folder = os.path.join(tmp, "hf")
            desc, fw, params, patched = save_folder(name, folder)
            hf = hf_entry(name)
            if hf is not None and hf["framework"]["modules"] != json.loads(json.dumps(fw["modules"])):
                raise SystemExit("%s: the model built here is not hf/%s's (module truth differs)" % (name, name))
            renamed32 = None
            for precision in PRECISIONS:
                out = os.path.join(tmp, precision)
                args = build(folder, out, precision, os.path.join(tmp, "cache"))
                rel = "deploy/%s.genai_%s.onnx" % (name, precision)
                model = one_file(out, os.path.join(FIX, rel))
                renamed, packed, splits = weight_map(model, params)
                stored_names = {t.name for t in model.graph.initializer}
                if precision == "fp32":
                    renamed32, packed32, splits32 = renamed, packed, splits
                else:
                    # The builder's rule: <name>_Q4 / _scales / _zero_points hold what the fp32 file's <name> holds.
                    for t in model.graph.initializer:
                        for suffix in ("_Q4", "_scales", "_zero_points"):
                            if t.name.endswith(suffix) and t.name[:-len(suffix)] in renamed32:
                                renamed[t.name] = renamed32[t.name[:-len(suffix)]]
                    def q4(w):
                        return w + "_Q4" if w + "_Q4" in stored_names else w
                    packed = [dict(p, weight=q4(p["weight"])) for p in packed32]
                    splits = [dict(p, weights=[q4(w) for w in p["weights"]]) for p in splits32]
                transform = {
                    "tool": "onnxruntime_genai.models.builder", "toolVersion": onnxruntime_genai.__version__,
                    "options": args, "precision": precision, "executionProvider": "cpu",
                    "sourceFile": "hf/%s.torchscript.onnx" % name,
                    "bits": 4 if precision == "int4" else 32,
                    "renamedWeights": renamed, "packedWeights": packed, "splitWeights": splits, "quantizedWeights": [],
                    "matMulNBits": nbits_nodes(model, set(renamed32)), "convertedToFloat16": [],
                    "fusedOperators": None, "configPatched": patched,
                }
                ops = {}
                for n in model.graph.node:
                    if n.domain == "com.microsoft" or n.op_type == "SimplifiedLayerNormalization":
                        ops[n.op_type] = ops.get(n.op_type, 0) + 1
                transform["builtOperators"] = dict(sorted(ops.items()))
                print("wrote %s (%d bytes)" % (rel, os.path.getsize(os.path.join(FIX, rel))), flush=True)
                entries.append({"file": rel, "source": SOURCE, "exporter": "genai_" + precision, "generator": GEN,
                                "model": "%s.genai_%s" % (name, precision),
                                "description": "onnxruntime-genai model builder (%s, cpu) of the hf %s model: %s"
                                               % (precision, name, desc),
                                "framework": fw, "transform": transform})
    sidecar.write("genai.json", entries, [], {e["model"] for e in entries} if only else ())


if __name__ == "__main__":
    main()
