#!/usr/bin/env python3
"""Score `onnxscope layers` against the framework truth in Fixtures/manifest.json (stdlib only).

    python3 Fixtures/generate/score_layers.py .build/release/onnxscope \\
        [--sources transformers,torchvision,torch-issue13] [--markdown] [--no-diffs]
    python3 Fixtures/generate/score_layers.py BINARY --sources deploy --with-sources

    python3 Fixtures/generate/score_layers.py .build/release/onnxscope --sources keras   # Keras (issue 18)

Runs `BINARY layers -f json` once on every manifest fixture of the chosen sources and prints,
per fixture and in total: the truth modules of a scored type that were found as a layer of the
right kind (recall by module type), those found with exactly the framework's hyper-parameters,
every hyper-parameter that differs (or is missing) with both values, the share of found layers
named exactly as the module path, `coverage.ratio`, `totals.trainable` against the
framework's parameter count, and `totals.trainable + totals.unattributed` (what `audit --params` checks).

A module is matched to a layer of an accepted kind (KINDS) by, in this order: the same name;
a layer whose weights (with its children's) all start with the module path + "."; a layer
named below the module path (`encoder.layer.0.attention.self` for `encoder.layer.0.attention`);
else the first unmatched layer of that kind with exactly the expected hyper-parameters. Types without an entry in KINDS
(AttentionPart, MLPPart, Sublayer, GroupNorm) are not scored. Keras fixtures (source
`keras-issue18`) are scored against Keras's classes and config instead (KERAS_KINDS, keras_score).

A transform that splits a model over several files (optimum's encoder, decoder and merged decoder) lists
the modules each file holds (`modulesInFile`): only those are asked for, in the file and in its source.

A transform's own rules (its `renamedWeights`, `packedWeights` and `splitWeights`) are applied first:
a Linear module whose weight the tool packed with others (ORT's and the genai builder's fused QKV) is
found as the Dense layer holding the packed weight, with the group's combined output size; one it
split (Phi-3's gate_up_proj as gate and up) as the Dense layers holding the parts; and a layer's
weights are read under the framework parameter names the tool stored them for.

With --with-sources, each transformed fixture (a `transform` with a `sourceFile`) is scored beside
its source file against the same truth, and every weight the transform quantized (its
`quantizedWeights` and `matMulNBits`) must be owned by a layer whose `quantization` object states
the transform's bits and block size.
"""

import argparse
import json
import os
import subprocess
import sys
from collections import OrderedDict

FIX = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_SOURCES = "transformers,torchvision,torch-issue13"


def directions(h):
    return 2 if h.get("bidirectional") else 1


def product(dims):
    n = 1
    for d in dims:
        n *= d
    return n


# Expected onnxscope hyper-parameters of a truth module, from its framework hyper-parameters.
def dense(h):
    return {"inputSize": h["in_features"], "outputSize": h["out_features"], "bias": h["bias"]}


def conv(h):
    return {"inChannels": h["in_channels"], "outChannels": h["out_channels"], "kernel": h["kernel_size"],
            "groups": h["groups"]}


def recurrent(h):
    e = {"inputSize": h["input_size"], "hiddenSize": h["hidden_size"], "directions": directions(h)}
    if h.get("num_layers", 1) > 1:
        e["layers"] = h["num_layers"]
    return e


def cell(h):
    return {"inputSize": h["input_size"], "hiddenSize": h["hidden_size"]}


def mha(h):
    e = {"width": h["embed_dim"], "heads": h["num_heads"]}
    if h["kdim"] != h["embed_dim"]:
        e["kdim"] = h["kdim"]
    if h["vdim"] != h["embed_dim"]:
        e["vdim"] = h["vdim"]
    return e


def with_kv(e, h):
    # kvHeads is reported only where it differs from heads (grouped- and multi-query attention).
    if h["kvHeads"] != h["heads"]:
        e["kvHeads"] = h["kvHeads"]
    return e


