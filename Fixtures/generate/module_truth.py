"""The framework's own account of a torch model: the ground truth the layer tests read.

Used by hf_models.py and torch_layer_models.py (torch venv). For every module of
`model.named_modules()` of a kind OnnxScope may recognize it records the module path, the
torch class, a normalized `type`, the module's own parameter count (numel of its unique
tensors) and its hyper-parameters, read from the module's own weights and attributes (never
typed in by hand). Hyper values are only ints, bools, int lists and strings, so that Swift
decodes them as `HyperValue`.

Types and their hyper keys (README "Layer truth" has the table):
- the torch vocabulary of pytorch_models.py, with the same keys: Linear (HF's GPT-2 `Conv1D`
  too), Conv1d/2d/3d, ConvTranspose*, Embedding, LayerNorm (+ `width`, `bias`), BatchNorm*,
  MultiheadAttention (+ `width`, `heads`, `headDim`, `addBiasKV`, `addZeroAttn`), RNN, GRU,
  LSTM, and the cells RNNCell, GRUCell, LSTMCell;
- new: RMSNorm and GroupNorm (`width`), Attention (`width`, `heads`, `kvHeads`, `headDim`,
  `bias`, `outputBias`, `fusedQKV`, `causal`, `crossAttention`), AttentionPart / MLPPart (a
  module holding only some projections of an Attention or a feed-forward, e.g. BertSelfAttention,
  BertIntermediate) and Sublayer (T5's norm + attention or MLP wrapper), all with `projections`,
  MLP (`width`, `ffnSize`, `gated`, `fusedGateUp`, `bias`), EncoderLayer, DecoderLayer,
  DecoderOnlyLayer (`width`, `heads`, `kvHeads`, `headDim`, `ffnSize`, `gated`, `causal`,
  `crossAttention`, `norm`, `norms`, `preNorm`).
"""

import torch
import torch.nn as nn

RNN_CLASSES = {nn.RNN: "RNN", nn.GRU: "GRU", nn.LSTM: "LSTM",
               nn.RNNCell: "RNNCell", nn.GRUCell: "GRUCell", nn.LSTMCell: "LSTMCell"}
CONV_CLASSES = {nn.Conv1d: "Conv1d", nn.Conv2d: "Conv2d", nn.Conv3d: "Conv3d",
                nn.ConvTranspose1d: "ConvTranspose1d", nn.ConvTranspose2d: "ConvTranspose2d",
                nn.ConvTranspose3d: "ConvTranspose3d"}
BN_CLASSES = {nn.BatchNorm1d: "BatchNorm1d", nn.BatchNorm2d: "BatchNorm2d", nn.BatchNorm3d: "BatchNorm3d"}
RMS_CLASSES = {"T5LayerNorm"}  # RMS norms whose class name does not end in RMSNorm

ATTENTION_CLASSES = {
    "LlamaAttention", "Qwen2Attention", "Phi3Attention", "GPT2Attention", "BertAttention",
    "RobertaAttention", "DistilBertSelfAttention", "AlbertAttention", "T5Attention", "BartAttention",
    "ViTAttention", "CLIPAttention", "ShiftedWindowAttention",
    "CausalSelfAttention",  # pytorch_models.TinyGPT
}
# Modules that hold part of an attention or MLP, or wrap one with its norm (T5's sublayers).
PARTS = {"BertSelfAttention": "AttentionPart", "BertSelfOutput": "AttentionPart",
         "RobertaSelfAttention": "AttentionPart", "RobertaSelfOutput": "AttentionPart",
         "BertIntermediate": "MLPPart", "BertOutput": "MLPPart",
         "RobertaIntermediate": "MLPPart", "RobertaOutput": "MLPPart",
         "T5LayerSelfAttention": "Sublayer", "T5LayerCrossAttention": "Sublayer", "T5LayerFF": "Sublayer"}
