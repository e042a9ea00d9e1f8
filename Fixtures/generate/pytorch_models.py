"""Tiny PyTorch models exported to ONNX with both exporters, as OnnxScope fixtures.

Run with the torch venv:  /work/venv-torch/bin/python Fixtures/generate/pytorch_models.py
Writes Fixtures/pytorch/<model>.torchscript.onnx (torch.onnx.export(dynamo=False)) and
Fixtures/pytorch/<model>.dynamo.onnx (dynamo=True), plus the sidecar
Fixtures/generate/.work/pytorch.json with torch's own parameter numbers for build_manifest.py.

Every parameter and buffer is randomized (fixed seed) before export so that no two tensors are
identical: exporters merge identical tensors, which would make the stored counts meaningless.
"""

import math
import os
import sys
import warnings

import onnx
import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import sidecar  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
FIX = os.path.dirname(HERE)
OUT = os.path.join(FIX, "pytorch")
GEN = "generate/pytorch_models.py"
TS_OPSET = 17

# Models exported with a dynamic sequence axis. With a static length both exporters constant-fold
# pos_emb(arange(T)) into a [T,16] constant and the pos_emb.weight parameter disappears.
DYNAMIC = {
    "tiny_gpt": {"torchscript": {"idx": {1: "seq"}, "logits": {1: "seq"}},
                 "dynamo": lambda: ({1: torch.export.Dim("seq", min=2, max=16)},)},
}

warnings.filterwarnings("ignore")