def attention(h):
    return with_kv({"width": h["width"], "heads": h["heads"], "headDim": h["headDim"],
                    "selfAttention": not h["crossAttention"], "causal": h["causal"]}, h)


def block(h):
    return with_kv({"width": h["width"], "heads": h["heads"], "ffnSize": h["ffnSize"],
                    "gated": h["gated"], "causal": h["causal"], "preNorm": h["preNorm"], "norms": h["norms"]}, h)


# Keys a layer states only where the graph shows them: when absent they are not counted as wrong
# (a stated value that differs from the framework's always is).
OPTIONAL = {"causal"}


def torch_block(h):  # the older `pytorch`-source vocabulary (pytorch_models.py)
    return {"width": h["d_model"], "heads": h["nhead"], "ffnSize": h["dim_feedforward"]}


def mlp(h):
    return {"width": h["width"], "ffnSize": h["ffnSize"], "gated": h["gated"]}


# truth type -> (accepted onnxscope kinds, expected hyper-parameters)
KINDS = OrderedDict([
    ("Linear", (["Dense"], dense)),
    ("Conv1d", (["Conv"], conv)), ("Conv2d", (["Conv"], conv)), ("Conv3d", (["Conv"], conv)),
    ("ConvTranspose1d", (["ConvTranspose"], conv)), ("ConvTranspose2d", (["ConvTranspose"], conv)),
    ("ConvTranspose3d", (["ConvTranspose"], conv)),
    ("Embedding", (["Embedding"], lambda h: {"vocabSize": h["num_embeddings"], "width": h["embedding_dim"]})),
    ("LayerNorm", (["LayerNorm"], lambda h: {"width": h["width"] if "width" in h else h["normalized_shape"][-1]})),
    ("RMSNorm", (["RMSNorm"], lambda h: {"width": h["width"]})),
    ("BatchNorm1d", (["BatchNorm"], lambda h: {"width": h["num_features"]})),
    ("BatchNorm2d", (["BatchNorm"], lambda h: {"width": h["num_features"]})),
    ("BatchNorm3d", (["BatchNorm"], lambda h: {"width": h["num_features"]})),
    ("RNN", (["RNN"], recurrent)), ("GRU", (["GRU"], recurrent)), ("LSTM", (["LSTM"], recurrent)),
    ("RNNCell", (["RNN"], cell)), ("GRUCell", (["GRU"], cell)), ("LSTMCell", (["LSTM"], cell)),
    ("MultiheadAttention", (["MultiHeadAttention"], mha)),
    ("Attention", (["MultiHeadAttention"], attention)),
    ("MLP", (["FeedForward"], mlp)),
    ("EncoderLayer", (["TransformerEncoderBlock"], block)),
    ("DecoderLayer", (["TransformerDecoderBlock"], block)),
    ("DecoderOnlyLayer", (["TransformerDecoderOnlyBlock", "TransformerDecoderBlock", "TransformerEncoderBlock"],
                          block)),
    ("TransformerEncoderLayer", (["TransformerEncoderBlock"], torch_block)),
    ("TransformerDecoderLayer", (["TransformerDecoderBlock"], torch_block)),
])
TORCH_TRUTH = ("torch", "onnx.helper")


# Keras truth (keras_models.py): Keras class -> (accepted onnxscope kinds, expected hyper-parameters).
# Hyper values come from the layer's config and its own weights (kernelShape, inputSize, ...).
def keras_conv(h):
    k = h["kernelShape"]
    groups = h.get("groups", 1)
    return {"inChannels": k[-2] * groups, "outChannels": h["filters"], "kernel": h["kernel_size"], "groups": groups,
            "bias": h["bias"]}


def keras_depthwise(h):
    k = h["kernelShape"]
    return {"inChannels": k[-2], "outChannels": k[-2] * k[-1], "kernel": h["kernel_size"], "groups": k[-2],
            "bias": h["bias"]}