MLP_CLASSES = {"LlamaMLP", "Qwen2MLP", "Phi3MLP", "GPT2MLP", "FFN", "T5DenseActDense",
               "T5DenseGatedActDense", "ViTMLP", "CLIPMLP", "MLP"}
# layer class -> (type, pre-norm); T5Block is decided by `is_decoder`.
LAYER_CLASSES = {
    "LlamaDecoderLayer": ("DecoderOnlyLayer", True), "Qwen2DecoderLayer": ("DecoderOnlyLayer", True),
    "Phi3DecoderLayer": ("DecoderOnlyLayer", True), "GPT2Block": ("DecoderOnlyLayer", True),
    "BertLayer": ("EncoderLayer", False), "RobertaLayer": ("EncoderLayer", False),
    "TransformerBlock": ("EncoderLayer", False), "AlbertLayer": ("EncoderLayer", False),
    "BartEncoderLayer": ("EncoderLayer", False), "BartDecoderLayer": ("DecoderLayer", False),
    "ViTLayer": ("EncoderLayer", True), "CLIPEncoderLayer": ("EncoderLayer", True),
    "SwinTransformerBlock": ("EncoderLayer", True),
    "TransformerEncoderLayer": ("EncoderLayer", None), "TransformerDecoderLayer": ("DecoderLayer", None),
    "T5Block": (None, True), "Block": ("DecoderOnlyLayer", True),  # Block: pytorch_models.TinyGPT
}
CROSS_NAMES = ("encoder_attn", "EncDecAttention", "multihead_attn", "crossattention")


def own_parameters(m):
    """numel of the module's unique parameter tensors (shared storage counted once)."""
    seen, n = set(), 0
    for p in m.parameters():
        key = p.data_ptr()
        if key not in seen:
            seen.add(key)
            n += p.numel()
    return n


def is_dense(m):
    return isinstance(m, nn.Linear) or type(m).__name__ == "Conv1D"


def dense_io(m):
    """(in, out, bias) of nn.Linear or HF Conv1D (weight stored [in, out])."""
    if isinstance(m, nn.Linear):
        return m.in_features, m.out_features, m.bias is not None
    return m.weight.shape[0], m.weight.shape[1], m.bias is not None


def is_rms(m):
    name = type(m).__name__
    return name.endswith("RMSNorm") or name in RMS_CLASSES


def denses(m):
    return [(n, c) for n, c in m.named_modules() if is_dense(c)]


def first_attr(objs, names):
    for o in objs:
        for n in names:
            v = getattr(o, n, None)
            if isinstance(v, int) and not isinstance(v, bool):
                return v
    return None