# ------------------------------------------------------------------ models
class MLP(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(16, 32)
        self.act = nn.ReLU()
        self.fc2 = nn.Linear(32, 8)
        self.proj = nn.Linear(8, 4, bias=False)

    def forward(self, x):
        return self.proj(self.fc2(self.act(self.fc1(x))))


class Convs(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1d = nn.Conv1d(3, 8, kernel_size=3)
        self.conv2d_grouped = nn.Conv2d(4, 8, kernel_size=3, groups=2)
        self.conv2d_depthwise = nn.Conv2d(8, 8, kernel_size=3, groups=8)
        self.conv3d = nn.Conv3d(2, 4, kernel_size=(3, 3, 3))
        self.deconv2d = nn.ConvTranspose2d(4, 2, kernel_size=2, stride=2)
        self.conv_bn = nn.Conv2d(4, 8, kernel_size=3)
        self.bn = nn.BatchNorm2d(8)

    def forward(self, x1, x2, x3):
        a = self.conv1d(x1)
        b = self.conv2d_depthwise(self.conv2d_grouped(x2))
        c = self.conv3d(x3)
        d = self.deconv2d(x2)
        e = self.bn(self.conv_bn(x2))
        return a, b, c, d, e


class RNNModel(nn.Module):
    def __init__(self):
        super().__init__()
        self.rnn = nn.RNN(8, 16, num_layers=2)

    def forward(self, x):
        return self.rnn(x)[0]


class GRUModel(nn.Module):
    def __init__(self):
        super().__init__()
        self.gru = nn.GRU(8, 16, bidirectional=True)

    def forward(self, x):
        return self.gru(x)[0]


class LSTMModel(nn.Module):
    def __init__(self):
        super().__init__()
        self.lstm = nn.LSTM(8, 16, num_layers=2, bidirectional=True)

    def forward(self, x):
        return self.lstm(x)[0]


class EmbedLN(nn.Module):
    def __init__(self):
        super().__init__()
        self.emb = nn.Embedding(100, 16)
        self.ln = nn.LayerNorm(16)
        self.head = nn.Linear(16, 4)

    def forward(self, idx):
        return self.head(self.ln(self.emb(idx)))


class MHA(nn.Module):
    def __init__(self):
        super().__init__()
        self.attn = nn.MultiheadAttention(embed_dim=16, num_heads=4)

    def forward(self, x):
        return self.attn(x, x, x, need_weights=False)[0]


class MHAKdimVdim(nn.Module):
    def __init__(self):
        super().__init__()
        self.attn = nn.MultiheadAttention(embed_dim=16, num_heads=4, kdim=8, vdim=12)

    def forward(self, q, k, v):
        return self.attn(q, k, v, need_weights=False)[0]


class Encoder(nn.Module):
    def __init__(self):
        super().__init__()
        layer = nn.TransformerEncoderLayer(d_model=16, nhead=4, dim_feedforward=32, dropout=0.0)
        self.encoder = nn.TransformerEncoder(layer, num_layers=2, enable_nested_tensor=False)

    def forward(self, x):
        return self.encoder(x)


class Decoder(nn.Module):
    def __init__(self):
        super().__init__()
        layer = nn.TransformerDecoderLayer(16, 4, 32, dropout=0.0)
        self.decoder = nn.TransformerDecoder(layer, num_layers=2)

    def forward(self, tgt, memory):
        return self.decoder(tgt, memory)


class CausalSelfAttention(nn.Module):
    def __init__(self, d, heads):
        super().__init__()
        self.heads = heads
        self.q = nn.Linear(d, d)
        self.k = nn.Linear(d, d)
        self.v = nn.Linear(d, d)
        self.proj = nn.Linear(d, d)

    def forward(self, x):
        B, T, C = x.shape
        h = self.heads
        q = self.q(x).view(B, T, h, C // h).transpose(1, 2)
        k = self.k(x).view(B, T, h, C // h).transpose(1, 2)
        v = self.v(x).view(B, T, h, C // h).transpose(1, 2)
        att = (q @ k.transpose(-2, -1)) / math.sqrt(C // h)
        mask = torch.ones(T, T, dtype=torch.bool).triu(1)
        att = att.masked_fill(mask, float("-inf")).softmax(dim=-1)
        y = (att @ v).transpose(1, 2).reshape(B, T, C)
        return self.proj(y)


class Block(nn.Module):
    def __init__(self, d=16, heads=4, hidden=64):
        super().__init__()
        self.ln1 = nn.LayerNorm(d)
        self.attn = CausalSelfAttention(d, heads)
        self.ln2 = nn.LayerNorm(d)
        self.fc = nn.Linear(d, hidden)
        self.fc_out = nn.Linear(hidden, d)

    def forward(self, x):
        x = x + self.attn(self.ln1(x))
        return x + self.fc_out(F.gelu(self.fc(self.ln2(x))))


class TinyGPT(nn.Module):
    def __init__(self, vocab=64, ctx=16, d=16):
        super().__init__()
        self.tok_emb = nn.Embedding(vocab, d)
        self.pos_emb = nn.Embedding(ctx, d)
        self.blocks = nn.ModuleList([Block(d) for _ in range(2)])
        self.ln_f = nn.LayerNorm(d)
        self.lm_head = nn.Linear(d, vocab, bias=False)
        self.lm_head.weight = self.tok_emb.weight  # tied

    def forward(self, idx):
        T = idx.shape[1]
        pos = torch.arange(T, dtype=torch.long)
        x = self.tok_emb(idx) + self.pos_emb(pos)
        for b in self.blocks:
            x = b(x)
        return self.lm_head(self.ln_f(x))


def specs():
    """(name, description, constructor, example inputs, input names, output names)."""
    L, N = 6, 2
    return [
        ("mlp", "Linear(16,32)-ReLU-Linear(32,8)-Linear(8,4,bias=False)", MLP,
         (torch.randn(2, 16),), ["x"], ["y"]),
        ("conv", "Conv1d, grouped Conv2d, depthwise Conv2d, Conv3d, ConvTranspose2d, Conv2d+BatchNorm2d; 3 inputs",
         Convs, (torch.randn(1, 3, 10), torch.randn(1, 4, 8, 8), torch.randn(1, 2, 5, 5, 5)),
         ["x1d", "x2d", "x3d"], ["y_conv1d", "y_grouped_depthwise", "y_conv3d", "y_deconv", "y_conv_bn"]),
        ("rnn", "nn.RNN(8,16,num_layers=2), seq-first", RNNModel, (torch.randn(5, 1, 8),), ["x"], ["y"]),
        ("gru", "nn.GRU(8,16,bidirectional=True), seq-first", GRUModel, (torch.randn(5, 1, 8),), ["x"], ["y"]),
        ("lstm", "nn.LSTM(8,16,num_layers=2,bidirectional=True), seq-first", LSTMModel,
         (torch.randn(5, 1, 8),), ["x"], ["y"]),
        ("embed_ln", "Embedding(100,16)+LayerNorm(16)+Linear(16,4)", EmbedLN,
         (torch.randint(0, 100, (2, 5)),), ["idx"], ["y"]),
        ("mha", "nn.MultiheadAttention(16, 4 heads) self-attention", MHA, (torch.randn(L, N, 16),), ["x"], ["y"]),
        ("mha_kdim_vdim", "nn.MultiheadAttention(16, 4 heads, kdim=8, vdim=12): separate q/k/v projection weights",
         MHAKdimVdim, (torch.randn(L, N, 16), torch.randn(4, N, 8), torch.randn(4, N, 12)),
         ["q", "k", "v"], ["y"]),
        ("transformer_encoder", "nn.TransformerEncoder: 2 x TransformerEncoderLayer(16, 4, 32, dropout=0)",
         Encoder, (torch.randn(L, N, 16),), ["x"], ["y"]),
        ("transformer_decoder", "nn.TransformerDecoder: 2 x TransformerDecoderLayer(16, 4, 32, dropout=0) with memory",
         Decoder, (torch.randn(L, N, 16), torch.randn(4, N, 16)), ["tgt", "memory"], ["y"]),
        ("tiny_gpt", "GPT: tok Embedding(64,16)+pos Embedding(16,16), 2 pre-norm blocks, ln_f, "
         "lm_head(16,64,bias=False) tied to tok_emb; dynamic sequence axis", TinyGPT, (torch.randint(0, 64, (1, 8)),), ["idx"], ["logits"]),
        ("tiny_gpt_static", "the tiny GPT exported with a static sequence length of 8: the exporters fold "
         "pos_emb(arange(8)) into an [8,16] table", TinyGPT, (torch.randint(0, 64, (1, 8)),), ["idx"], ["logits"]),
    ]


# ------------------------------------------------------------------ randomization
def randomize(model):
    g = torch.Generator().manual_seed(0)
    with torch.no_grad():
        for name, p in model.named_parameters():  # tied weights appear once
            p.copy_(torch.randn(p.shape, generator=g) * 0.1)
        for name, b in model.named_buffers():
            if name.endswith("running_var"):
                b.copy_(torch.rand(b.shape, generator=g) + 0.5)
            elif name.endswith("running_mean"):
                b.copy_(torch.randn(b.shape, generator=g) * 0.1)
            elif name.endswith("num_batches_tracked"):
                b.fill_(17)
            elif b.is_floating_point():
                b.copy_(torch.randn(b.shape, generator=g) * 0.1)


# ------------------------------------------------------------------ framework numbers
CATEGORIES = [
    (nn.Linear, "Linear"), (nn.Conv1d, "Conv1d"), (nn.Conv2d, "Conv2d"), (nn.Conv3d, "Conv3d"),
    (nn.ConvTranspose1d, "ConvTranspose1d"), (nn.ConvTranspose2d, "ConvTranspose2d"),
    (nn.ConvTranspose3d, "ConvTranspose3d"), (nn.RNN, "RNN"), (nn.GRU, "GRU"), (nn.LSTM, "LSTM"),
    (nn.Embedding, "Embedding"), (nn.LayerNorm, "LayerNorm"), (nn.BatchNorm1d, "BatchNorm1d"),
    (nn.BatchNorm2d, "BatchNorm2d"), (nn.BatchNorm3d, "BatchNorm3d"),
    (nn.MultiheadAttention, "MultiheadAttention"),
    (nn.TransformerEncoderLayer, "TransformerEncoderLayer"),
    (nn.TransformerDecoderLayer, "TransformerDecoderLayer"),
]


def hyper(m):
    if isinstance(m, nn.Linear):
        return {"in_features": m.in_features, "out_features": m.out_features, "bias": m.bias is not None}
    if isinstance(m, (nn.Conv1d, nn.Conv2d, nn.Conv3d, nn.ConvTranspose1d, nn.ConvTranspose2d, nn.ConvTranspose3d)):
        return {"in_channels": m.in_channels, "out_channels": m.out_channels,
                "kernel_size": list(m.kernel_size), "groups": m.groups, "bias": m.bias is not None}
    if isinstance(m, (nn.RNN, nn.GRU, nn.LSTM)):
        return {"input_size": m.input_size, "hidden_size": m.hidden_size, "num_layers": m.num_layers,
                "bidirectional": m.bidirectional, "bias": m.bias}
    if isinstance(m, nn.Embedding):
        return {"num_embeddings": m.num_embeddings, "embedding_dim": m.embedding_dim}
    if isinstance(m, nn.LayerNorm):
        return {"normalized_shape": list(m.normalized_shape)}
    if isinstance(m, (nn.BatchNorm1d, nn.BatchNorm2d, nn.BatchNorm3d)):
        return {"num_features": m.num_features}
    if isinstance(m, nn.MultiheadAttention):
        return {"embed_dim": m.embed_dim, "num_heads": m.num_heads, "kdim": m.kdim, "vdim": m.vdim,
                "bias": m.in_proj_bias is not None}
    if isinstance(m, (nn.TransformerEncoderLayer, nn.TransformerDecoderLayer)):
        return {"d_model": m.self_attn.embed_dim, "nhead": m.self_attn.num_heads,
                "dim_feedforward": m.linear1.out_features}
    return {}


def framework_numbers(model):
    modules = []
    for name, m in model.named_modules():
        for cls, label in CATEGORIES:
            if isinstance(m, cls):
                modules.append({"name": name, "type": label, "torchClass": type(m).__name__,
                                "parameters": sum(p.numel() for p in m.parameters()), "hyper": hyper(m)})
                break
    return {
        "name": "torch",
        "version": torch.__version__,
        "totalParameters": sum(p.numel() for p in model.parameters()),
        "trainableParameters": sum(p.numel() for p in model.parameters() if p.requires_grad),
        "buffers": sum(b.numel() for b in model.buffers()),
        "parameters": {n: list(p.shape) for n, p in model.named_parameters()},
        "modules": modules,
    }


# ------------------------------------------------------------------ export
def first_line(e):
    lines = [l.strip() for l in str(e).splitlines() if l.strip()]
    return (type(e).__name__ + ": " + lines[0]) if lines else type(e).__name__


def make_self_contained(path):
    """Load (with any external data) and re-save as one .onnx file; remove side files."""
    d = os.path.dirname(path)
    before = set(os.listdir(d))
    m = onnx.load(path, load_external_data=True)
    externals = set()
    for t in m.graph.initializer:
        for e in t.external_data:
            if e.key == "location":
                externals.add(e.value)
    onnx.save(m, path, save_as_external_data=False)
    for f in externals:
        p = os.path.join(d, f)
        if os.path.exists(p):
            os.remove(p)
    return before


def export(model, args, path, exporter, in_names, out_names, dynamic=None, kwargs=None, **options):
    """Export with one exporter; `kwargs` are the model's keyword inputs, `options` go to the
    TorchScript exporter only (e.g. export_modules_as_functions)."""
    if os.path.exists(path):
        os.remove(path)
    if exporter == "torchscript":
        torch.onnx.export(model, args, path, kwargs=kwargs, dynamo=False, opset_version=TS_OPSET,
                          input_names=in_names, output_names=out_names, do_constant_folding=True,
                          dynamic_axes=(dynamic or {}).get("torchscript"), **options)
    else:
        dyn = (dynamic or {}).get("dynamo")
        torch.onnx.export(model, args, path, kwargs=kwargs, dynamo=True, input_names=in_names,
                          output_names=out_names, external_data=False,
                          dynamic_shapes=dyn() if dyn else None)
    make_self_contained(path)
    m = onnx.load(path)
    onnx.checker.check_model(m)
    out = os.path.dirname(path)
    for f in os.listdir(out):  # no stray external-data files
        if f.endswith(".data"):
            os.remove(os.path.join(out, f))


def try_export(model, args, rel, exporter, in_names, out_names, dynamic, name, failures, **options):
    """Export to Fixtures/`rel`; on failure record it in `failures`, leave no file, return False."""
    path = os.path.join(FIX, rel)
    try:
        with torch.no_grad():
            export(model, args, path, exporter, in_names, out_names, dynamic, **options)
    except Exception as e:
        msg = first_line(e)
        print("FAILED %s %s: %s" % (name, exporter, msg), flush=True)
        failures.append({"model": name, "exporter": exporter, "error": msg[:300]})
        if os.path.exists(path):
            os.remove(path)
        return False
    print("wrote %s (%d bytes)" % (rel, os.path.getsize(path)), flush=True)
    return True


def main():
    only = set(sys.argv[1:])
    os.makedirs(OUT, exist_ok=True)
    entries, failures = [], []
    for name, desc, ctor, args, in_names, out_names in specs():
        if only and name not in only:
            continue
        torch.manual_seed(0)
        model = ctor().eval()
        randomize(model)
        fw = framework_numbers(model)
        for exporter in ("torchscript", "dynamo"):
            rel = "pytorch/%s.%s.onnx" % (name, exporter)
            if not try_export(model, args, rel, exporter, in_names, out_names, DYNAMIC.get(name), name, failures):
                continue
            entries.append({"file": rel, "source": "pytorch", "exporter": exporter, "generator": GEN,
                            "model": name, "description": desc, "framework": fw})
    sidecar.write("pytorch.json", entries, failures, only)


if __name__ == "__main__":
    main()