def keras_recurrent(h, directions=1):
    e = {"inputSize": h["inputSize"], "hiddenSize": h["units"], "directions": directions}
    if "reset_after" in h:  # Keras's reset_after is ONNX's linear_before_reset
        e["linearBeforeReset"] = h["reset_after"]
    return e


KERAS_RECURRENT = {"LSTM": "LSTM", "GRU": "GRU", "SimpleRNN": "RNN"}
KERAS_KINDS = OrderedDict([
    ("Dense", (["Dense"], lambda h: {"inputSize": h["inputSize"], "outputSize": h["outputSize"], "bias": h["bias"]})),
    ("EinsumDense", (["Dense"], lambda h: {"inputSize": h["inputSize"], "outputSize": h["outputSize"], "bias": h["bias"]})),
    ("Conv1D", (["Conv"], keras_conv)), ("Conv2D", (["Conv"], keras_conv)), ("Conv3D", (["Conv"], keras_conv)),
    ("DepthwiseConv2D", (["Conv"], keras_depthwise)),
    ("Embedding", (["Embedding"], lambda h: {"vocabSize": h["input_dim"], "width": h["output_dim"]})),
    ("PositionTable", (["Embedding"], lambda h: {"vocabSize": h["rows"], "width": h["width"]})),
    ("LayerNormalization", (["LayerNorm"], lambda h: {"width": h["width"]})),
    ("BatchNormalization", (["BatchNorm"], lambda h: {"width": h["width"]})),
    ("LSTM", (["LSTM"], keras_recurrent)), ("GRU", (["GRU"], keras_recurrent)), ("SimpleRNN", (["RNN"], keras_recurrent)),
    ("Bidirectional", (None, lambda h: keras_recurrent(h, 2))),
    ("MultiHeadAttention", (["MultiHeadAttention"],
                            lambda h: {"width": h["width"], "heads": h["num_heads"], "headDim": h["key_dim"], "bias": h["bias"]})),
])


def all_weights(layer):
    """The layer's weights and those of all its descendants (composite layers list none themselves)."""
    out = list(layer.get("weights", []))
    for child in layer.get("children", []):
        out += all_weights(child)
    return out


def flatten(layers):
    for layer in layers:
        layer["allWeights"] = all_weights(layer)
        yield layer
        yield from flatten(layer.get("children", []))


def run_layers(binary, files):
    """One `layers -f json` run over all files: {file: report or {"error": ...}}."""
    proc = subprocess.run([binary, "layers", "-f", "json", "-q"] + files, cwd=FIX, capture_output=True,
                          text=True, timeout=600)
    out = {}
    for line in proc.stdout.splitlines():
        if line.strip():
            obj = json.loads(line)
            out[obj["file"]] = obj
    return out


def keras_module(module, framework):
    """The Keras truth module with what its expected hyper-parameters need (a PositionTable's
    rows and width from its weight's shape)."""
    module = dict(module, hyper=dict(module["hyper"]))
    if module["type"] == "DepthwiseConv2D" and "kernelShape" not in module["hyper"]:
        # fixtures made before keras_models.py read depthwise_kernel: its shape from the weights
        module["hyper"]["kernelShape"] = framework["parameters"][module["name"] + "/depthwise_kernel:0"]
        module["hyper"]["bias"] = module["hyper"]["use_bias"]
    if module["type"] == "PositionTable":
        dims = next(d for n, d in framework["parameters"].items() if n.startswith(module["name"] + "/"))
        module["hyper"]["rows"], module["hyper"]["width"] = dims[-2], dims[-1]
    return module


def kinds_of(module, table):
    kinds, expect = table[module["type"]]
    if module["type"] == "Bidirectional":
        kinds = [KERAS_RECURRENT[module["hyper"]["wrapped"]]]
    return kinds, expect