# ------------------------------------------------------------------ per-kind hyper-parameters
def attention_hyper(name, m, ctx):
    subs = dict(m.named_modules())
    holders = [m] + [subs[k] for k in ("self", "attention") if k in subs]
    by_leaf = {n.split(".")[-1]: c for n, c in denses(m)}
    fused = next((by_leaf[k] for k in ("qkv_proj", "c_attn", "qkv") if k in by_leaf), None)
    q = next((by_leaf[k] for k in ("q_proj", "query", "q_lin", "q") if k in by_leaf), None)
    k = next((by_leaf[k] for k in ("k_proj", "key", "k_lin", "k") if k in by_leaf), None)
    out = next((by_leaf[k] for k in ("o_proj", "out_proj", "out_lin", "o", "c_proj", "dense", "proj")
                if k in by_leaf), None)
    heads = first_attr(holders, ("num_heads", "n_heads", "num_attention_heads", "heads"))
    if heads is None:  # Llama-style attention keeps only its config
        heads = (getattr(m, "config", None) or ctx["config"]).num_attention_heads
    head_dim = first_attr(holders, ("head_dim", "attention_head_size", "key_value_proj_dim"))
    first = fused if fused is not None else q
    width, first_out, bias = dense_io(first)
    if head_dim is None:
        head_dim = (first_out // 3 if fused is not None else first_out) // heads
    if fused is not None:
        kv_heads = (first_out - heads * head_dim) // (2 * head_dim)
    else:
        kv_heads = dense_io(k)[1] // head_dim
    causal = getattr(m, "is_causal", None)
    if causal is None:
        causal = getattr(holders[-1], "is_causal", False)
    cross = bool(getattr(m, "is_cross_attention", False)) or any(c in name for c in CROSS_NAMES)
    if ctx.get("causal") is not None and not cross:
        causal = ctx["causal"]
    h = {"width": width, "heads": heads, "kvHeads": kv_heads, "headDim": head_dim, "bias": bias,
         "outputBias": dense_io(out)[2] if out is not None else False, "fusedQKV": fused is not None,
         "causal": bool(causal) and not cross, "crossAttention": cross}
    if type(m).__name__ == "T5Attention":
        h["relativePositionBias"] = bool(m.has_relative_attention_bias)
    if type(m).__name__ == "ShiftedWindowAttention":
        h["windowSize"] = list(m.window_size)
        h["shiftSize"] = list(m.shift_size)
    return h


def mlp_hyper(m):
    ds = denses(m)
    leaves = {n.split(".")[-1] for n, _ in ds}
    gated = bool(leaves & {"gate_proj", "gate_up_proj", "wi_0"})
    width, _, bias = dense_io(ds[0][1])
    ffn = dense_io(ds[-1][1])[0]
    return {"width": width, "ffnSize": ffn, "gated": gated, "fusedGateUp": "gate_up_proj" in leaves, "bias": bias}


def mha_of(m):
    return [c for n, c in m.named_children() if isinstance(c, nn.MultiheadAttention)]


def layer_hyper(name, m, ctx, kind, pre_norm):
    subs = list(m.named_modules())
    attn = [(n, c) for n, c in subs if type(c).__name__ in ATTENTION_CLASSES]
    selfs = [(n, c) for n, c in attn if not attention_hyper(name + "." + n, c, ctx)["crossAttention"]]
    h = {}
    if selfs:
        a = attention_hyper(name + "." + selfs[0][0], selfs[0][1], ctx)
        h = {k: a[k] for k in ("width", "heads", "kvHeads", "headDim", "causal")}
        cross = len(attn) > len(selfs)
    else:  # torch nn.Transformer*Layer
        mha = m.self_attn
        h = {"width": mha.embed_dim, "heads": mha.num_heads, "kvHeads": mha.num_heads,
             "headDim": mha.embed_dim // mha.num_heads, "causal": bool(ctx.get("causal")) and kind == "DecoderLayer"}
        cross = hasattr(m, "multihead_attn")
        pre_norm = bool(m.norm_first)
    attn_ids = {id(c) for _, a in attn for c in a.modules()} | {id(c) for a in mha_of(m) for c in a.modules()}
    ffn = [(n, c) for n, c in denses(m) if id(c) not in attn_ids]
    leaves = {n.split(".")[-1] for n, _ in ffn}
    h["ffnSize"] = dense_io(ffn[-1][1])[0]
    h["gated"] = bool(leaves & {"gate_proj", "gate_up_proj", "wi_0"})
    h["crossAttention"] = cross
    norms = [c for _, c in subs if isinstance(c, nn.LayerNorm) or is_rms(c)]
    h["norm"] = "RMSNorm" if norms and is_rms(norms[0]) else "LayerNorm"
    h["norms"] = len(norms)
    h["preNorm"] = bool(pre_norm)
    return h


def classify(name, m, ctx):
    """(type, hyper) for a module OnnxScope may recognize, else None."""
    cls = type(m).__name__
    if is_dense(m):
        i, o, b = dense_io(m)
        return "Linear", {"in_features": i, "out_features": o, "bias": b}
    for c, label in CONV_CLASSES.items():
        if isinstance(m, c):
            return label, {"in_channels": m.in_channels, "out_channels": m.out_channels,
                           "kernel_size": list(m.kernel_size), "groups": m.groups, "bias": m.bias is not None}
    for c, label in RNN_CLASSES.items():
        if isinstance(m, c):
            h = {"input_size": m.input_size, "hidden_size": m.hidden_size, "bias": m.bias}
            if label in ("RNN", "GRU", "LSTM"):
                h.update(num_layers=m.num_layers, bidirectional=m.bidirectional, batch_first=m.batch_first)
                if label == "LSTM" and m.proj_size:
                    h["proj_size"] = m.proj_size
            return label, h
    if isinstance(m, nn.Embedding):
        return "Embedding", {"num_embeddings": m.num_embeddings, "embedding_dim": m.embedding_dim}
    if isinstance(m, nn.LayerNorm):
        w = 1
        for d in m.normalized_shape:
            w *= d
        return "LayerNorm", {"normalized_shape": list(m.normalized_shape), "width": w,
                             "bias": getattr(m, "bias", None) is not None}
    if is_rms(m):
        return "RMSNorm", {"width": m.weight.numel()}
    for c, label in BN_CLASSES.items():
        if isinstance(m, c):
            return label, {"num_features": m.num_features}
    if isinstance(m, nn.GroupNorm):
        return "GroupNorm", {"num_groups": m.num_groups, "width": m.num_channels}
    if isinstance(m, nn.MultiheadAttention):
        return "MultiheadAttention", {
            "embed_dim": m.embed_dim, "num_heads": m.num_heads, "kdim": m.kdim, "vdim": m.vdim,
            "bias": m.in_proj_bias is not None, "width": m.embed_dim, "heads": m.num_heads,
            "headDim": m.head_dim, "addBiasKV": m.bias_k is not None, "addZeroAttn": bool(m.add_zero_attn)}
    if cls in ATTENTION_CLASSES:
        return "Attention", attention_hyper(name, m, ctx)
    if cls in PARTS:
        leaves = sorted(n for n, _ in denses(m))
        return PARTS[cls], {"projections": ",".join(leaves)}
    if cls in MLP_CLASSES and denses(m):
        return "MLP", mlp_hyper(m)
    if cls in LAYER_CLASSES:
        kind, pre = LAYER_CLASSES[cls]
        if cls == "T5Block":
            kind = "DecoderLayer" if m.is_decoder else "EncoderLayer"
        if cls == "TransformerBlock" and not hasattr(m, "sa_layer_norm"):
            return None
        return kind, layer_hyper(name, m, ctx, kind, pre)
    return None


def modules(model, ctx):
    out = []
    for name, m in model.named_modules():
        got = classify(name, m, ctx)
        if got is None:
            continue
        kind, hyper = got
        out.append({"name": name, "type": kind, "torchClass": type(m).__name__,
                    "parameters": own_parameters(m), "hyper": hyper})
    return out


def tied_parameters(model):
    """Groups of parameter names that share one tensor (named_parameters without dedup)."""
    groups = {}
    for n, p in model.named_parameters(remove_duplicate=False):
        groups.setdefault(p.data_ptr(), []).append(n)
    return [sorted(g) for g in groups.values() if len(g) > 1]


def framework_numbers(model, ctx=None, stack=None, extra=None):
    """The `framework` object of a manifest entry for a torch model."""
    ctx = dict(ctx or {})
    params = list(model.parameters())  # unique tensors
    fw = {
        "name": "torch",
        "version": torch.__version__,
        "totalParameters": sum(p.numel() for p in params),
        "trainableParameters": sum(p.numel() for p in params if p.requires_grad),
        "buffers": sum(b.numel() for b in model.buffers()),
        "parameters": {n: list(p.shape) for n, p in model.named_parameters()},
        "modules": modules(model, ctx),
        "tiedParameters": tied_parameters(model),
    }
    if stack is not None:
        fw["stack"] = stack
    fw.update(extra or {})
    return fw
