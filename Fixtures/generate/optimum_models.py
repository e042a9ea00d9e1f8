"""optimum's ONNX exporter on the small hf/ models (issue #14), with its own naming and merging as truth.

Run with the optimum venv:  /work/venv-optimum/bin/python Fixtures/generate/optimum_models.py [bert_sdpa gpt2 llama_gqa t5]
(requirements-optimum.txt). Each model is built exactly as hf_models.py builds it (same config, seed and
randomization, so the same weights as hf/<model>.torchscript.onnx; checked against that entry's module
truth), saved with save_pretrained to a temp folder and exported with optimum's `main_export` (what
`optimum-cli export onnx` runs): BERT as feature-extraction, GPT-2 and LLaMA as text-generation-with-past
(one model.onnx taking past_key_values.N.key/value and returning present.N.key/value), T5 as
feature-extraction-with-past (encoder_model, decoder_model, decoder_with_past_model and
decoder_model_merged, whose one `If` on `use_cache_branch` chooses between the two decoders, both
branches reading the main graph's initializers). accelerate is installed, so optimum deduplicates tied
weights as it does for its users. Written to Fixtures/optimum/<model>.<file>.onnx; sidecar
Fixtures/generate/.work/optimum.json (source "optimum-issue14", exporter optimum_<task>).

Truth per file: `framework` is the model's own numbers (module_truth.py, as in hf_models.py); `transform`:
- `tool`, `toolVersion` (optimum-onnx), `task`, `sourceFile` (the hf/ TorchScript export of the same weights);
- `modulesInFile`: the framework modules all of whose parameters the file stores (by value, or
  transposed): an encoder file holds the encoder's modules, a decoder file the decoder's; a tensor
  tied between modules counts for as many of them as one graph of the file reads it; the scorer asks only for those, in the file
  and in its source;
- `parametersInFile`: numel of the unique torch parameters (a tied tensor once) whose values the file
  stores: what `totals.trainable` must count, each weight once however many branches read it;
- `renamedWeights`: stored weight -> the torch parameter it holds, by value (optimum keeps the exporter's
  `onnx::MatMul_N` names for transposed Linear weights and the merger adds `_merged_0`);
- `pastKeyValues`: the input and output names optimum's own OnnxConfig.add_past_key_values gives the
  cache for this model ({"inputs": [...], "outputs": [...]}), with the layer and self/cross role each
  holds (seq2seq: `.decoder.` = self-attention cache, `.encoder.` = cross-attention cache);
- `mergedBranches` (merged file only): the If node, its branch graph names, and which main-graph
  initializers each branch reads: `readByBoth`, `onlyThen`, `onlyElse`.
"""

import json
import os
import re
import shutil
import sys
import tempfile
from collections import OrderedDict

import numpy as np
import onnx
from onnx import numpy_helper

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import hf_models  # noqa: E402
import sidecar  # noqa: E402

FIX = os.path.dirname(HERE)
OUT = os.path.join(FIX, "optimum")
GEN = "generate/optimum_models.py"
SOURCE = "optimum-issue14"
# model -> task, {optimum file: fixture suffix}
MODELS = OrderedDict([
    ("bert_sdpa", ("feature-extraction", {"model.onnx": "optimum"})),
    ("gpt2", ("text-generation-with-past", {"model.onnx": "optimum_with_past"})),
    ("llama_gqa", ("text-generation-with-past", {"model.onnx": "optimum_with_past"})),
    ("t5", ("feature-extraction-with-past", {"encoder_model.onnx": "optimum_encoder",
                                             "decoder_model.onnx": "optimum_decoder",
                                             "decoder_with_past_model.onnx": "optimum_decoder_with_past",
                                             "decoder_model_merged.onnx": "optimum_decoder_merged"})),
])


def hf_entry(name):
    for e in json.load(open(os.path.join(FIX, "manifest.json")))["fixtures"]:
        if e["file"] == "hf/%s.torchscript.onnx" % name:
            return e
    return None