def packed_layer(module, layers, rules):
    """A Linear module the transform packed with others into one stored weight (a fused QKV), or
    stored split over several (Phi-3's gate_up_proj as gate and up): the Dense layer(s) holding
    those weights, as one layer of the combined size. The packed layer may stand for each module of
    its group. Returns (index or None, layer, expected hyper-parameters) or None."""
    by_module = {m["name"]: m for m in rules["modules"]}
    for group in rules["packed"]:
        if module["name"] not in group["modules"] or group.get("axis") != 1:
            continue
        for i, l in enumerate(layers):
            if l["kind"] == "Dense" and group["weight"] in l.get("weights", []):
                outs = sum(by_module[m]["hyper"]["out_features"] for m in group["modules"] if m in by_module)
                return None, l, dict(dense(module["hyper"]), outputSize=outs)
        return None, None, dense(module["hyper"])
    for split in rules["split"]:
        if split["module"] != module["name"]:
            continue
        parts = [next((l for l in layers if l["kind"] == "Dense" and w in l.get("weights", [])), None)
                 for w in split["weights"]]
        if any(p is None for p in parts):
            return None, None, dense(module["hyper"])
        combined = {"name": module["name"], "kind": "Dense", "hyper": {
            "inputSize": parts[0]["hyper"].get("inputSize") if all(p["hyper"].get("inputSize") == parts[0]["hyper"].get("inputSize") for p in parts) else None,
            "outputSize": sum(p["hyper"].get("outputSize", 0) for p in parts),
            "bias": all(p["hyper"].get("bias") for p in parts)}}
        return None, combined, dense(module["hyper"])
    return None


def match(module, layers, used, rules=None, table=None):
    kinds, expect = kinds_of(module, table or KINDS)
    want = expect(module["hyper"])
    if rules and module["type"] == "Linear":
        found = packed_layer(module, layers, rules)
        if found is not None:
            i, l, want = found
            return i, l, want, "packed" if l is not None else None
    candidates = [(i, l) for i, l in enumerate(layers) if l["kind"] in kinds and i not in used]
    prefix = module["name"] + "."
    for rule in ("name", "weights", "subpath", "hyper"):
        for i, l in candidates:
            if rule == "name" and l["name"] == module["name"]:
                return i, l, want, rule
            if rule == "subpath" and l["name"].startswith(prefix):
                return i, l, want, rule
            if rule == "weights" and l["allWeights"] and all(w.startswith(prefix) for w in l["sourceWeights"]):
                return i, l, want, rule
            if rule == "hyper" and all(l["hyper"].get(k) == v for k, v in want.items()):
                return i, l, want, rule
    return None, None, want, None


def transform_rules(entry):
    """What the transform's record says it did to the modules' weights: weights it renamed (stored
    name -> framework parameters), packed (several modules in one stored weight) or split."""
    t = entry.get("transform") or {}
    return {"renamed": t.get("renamedWeights") or {}, "packed": t.get("packedWeights") or [],
            "split": t.get("splitWeights") or [], "modules": entry["framework"]["modules"]}


def score(entry, report, transformed=True):
    """Rows per scored module; `transformed` False scores the transform's source file (no rules)."""
    if entry["framework"]["name"] == "keras":
        return keras_score(entry, report)
    layers = list(flatten(report.get("layers", [])))
    rules = transform_rules(entry) if transformed else transform_rules({"framework": entry["framework"]})
    for layer in layers:  # the framework's parameter names of a layer's weights, where the tool renamed them
        # (with a map, only the weights that hold framework parameters: not a rotary cache)
        renamed = rules["renamed"]
        layer["sourceWeights"] = [p for w in layer["allWeights"] for p in (renamed.get(w, []) if renamed else [w])]
    used, rows = set(), []
    inside = (entry.get("transform") or {}).get("modulesInFile")
    for module in entry["framework"]["modules"]:
        if module["type"] not in KINDS or (inside is not None and module["name"] not in inside):
            continue
        i, layer, want, rule = match(module, layers, used, rules)
        row = {"module": module, "found": layer is not None, "named": rule == "name", "diffs": []}
        if layer is not None:
            if i is not None:
                used.add(i)
            for k, v in want.items():
                got = layer["hyper"].get(k)
                if got is None and k in OPTIONAL:
                    continue
                if got != v:
                    row["diffs"].append((k, v, got))
        row["exact"] = layer is not None and not row["diffs"]
        rows.append(row)
    return rows


