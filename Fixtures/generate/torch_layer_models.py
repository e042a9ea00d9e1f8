"""torch and torchvision models for the transformer (#12), recurrent (#13) and module-view (#17) issues.

Run with the torch venv:  /work/venv-torch/bin/python Fixtures/generate/torch_layer_models.py [name ...]
Writes Fixtures/pytorch/<model>.torchscript.onnx and <model>.dynamo.onnx (as pytorch_models.py does)
and the sidecar Fixtures/generate/.work/torch_layers.json, with the framework's own numbers from
module_truth.py. Sources: "torchvision" for torchvision's classes, "torch-issue13" for the rest
(both are kept out of the tests of the "pytorch" source until their recognizers exist).
"""

import os
import sys
import warnings

import onnx
import torch
import torch.nn as nn

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from module_truth import framework_numbers  # noqa: E402
import sidecar  # noqa: E402
from pytorch_models import Block, CausalSelfAttention, TinyGPT, randomize, try_export  # noqa: E402
from torchvision.models.resnet import BasicBlock, ResNet  # noqa: E402
from torchvision.models.swin_transformer import SwinTransformer  # noqa: E402

FIX = os.path.dirname(HERE)
GEN = "generate/torch_layer_models.py"

warnings.filterwarnings("ignore")


class SmallResNet(ResNet):
    """torchvision's ResNet(BasicBlock, [1,1,1,1]) with every width divided by `div`.

    Module names are torchvision's (conv1, bn1, layer1.0.conv1, ..., fc): only the stem and
    the planes passed to torchvision's own _make_layer are narrowed."""

    def __init__(self, div=8, num_classes=10):
        self.div = div
        super().__init__(BasicBlock, [1, 1, 1, 1], num_classes=num_classes)
        self.fc = nn.Linear(512 // div * BasicBlock.expansion, num_classes)

    def _make_layer(self, block, planes, blocks, stride=1, dilate=False):
        if planes == 64:  # first stage: narrow the stem that feeds it
            self.inplanes = 64 // self.div
            self.conv1 = nn.Conv2d(3, self.inplanes, kernel_size=7, stride=2, padding=3, bias=False)
            self.bn1 = self._norm_layer(self.inplanes)
        return super()._make_layer(block, planes // self.div, blocks, stride, dilate)


class TextRNN(nn.Module):
    """Embedding -> 2-layer bidirectional LSTM or GRU (batch first) -> Linear head."""

    def __init__(self, cell, vocab=64, emb=16, hidden=24, classes=8):
        super().__init__()
        self.emb = nn.Embedding(vocab, emb)
        self.rnn = cell(emb, hidden, num_layers=2, bidirectional=True, batch_first=True)
        self.head = nn.Linear(2 * hidden, classes)

    def forward(self, idx):
        return self.head(self.rnn(self.emb(idx))[0])


class SteppedCells(nn.Module):
    """nn.LSTMCell, nn.GRUCell and nn.RNNCell stepped in a Python loop over time (unrolled by export)."""

    def __init__(self, inp=8, hidden=16, classes=4):
        super().__init__()
        self.lstm_cell = nn.LSTMCell(inp, hidden)
        self.gru_cell = nn.GRUCell(inp, hidden)
        self.rnn_cell = nn.RNNCell(inp, hidden, nonlinearity="tanh")
        self.head = nn.Linear(3 * hidden, classes)

    def forward(self, x):  # x: [T, B, inp]
        b = x.shape[1]
        h = c = g = r = x.new_zeros(b, self.lstm_cell.hidden_size)
        for t in range(x.shape[0]):
            h, c = self.lstm_cell(x[t], (h, c))
            g = self.gru_cell(x[t], g)
            r = self.rnn_cell(x[t], r)
        return self.head(torch.cat([h, g, r], dim=-1))


class BiasKV(nn.Module):
    def __init__(self, zero_attn):
        super().__init__()
        self.attn = nn.MultiheadAttention(16, 4, add_bias_kv=True, add_zero_attn=zero_attn)

    def forward(self, x):
        return self.attn(x, x, x, need_weights=False)[0]


class Seq2Seq(nn.Module):
    """nn.Transformer (2 encoder, 2 decoder layers, width 32, 4 heads, FFN 64) with a causal target mask."""

    def __init__(self):
        super().__init__()
        self.transformer = nn.Transformer(d_model=32, nhead=4, num_encoder_layers=2, num_decoder_layers=2,
                                          dim_feedforward=64, dropout=0.0)

    def forward(self, src, tgt):
        mask = nn.Transformer.generate_square_subsequent_mask(tgt.shape[0])
        return self.transformer(src, tgt, tgt_mask=mask, tgt_is_causal=True)


def swin():
    return SwinTransformer(patch_size=[4, 4], embed_dim=32, depths=[2, 2], num_heads=[2, 4], window_size=[4, 4],
                           mlp_ratio=2.0, num_classes=10)


def specs():
    """name -> (source, description, constructor, inputs, input names, truth context, export options)."""
    g = torch.Generator().manual_seed(1)
    seq = torch.randn(5, 1, 8, generator=g)
    return {
        "resnet_small": ("torchvision", "torchvision ResNet(BasicBlock, [1,1,1,1]) with every width / 8 "
                         "(stem 8, stages 8-16-32-64), fc 64->10, torchvision's module names",
                         SmallResNet, (torch.randn(1, 3, 32, 32, generator=g),), ["image"], {}, {}),
        "swin_tiny": ("torchvision", "torchvision SwinTransformer: patch 4, embed_dim 32, depths [2,2], heads [2,4], "
                      "window 4x4 (second block of each stage shifted), MLP ratio 2, PatchMerging, 10 classes",
                      swin, (torch.randn(1, 3, 32, 32, generator=g),), ["image"], {}, {}),
        "transformer_seq2seq": ("torch-issue13", "nn.Transformer: width 32, 4 heads, FFN 64, 2 encoder + 2 decoder "
                                "layers, causal target mask, final encoder and decoder LayerNorms",
                                Seq2Seq, (torch.randn(6, 1, 32, generator=g), torch.randn(5, 1, 32, generator=g)),
                                ["src", "tgt"], {"causal": True}, {}),
        "text_lstm": ("torch-issue13", "Embedding(64,16) -> nn.LSTM(16,24,num_layers=2,bidirectional=True,"
                      "batch_first=True) -> Linear(48,8)", lambda: TextRNN(nn.LSTM),
                      (torch.randint(0, 64, (1, 7), generator=g),), ["idx"], {}, {}),
        "text_gru": ("torch-issue13", "Embedding(64,16) -> nn.GRU(16,24,num_layers=2,bidirectional=True,"
                     "batch_first=True) -> Linear(48,8)", lambda: TextRNN(nn.GRU),
                     (torch.randint(0, 64, (1, 7), generator=g),), ["idx"], {}, {}),
        "stepped_cells": ("torch-issue13", "nn.LSTMCell(8,16), nn.GRUCell(8,16), nn.RNNCell(8,16) stepped in a "
                          "Python loop over 5 time steps (unrolled), Linear(48,4) head", SteppedCells,
                          (seq,), ["x"], {}, {}),
        "mha_bias_kv": ("torch-issue13", "nn.MultiheadAttention(16, 4 heads, add_bias_kv=True): bias_k, bias_v [1,1,16]",
                        lambda: BiasKV(False), (torch.randn(6, 2, 16, generator=g),), ["x"], {}, {}),
        "mha_bias_kv_zero_attn": ("torch-issue13", "nn.MultiheadAttention(16, 4 heads, add_bias_kv=True, "
                                  "add_zero_attn=True)", lambda: BiasKV(True),
                                  (torch.randn(6, 2, 16, generator=g),), ["x"], {}, {}),
        "tiny_gpt_functions": ("torch-issue13", "pytorch_models' tiny GPT (2 blocks, width 16, 4 heads, tied "
                               "lm_head) exported by the TorchScript exporter with export_modules_as_functions="
                               "{Block, CausalSelfAttention}; dynamic sequence axis", TinyGPT,
                               (torch.randint(0, 64, (1, 8), generator=g),), ["idx"], {"causal": True},
                               {"export_modules_as_functions": {Block, CausalSelfAttention}}),
        "tiny_gpt_functions_all": ("torch-issue13", "the same tiny GPT exported with export_modules_as_functions="
                                   "True: every module class a function, the main graph one call of TinyGPT",
                                   TinyGPT, (torch.randint(0, 64, (1, 8), generator=g),), ["idx"], {"causal": True},
                                   {"export_modules_as_functions": True}),
    }


DYNAMIC = {"tiny_gpt_functions": {"torchscript": {"idx": {1: "seq"}}},
           "tiny_gpt_functions_all": {"torchscript": {"idx": {1: "seq"}}}}

# The stack numbers of the models that have a stack, read from the built modules.
STACKS = {
    "transformer_seq2seq": lambda m: {
        "width": m.transformer.d_model, "heads": m.transformer.nhead,
        "ffnSize": m.transformer.encoder.layers[0].linear1.out_features,
        "encoderLayers": m.transformer.encoder.num_layers, "decoderLayers": m.transformer.decoder.num_layers,
        "layerTypes": ["DecoderLayer", "EncoderLayer"]},
    "swin_tiny": lambda m: {
        "embedDim": m.features[0][0].out_channels,
        "depths": [len(m.features[i]) for i in (1, 3)],
        "heads": [m.features[i][0].attn.num_heads for i in (1, 3)],
        "windowSize": list(m.features[1][0].attn.window_size),
        "ffnSizes": [m.features[i][0].mlp[0].out_features for i in (1, 3)],
        "layers": len(m.features[1]) + len(m.features[3]), "layerTypes": ["EncoderLayer"]},
    "tiny_gpt_functions_all": lambda m: STACKS["tiny_gpt_functions"](m),
    "tiny_gpt_functions": lambda m: {
        "width": m.tok_emb.embedding_dim, "heads": m.blocks[0].attn.heads, "layers": len(m.blocks),
        "ffnSize": m.blocks[0].fc.out_features, "vocabSize": m.tok_emb.num_embeddings,
        "maxPositions": m.pos_emb.num_embeddings, "tiedEmbeddings": m.lm_head.weight is m.tok_emb.weight,
        "layerTypes": ["DecoderOnlyLayer"]},
    "resnet_small": lambda m: {
        "stemWidth": m.conv1.out_channels, "blocksPerStage": [len(getattr(m, "layer%d" % i)) for i in range(1, 5)],
        "stageWidths": [getattr(m, "layer%d" % i)[0].conv1.out_channels for i in range(1, 5)],
        "block": "BasicBlock"},
}


def main():
    only = set(sys.argv[1:])
    entries, failures = [], []
    for name, (source, desc, ctor, args, in_names, ctx, options) in specs().items():
        if only and name not in only:
            continue
        torch.manual_seed(0)
        model = ctor().eval()
        randomize(model)
        fw = framework_numbers(model, ctx, STACKS[name](model) if name in STACKS else None)
        exporters = ["torchscript"] if options else ["torchscript", "dynamo"]
        for exporter in exporters:
            rel = "pytorch/%s.%s.onnx" % (name, exporter)
            if not try_export(model, args, rel, exporter, in_names, None, DYNAMIC.get(name), name, failures,
                              **options):
                continue
            path = os.path.join(FIX, rel)
            entry = {"file": rel, "source": source, "exporter": exporter, "generator": GEN, "model": name,
                     "description": desc, "framework": fw}
            if options:
                m = onnx.load(path, load_external_data=False)
                entry["functions"] = sorted({f.domain + "." + f.name for f in m.functions})
                classes = options["export_modules_as_functions"]
                if classes is True:  # every class: read them from the functions (Linear.1: an overload)
                    entry["functionClasses"] = sorted({f.name.split(".")[0] for f in m.functions})
                else:
                    entry["functionClasses"] = sorted(c.__name__ for c in classes)
            entries.append(entry)
    sidecar.write("torch_layers.json", entries, failures, only)


if __name__ == "__main__":
    main()