def same_weights(name, params):
    """Every float weight of hf/<name>.torchscript.onnx is a parameter of the model built here (by value)."""
    src = onnx.load(os.path.join(FIX, "hf/%s.torchscript.onnx" % name))
    for t, a in stored_arrays(src).items():
        if a.size > 1 and not any(holds(a, p) for p in params.values()):
            raise SystemExit("%s: hf/%s.torchscript.onnx's %s is no parameter of the model built here" % (name, name, t))


def stored_arrays(model):
    """Every float initializer of the main graph (the merged file keeps its weights there)."""
    return {t.name: numpy_helper.to_array(t) for t in model.graph.initializer
            if t.data_type == onnx.TensorProto.FLOAT and len(t.dims) > 0}


def holds(stored, p):
    """Whether a stored array holds parameter `p` as it is, or transposed (a Linear weight on MatMul)."""
    if stored.shape == p.shape and np.array_equal(stored, p):
        return True
    return p.ndim == 2 and stored.shape == p.T.shape and np.array_equal(stored, p.T)


def weight_map(arrays, params):
    """Stored weight -> the first torch parameter (named_parameters order) whose values it holds."""
    out = {}
    for name, a in arrays.items():
        same = [n for n, p in params.items() if holds(a, p)]
        if same:
            out[name] = same[:1]
    return out


def graphs_of(g):
    yield g
    for n in g.node:
        for a in n.attribute:
            if a.type == onnx.AttributeProto.GRAPH:
                yield from graphs_of(a.g)


def reads_of(model, arrays, p):
    """How often one graph (the main graph, or one branch) reads a stored tensor holding `p`: its uses."""
    names = {n for n, a in arrays.items() if holds(a, p)}
    return max(sum(1 for n in g.node for i in n.input if i in names) for g in graphs_of(model.graph))


def modules_in_file(model, onnx_model, modules, arrays):
    """Framework modules all of whose parameters the file stores (by value). A tensor tied between
    modules counts for as many of them (in named_modules order) as one graph reads it: T5's shared,
    encoder.embed_tokens and decoder.embed_tokens are one Gather in an encoder or a decoder file, one
    module; GPT-2's wte and lm_head are a Gather and a Transpose of the same table, two."""
    values = list(arrays.values())
    inside, uses = [], {}
    for m in modules:
        params = list(model.get_submodule(m["name"]).parameters())
        if not params or not all(any(holds(a, p.detach().numpy()) for a in values) for p in params):
            continue
        tied = [p for p in params if any(not m["name"].startswith(c + ".") for c in uses.get(p.data_ptr(), []))]
        if tied and len(tied) == len(params) and all(
                len(uses[p.data_ptr()]) >= reads_of(onnx_model, arrays, p.detach().numpy()) for p in tied):
            continue  # a tied module the file does not use again
        for p in params:
            uses.setdefault(p.data_ptr(), []).append(m["name"])
        inside.append(m["name"])
    return inside


def parameters_in_file(model, arrays):
    """numel of the unique torch parameters (tied ones once) whose values the file stores."""
    values = list(arrays.values())
    return sum(p.numel() for p in model.parameters() if any(holds(a, p.detach().numpy()) for a in values))


def past_names(onnx_config):
    """optimum's own names for the cache: add_past_key_values on empty inputs and outputs, as configured
    for a merged decoder (the configuration that writes every name: a seq2seq decoder without past also
    returns the cross-attention cache, one with past only takes it)."""
    onnx_config.is_merged = True
    names = {}
    for direction in ("inputs", "outputs"):
        d = OrderedDict()
        onnx_config.add_past_key_values(d, direction=direction)
        names[direction] = list(d)
    return names


def cache_role(name):
    """(layer, self|cross, key|value) of an optimum cache name (the naming add_past_key_values writes)."""
    m = re.fullmatch(r"(?:past_key_values|present)\.(\d+)\.(?:(decoder|encoder)\.)?(key|value)", name)
    return {"name": name, "layer": int(m.group(1)), "attention": "cross" if m.group(2) == "encoder" else "self",
            "part": m.group(3)}


def cache_truth(onnx_config, model):
    """The cache names the file uses, among those optimum's config writes, with their roles."""
    names = past_names(onnx_config)
    have = {"inputs": {i.name for i in model.graph.input}, "outputs": {o.name for o in model.graph.output}}
    return {d: [cache_role(n) for n in names[d] if n in have[d]] for d in ("inputs", "outputs")}