FOLDED = "folded the BatchNormalization "


def folded_batchnorm(layer):
    """The Keras BatchNormalization a Conv layer says tf2onnx folded into it, or None."""
    text = layer.get("explanation") or ""
    if FOLDED not in text:
        return None
    return text.split(FOLDED, 1)[1].split(" ", 1)[0]


def keras_score(entry, report):
    """Keras truth: every layer of a scored class found with Keras's hyper-parameters and bias
    flag; a BatchNormalization tf2onnx folded into the Conv before it counts as found when that
    Conv names it (and the Conv's stored bias is then the BatchNorm's shift: its bias flag is
    expected true). `stored` is compared with Keras's trainable count (count_params() less the
    non-trainable moving statistics, which `nonTrainable` holds)."""
    framework = entry["framework"]
    layers = list(flatten(report.get("layers", [])))
    for layer in layers:
        layer["sourceWeights"] = layer["allWeights"]
    folded = {}
    for layer in layers:
        bn = folded_batchnorm(layer)
        if bn:
            folded[bn] = layer
    used, rows = set(), []
    for module in framework["modules"]:
        if module["type"] not in KERAS_KINDS:
            continue
        module = keras_module(module, framework)
        if module["type"] == "BatchNormalization" and module["name"] in folded:
            conv = folded[module["name"]]
            width_ok = conv["hyper"].get("outChannels") == module["hyper"]["width"]
            rows.append({"module": module, "found": True, "named": True, "folded": True, "diffs": [] if width_ok else
                         [("width", module["hyper"]["width"], conv["hyper"].get("outChannels"))], "exact": width_ok,
                         "storedOk": True, "layer": conv})
            continue
        i, layer, want, rule = match(module, layers, used, table=KERAS_KINDS)
        row = {"module": module, "found": layer is not None, "named": rule == "name", "diffs": [], "folded": False,
               "layer": layer}
        if layer is not None:
            used.add(i)
            if folded_batchnorm(layer) and "bias" in want and not want["bias"]:
                want = dict(want, bias=True)  # the folded BatchNorm's shift is the stored bias
            for k, v in want.items():
                got = layer["hyper"].get(k)
                if got is None and k in OPTIONAL:
                    continue
                if got != v:
                    row["diffs"].append((k, v, got))
            row["storedOk"] = stored_ok(module, layer)
        row["exact"] = layer is not None and not row["diffs"]
        rows.append(row)
    return rows


def stored_ok(module, layer):
    """True when the layer's stored count is Keras's trainable count, or differs from it only by
    what the layer's explanation says with the right number: an ONNX LSTM's all-zero R-bias
    (4h per direction), a folded BatchNorm's shift (outChannels, when the Keras Conv has no bias)."""
    want, got, text = module["trainable"], layer["stored"], layer.get("explanation") or ""
    if got == want:
        return True
    h = module["hyper"]
    if "R-bias is all zero" in text and "units" in h:
        dirs = 2 if module["type"] == "Bidirectional" else 1
        return got == want + dirs * 4 * h["units"]
    if folded_batchnorm(layer) and not h.get("bias", True):
        return got == want + layer["hyper"].get("outChannels", 0)
    return False


def chosen(source, sources):
    """`deploy` chooses `deploy-issue14`: a source is chosen by its name or its name's first part."""
    return source in sources or source.split("-")[0] in sources


def quantized_names(transform):
    """Stored names of the weights a transform quantized, with (bits, blockSize) its rules give them."""
    out = {}
    for q in transform.get("quantizedWeights", []):
        out[q["quantized"]] = (transform.get("bits"), None)
    for q in transform.get("matMulNBits", []):
        out[q["packedWeight"]] = (q["bits"], q["blockSize"])
    return out


def quantization_rows(entry, report):
    """Per quantized weight of the transform: (weight, layer, ok, why): the layer owning it must state
    the transform's bits and block size, and count the source's elements as `stored`."""
    want = quantized_names(entry.get("transform", {}))
    source_dims = {q["quantized"]: q["sourceDims"] for q in entry["transform"].get("quantizedWeights", [])}
    source_dims.update({q["packedWeight"]: q["sourceDims"] for q in entry["transform"].get("matMulNBits", [])})
    owners = {}
    for layer in flatten(report.get("layers", [])):
        for w in layer.get("weights", []):
            owners.setdefault(w, layer)
    rows = []
    for name, (bits, block) in sorted(want.items()):
        layer = owners.get(name)
        if layer is None:
            rows.append((name, None, False, "no layer owns it"))
            continue
        q = layer.get("quantization")
        if not q:
            rows.append((name, layer["name"], False, "no quantization object"))
            continue
        why = []
        if q.get("bits") != bits:
            why.append("bits %s, transform %s" % (q.get("bits"), bits))
        if q.get("blockSize") != block:
            why.append("blockSize %s, transform %s" % (q.get("blockSize"), block))
        if not q.get("scheme"):
            why.append("no scheme")
        rows.append((name, layer["name"], not why, "; ".join(why)))
    return rows


def paired(binary, entries, reports, markdown):
    """Each transformed fixture beside its source file, scored against the same framework truth."""
    deploy = [e for e in entries if e.get("transform", {}).get("sourceFile")]
    sources = run_layers(binary, sorted({e["transform"]["sourceFile"] for e in deploy}))
    rows, problems = [], []
    for e in deploy:
        src_file = e["transform"]["sourceFile"]
        rep, src = reports.get(e["file"], {"error": "no output"}), sources.get(src_file, {"error": "no output"})
        if "error" in rep or "error" in src:
            rows.append([e["file"], "error", "", "", "", "", ""])
            continue
        r, s = score(e, rep), score(e, src, transformed=False)
        found, src_found = sum(x["found"] for x in r), sum(x["found"] for x in s)
        exact, src_exact = sum(x["exact"] for x in r), sum(x["exact"] for x in s)
        q = quantization_rows(e, rep)
        problems += ["%s: %s (%s): %s" % (e["file"], n, l, why) for n, l, ok, why in q if not ok]
        rows.append([e["file"], "%d/%d" % (found, len(r)), "%d/%d" % (src_found, len(s)),
                     "%d/%d" % (exact, len(r)), "%d/%d" % (src_exact, len(s)),
                     "%.4f" % rep["coverage"]["ratio"], "%.4f" % src["coverage"]["ratio"],
                     "%d / %d" % (rep["totals"]["trainable"], src["totals"]["trainable"]),
                     "%d/%d" % (sum(ok for _, _, ok, _ in q), len(q)) if q else "-"])
    print(table(["fixture", "found", "source found", "exact", "source exact", "coverage", "source coverage",
                 "trainable / source's", "quantized ok"], rows, markdown))
    if problems:
        print()
        print("quantized weights not reported as the transform made them (%d):" % len(problems))
        for p in problems:
            print("  " + p)


def pct(a, b):
    return "%.0f%%" % (100.0 * a / b) if b else "-"