def merged_branches(model):
    """The merged decoder's If: which main-graph initializers each branch reads."""
    main = {t.name for t in model.graph.initializer}
    node = next(n for n in model.graph.node if n.op_type == "If")

    def reads(g):
        out = set()
        for n in g.node:
            out.update(i for i in n.input if i in main)
            for a in n.attribute:
                if a.type == onnx.AttributeProto.GRAPH:
                    out |= reads(a.g)
        return out
    branches = {a.name: a.g for a in node.attribute}
    then, other = reads(branches["then_branch"]), reads(branches["else_branch"])
    return {"node": node.name, "condition": node.input[0],
            "thenBranch": branches["then_branch"].name, "elseBranch": branches["else_branch"].name,
            "readByBoth": sorted(then & other), "onlyThen": sorted(then - other), "onlyElse": sorted(other - then),
            "inMainGraphOnly": sorted(main - then - other)}


def onnx_config_of(model, task):
    from optimum.exporters.tasks import TasksManager
    ctor = TasksManager.get_exporter_config_constructor("onnx", model=model, task=task, library_name="transformers")
    return ctor(model.config)


def main():
    import optimum.onnx
    from importlib.metadata import version
    from optimum.exporters.onnx import main_export
    only = set(sys.argv[1:])
    os.makedirs(OUT, exist_ok=True)
    entries = []
    for name, (task, files) in MODELS.items():
        if only and name not in only:
            continue
        desc, cls, cfg, kw, ctx = hf_models.specs()[name]
        model, _ = hf_models.build(cls, cfg, ctx)
        hf = hf_entry(name)
        params = {n: p.detach().numpy() for n, p in model.named_parameters()}
        same_weights(name, params)
        # The hf/ entry's truth (transformers 5, hf_models.py) describes these very weights; this venv's
        # transformers 4 names a few modules differently (BertSdpaSelfAttention; T5's embed_tokens
        # deduplicated from named_modules), not their parameters.
        fw = hf["framework"]
        onnx_config = onnx_config_of(model, task)
        with tempfile.TemporaryDirectory() as tmp:
            folder, out = os.path.join(tmp, "hf"), os.path.join(tmp, "onnx")
            model.save_pretrained(folder)
            main_export(folder, output=out, task=task, do_validation=False)
            for produced, suffix in files.items():
                rel = "optimum/%s.%s.onnx" % (name, suffix)
                shutil.copyfile(os.path.join(out, produced), os.path.join(FIX, rel))
                m = onnx.load(os.path.join(FIX, rel))
                arrays = stored_arrays(m)
                transform = {
                    "tool": "optimum.exporters.onnx.main_export", "toolVersion": version("optimum-onnx"),
                    "optimumVersion": version("optimum"), "task": task, "exportedFile": produced,
                    "sourceFile": "hf/%s.torchscript.onnx" % name, "exportTransformersVersion": version("transformers"),
                    "modulesInFile": modules_in_file(model, m, fw["modules"], arrays),
                    "parametersInFile": parameters_in_file(model, arrays),
                    "renamedWeights": weight_map(arrays, params),
                    "pastKeyValues": cache_truth(onnx_config, m) if getattr(onnx_config, "use_past", False) else
                    {"inputs": [], "outputs": []},
                    "mergedBranches": merged_branches(m) if produced == "decoder_model_merged.onnx" else None,
                    "packedWeights": [], "splitWeights": [], "quantizedWeights": [], "matMulNBits": [],
                    "convertedToFloat16": [],
                }
                print("wrote %s (%d bytes)" % (rel, os.path.getsize(os.path.join(FIX, rel))), flush=True)
                entries.append({"file": rel, "source": SOURCE, "exporter": "optimum_" + task, "generator": GEN,
                                "model": "%s.%s" % (name, suffix),
                                "description": "optimum main_export (%s) of the hf %s model, %s: %s"
                                               % (task, name, produced, desc),
                                "framework": fw, "transform": transform})
    sidecar.write("optimum.json", entries, [], {e["model"] for e in entries} if only else ())


if __name__ == "__main__":
    main()