def table(header, rows, markdown):
    if markdown:
        lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
        lines += ["| " + " | ".join(str(c) for c in r) + " |" for r in rows]
        return "\n".join(lines)
    widths = [max(len(str(x)) for x in col) for col in zip(header, *rows)]
    fmt = "  ".join("%%-%ds" % w for w in widths)
    return "\n".join(fmt % tuple(str(c) for c in r) for r in [header] + rows)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("binary")
    ap.add_argument("--sources", default=DEFAULT_SOURCES)
    ap.add_argument("--markdown", action="store_true")
    ap.add_argument("--with-sources", action="store_true",
                    help="transformed fixtures (deploy): score each beside its source file, and check quantized layers")
    ap.add_argument("--no-diffs", action="store_true", help="do not list every differing hyper-parameter")
    args = ap.parse_args()
    binary = os.path.abspath(args.binary)
    sources = set(args.sources.split(","))
    manifest = json.load(open(os.path.join(FIX, "manifest.json")))
    entries = [e for e in manifest["fixtures"] if chosen(e["source"], sources) and e.get("framework")
               and (e["framework"]["name"] in TORCH_TRUTH or e["source"] == "keras-issue18")]
    if any(e["framework"]["name"] == "keras" for e in entries):
        return keras_main(binary, entries, args)
    if not entries:
        raise SystemExit("no fixtures of sources %s in the manifest" % sorted(sources))
    reports = run_layers(binary, [e["file"] for e in entries])
    if args.with_sources:
        return paired(binary, entries, reports, args.markdown)

    per_file, by_type, diffs = [], OrderedDict((t, [0, 0, 0, 0]) for t in KINDS), []
    all_rows = []
    for e in entries:
        rep = reports.get(e["file"], {"error": "no output"})
        if "error" in rep:
            per_file.append([e["file"], "error: " + rep["error"], "", "", "", "", "", "", ""])
            continue
        rows = score(e, rep)
        all_rows += rows
        for r in rows:
            t = by_type[r["module"]["type"]]
            t[0] += 1
            t[1] += r["found"]
            t[2] += r["exact"]
            t[3] += r["named"]
            for k, want, got in r["diffs"]:
                diffs.append("%s: %s (%s): %s is %s, framework %s" % (
                    e["file"], r["module"]["name"], r["module"]["type"], k,
                    "missing" if got is None else json.dumps(got), json.dumps(want)))
        found = sum(r["found"] for r in rows)
        trainable = rep["totals"]["trainable"]
        params = trainable + rep["totals"].get("unattributed", 0)
        fw_total = e["framework"]["totalParameters"]
        per_file.append([e["file"], len(rows), "%d (%s)" % (found, pct(found, len(rows))),
                         "%d (%s)" % (sum(r["exact"] for r in rows), pct(sum(r["exact"] for r in rows), len(rows))),
                         pct(sum(r["named"] for r in rows), found), "%.3f" % rep["coverage"]["ratio"],
                         "%d / %d" % (trainable, fw_total), "%.3f" % (trainable / fw_total if fw_total else 0),
                         "%d" % params])
    print(table(["fixture", "modules", "found", "exact", "named as path", "coverage", "trainable / framework",
                 "ratio", "trainable+unattributed"], per_file, args.markdown))
    print()
    type_rows = [[t, v[0], "%d (%s)" % (v[1], pct(v[1], v[0])), "%d (%s)" % (v[2], pct(v[2], v[0])),
                  pct(v[3], v[1])] for t, v in by_type.items() if v[0]]
    n, f = len(all_rows), sum(r["found"] for r in all_rows)
    x, nm = sum(r["exact"] for r in all_rows), sum(r["named"] for r in all_rows)
    type_rows.append(["total", n, "%d (%s)" % (f, pct(f, n)), "%d (%s)" % (x, pct(x, n)), pct(nm, f)])
    print(table(["module type", "modules", "found (kind)", "exact (hyper)", "named as path"], type_rows,
                args.markdown))
    if not args.no_diffs:
        print()
        print("hyper-parameters that differ from the framework's (%d):" % len(diffs))
        for d in diffs:
            print("  " + d)


def keras_main(binary, entries, args):
    """The Keras table: per fixture and per Keras class, found with Keras's hyper-parameters
    and bias flag, stored = Keras's trainable count (or the difference explained), coverage,
    names equal to the Keras layer path."""
    reports = run_layers(binary, [e["file"] for e in entries])
    per_file, by_type, diffs, stored_bad, all_rows = [], OrderedDict((t, [0, 0, 0, 0, 0]) for t in KERAS_KINDS), [], [], []
    for e in entries:
        rep = reports.get(e["file"], {"error": "no output"})
        if "error" in rep:
            per_file.append([e["file"], "error: " + rep["error"], "", "", "", "", "", ""])
            continue
        rows = keras_score(e, rep)
        all_rows += rows
        for r in rows:
            t = by_type[r["module"]["type"]]
            t[0] += 1
            t[1] += r["found"]
            t[2] += r["exact"]
            t[3] += r["named"]
            t[4] += r.get("storedOk", False)
            for k, want, got in r["diffs"]:
                diffs.append("%s: %s (%s): %s is %s, Keras %s" % (e["file"], r["module"]["name"], r["module"]["type"], k,
                                                                  "missing" if got is None else json.dumps(got), json.dumps(want)))
            if r["found"] and not r.get("storedOk"):
                stored_bad.append("%s: %s (%s): stored %s, Keras trainable %s: %s" % (
                    e["file"], r["module"]["name"], r["module"]["type"], r["layer"]["stored"], r["module"]["trainable"],
                    r["layer"].get("explanation")))
            if not r["found"]:
                diffs.append("%s: %s (%s): not found" % (e["file"], r["module"]["name"], r["module"]["type"]))
        n, f = len(rows), sum(r["found"] for r in rows)
        x, nm = sum(r["exact"] for r in rows), sum(r["named"] for r in rows)
        so = sum(r.get("storedOk", False) for r in rows)
        trainable = rep["totals"]["trainable"]
        per_file.append([e["file"], n, "%d (%s)" % (f, pct(f, n)), "%d (%s)" % (x, pct(x, n)), "%d (%s)" % (so, pct(so, f)),
                         pct(nm, f), "%.4f" % rep["coverage"]["ratio"],
                         "%d / %d" % (trainable, e["framework"]["trainableParameters"])])
    print(table(["fixture", "layers", "found", "exact (hyper + bias)", "stored ok", "named as Keras path", "coverage",
                 "trainable / Keras trainable"], per_file, args.markdown))
    print()
    type_rows = [[t, v[0], "%d (%s)" % (v[1], pct(v[1], v[0])), "%d (%s)" % (v[2], pct(v[2], v[0])),
                  "%d (%s)" % (v[4], pct(v[4], v[1])), pct(v[3], v[1])] for t, v in by_type.items() if v[0]]
    n, f = len(all_rows), sum(r["found"] for r in all_rows)
    x, nm = sum(r["exact"] for r in all_rows), sum(r["named"] for r in all_rows)
    so = sum(r.get("storedOk", False) for r in all_rows)
    folded = sum(r["folded"] for r in all_rows)
    type_rows.append(["total", n, "%d (%s)" % (f, pct(f, n)), "%d (%s)" % (x, pct(x, n)), "%d (%s)" % (so, pct(so, f)),
                      pct(nm, f)])
    print(table(["Keras class", "layers", "found (kind)", "exact (hyper + bias)", "stored ok", "named as Keras path"],
                type_rows, args.markdown))
    print()
    print("BatchNormalization layers tf2onnx folded into the Conv before them (counted found, named by that Conv): %d" % folded)
    if not args.no_diffs:
        print()
        print("hyper-parameters that differ from Keras's, or layers not found (%d):" % len(diffs))
        for d in diffs:
            print("  " + d)
        print()
        print("stored counts neither Keras's nor explained (%d):" % len(stored_bad))
        for d in stored_bad:
            print("  " + d)


if __name__ == "__main__":
    sys.exit(main())
