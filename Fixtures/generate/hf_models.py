"""Small transformers models (random init from a config, no hub) exported with both exporters.

Run with the torch venv:  /work/venv-torch/bin/python Fixtures/generate/hf_models.py [name ...]
Writes Fixtures/hf/<model>.torchscript.onnx (torch.onnx.export(dynamo=False), opset 17) and
Fixtures/hf/<model>.dynamo.onnx (dynamo=True), plus the sidecar Fixtures/generate/.work/hf.json
(source "transformers") with the framework's own numbers (module_truth.py) for build_manifest.py.

Text models are exported with dynamic batch and sequence axes: with a static length both
exporters fold `position_embeddings(position_ids[:, :T])` into a constant and the position
table disappears. Every parameter and buffer is redrawn at random (pytorch_models.randomize).
`gpt2_functions` is GPT-2 exported by the TorchScript exporter with
export_modules_as_functions (an option the dynamo exporter does not have).
"""

import inspect
import os
import sys
import warnings

import onnx
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import transformers as T  # noqa: E402

from module_truth import framework_numbers  # noqa: E402
import sidecar  # noqa: E402
from pytorch_models import randomize, try_export  # noqa: E402

FIX = os.path.dirname(HERE)
OUT = os.path.join(FIX, "hf")
GEN = "generate/hf_models.py"
SOURCE = "transformers"
VOCAB = 128
SEQ, DEC_SEQ = 8, 6

warnings.filterwarnings("ignore")
T.logging.set_verbosity_error()


def text_inputs(decoder=False, token_types=False):
    g = torch.Generator().manual_seed(1)
    kw = {"input_ids": torch.randint(0, VOCAB, (1, SEQ), generator=g),
          "attention_mask": torch.ones(1, SEQ, dtype=torch.long)}
    if token_types:
        kw["token_type_ids"] = torch.zeros(1, SEQ, dtype=torch.long)
    if decoder:
        kw["decoder_input_ids"] = torch.randint(0, VOCAB, (1, DEC_SEQ), generator=g)
    return kw


def dynamic_for(kw):
    """TorchScript dynamic_axes and dynamo dynamic_shapes: batch and sequence of every text input."""
    if "pixel_values" in kw:
        return None
    ts = {n: {0: "batch", 1: "dec_seq" if n.startswith("decoder") else "seq"} for n in kw}

    def dyn():
        batch = torch.export.Dim("batch", min=1, max=4)
        seq = torch.export.Dim("seq", min=2, max=32)
        dec = torch.export.Dim("dec_seq", min=2, max=32)
        return {n: {0: batch, 1: dec if n.startswith("decoder") else seq} for n in kw}
    return {"torchscript": ts, "dynamo": dyn}


def common(**kw):
    kw.setdefault("use_cache", False)
    return kw


def specs():
    """name -> (description, model class, config, inputs, truth context)."""
    V, H = VOCAB, 32
    bert = dict(vocab_size=V, hidden_size=H, num_hidden_layers=2, num_attention_heads=4,
                intermediate_size=64, max_position_embeddings=64)
    roberta = dict(bert, max_position_embeddings=66, pad_token_id=1)
    distil = dict(vocab_size=V, dim=H, n_layers=2, n_heads=4, hidden_dim=64, max_position_embeddings=64)
    s = {
        "llama_gqa": ("LlamaForCausalLM: width 32, 2 layers, 4 heads, 2 KV heads (GQA), SwiGLU 64, RMSNorm, "
                      "untied lm_head, sdpa", T.LlamaForCausalLM,
                      T.LlamaConfig(**common(vocab_size=V, hidden_size=H, intermediate_size=64, num_hidden_layers=2,
                                             num_attention_heads=4, num_key_value_heads=2,
                                             max_position_embeddings=64, bos_token_id=1, eos_token_id=2)),
                      text_inputs(), {}),
        "qwen2": ("Qwen2ForCausalLM: width 32, 2 layers, 4 heads, 2 KV heads, q/k/v bias, o_proj without bias, "
                  "SwiGLU 64, untied", T.Qwen2ForCausalLM,
                  T.Qwen2Config(**common(vocab_size=V, hidden_size=H, intermediate_size=64, num_hidden_layers=2,
                                         num_attention_heads=4, num_key_value_heads=2, max_position_embeddings=64,
                                         tie_word_embeddings=False, bos_token_id=1, eos_token_id=2)),
                  text_inputs(), {}),
        "phi3": ("Phi3ForCausalLM: width 32, 2 layers, 4 heads, 2 KV heads, fused qkv_proj [64,32] and "
                 "gate_up_proj [128,32], RMSNorm", T.Phi3ForCausalLM,
                 T.Phi3Config(**common(vocab_size=V, hidden_size=H, intermediate_size=64, num_hidden_layers=2,
                                       num_attention_heads=4, num_key_value_heads=2, max_position_embeddings=64,
                                       pad_token_id=0, bos_token_id=1, eos_token_id=2)),
                 text_inputs(), {}),
        "gpt2": ("GPT2LMHeadModel: width 32, 2 blocks, 4 heads, Conv1D (weights [in,out]), fused c_attn, "
                 "lm_head tied to wte, wpe 64 positions", T.GPT2LMHeadModel,
                 T.GPT2Config(**common(vocab_size=V, n_embd=H, n_layer=2, n_head=4, n_positions=64,
                                       bos_token_id=1, eos_token_id=2)),
                 text_inputs(), {}),
    }
    for attn in ("sdpa", "eager"):
        s["bert_" + attn] = ("BertModel: width 32, 2 layers, 4 heads, FFN 64, post-norm, pooler; attention %s" % attn,
                             T.BertModel, T.BertConfig(**common(attn_implementation=attn, **bert)),
                             text_inputs(token_types=True), {})
        s["roberta_" + attn] = ("RobertaModel: width 32, 2 layers, 4 heads, FFN 64, 66 positions (padding offset); "
                                "attention %s" % attn, T.RobertaModel,
                                T.RobertaConfig(**common(attn_implementation=attn, **roberta)), text_inputs(), {})
        s["distilbert_" + attn] = ("DistilBertModel: width 32, 2 layers, 4 heads, FFN 64, no token types, "
                                   "no pooler; attention %s" % attn, T.DistilBertModel,
                                   T.DistilBertConfig(**common(attn_implementation=attn, **distil)),
                                   text_inputs(), {})
    s.update({
        "albert": ("AlbertModel: embedding 16 mapped to width 32, 3 layers sharing one AlbertLayer's weights, "
                   "4 heads, FFN 64", T.AlbertModel,
                   T.AlbertConfig(**common(vocab_size=V, embedding_size=16, hidden_size=H, num_hidden_layers=3,
                                           num_attention_heads=4, intermediate_size=64, max_position_embeddings=64)),
                   text_inputs(token_types=True), {}),
        "t5": ("T5Model: d_model 32, d_kv 8, 4 heads, d_ff 64 (ReLU, not gated), 2 encoder + 2 decoder blocks, "
               "T5LayerNorm (RMS), relative position bias in block 0, shared embedding", T.T5Model,
               T.T5Config(**common(vocab_size=V, d_model=32, d_kv=8, d_ff=64, num_layers=2, num_decoder_layers=2,
                                   num_heads=4, decoder_start_token_id=0)),
               text_inputs(decoder=True), {}),
        "bart": ("BartModel: d_model 32, 2 encoder + 2 decoder layers, 4 heads, FFN 64, learned positions "
                 "(offset 2), shared embedding", T.BartModel,
                 T.BartConfig(**common(vocab_size=V, d_model=32, encoder_layers=2, decoder_layers=2,
                                       encoder_attention_heads=4, decoder_attention_heads=4, encoder_ffn_dim=64,
                                       decoder_ffn_dim=64, max_position_embeddings=64)),
                 text_inputs(decoder=True), {}),
        "vit": ("ViTModel: 32x32 image, patch 8 (16 patches + CLS), width 32, 2 layers, 2 heads (head dim 16), "
                "MLP 64, pooler", T.ViTModel,
                T.ViTConfig(**common(hidden_size=H, num_hidden_layers=2, num_attention_heads=2, intermediate_size=64,
                                     image_size=32, patch_size=8, num_channels=3)),
                {"pixel_values": torch.randn(1, 3, 32, 32, generator=torch.Generator().manual_seed(1))}, {}),
        "clip_text": ("CLIPTextModel: width 32, 2 layers, 4 heads, MLP 64, 32 positions, causal mask",
                      T.CLIPTextModel,
                      T.CLIPTextConfig(**common(vocab_size=V, hidden_size=H, intermediate_size=64,
                                                num_hidden_layers=2, num_attention_heads=4,
                                                max_position_embeddings=32, bos_token_id=1, eos_token_id=2,
                                                pad_token_id=0)),
                      text_inputs(), {"causal": True}),
    })
    return s


def scalar_config(cfg):
    """The config's int, bool and string values (and int lists): Swift reads them as HyperValue."""
    out = {}
    for k, v in sorted(cfg.to_dict().items()):
        if isinstance(v, (bool, int, str)) or (isinstance(v, list) and v and all(
                isinstance(x, int) and not isinstance(x, bool) for x in v)):
            out[k] = v
    return out


def stack(model, modules, tied):
    """The stack numbers a formula needs, from the config (layer counts) and the modules."""
    c = model.config
    heads = c.num_attention_heads
    s = {"width": c.hidden_size, "heads": heads, "layers": c.num_hidden_layers,
         "kvHeads": getattr(c, "num_key_value_heads", None) or heads,
         "headDim": getattr(c, "head_dim", None) or getattr(c, "d_kv", None) or c.hidden_size // heads,
         "tiedEmbeddings": bool(tied)}
    for key in ("intermediate_size", "d_ff", "encoder_ffn_dim", "hidden_dim", "n_inner"):
        if getattr(c, key, None):
            s["ffnSize"] = getattr(c, key)
            break
    else:
        s["ffnSize"] = 4 * c.hidden_size  # GPT-2: n_inner None means 4 x n_embd
    s["gated"] = any(m["type"] == "MLP" and m["hyper"]["gated"] for m in modules)
    if getattr(c, "vocab_size", None):
        s["vocabSize"] = c.vocab_size
    if getattr(c, "max_position_embeddings", None):
        s["maxPositions"] = c.max_position_embeddings
    if getattr(c, "is_encoder_decoder", False):
        s["encoderLayers"] = getattr(c, "encoder_layers", None) or c.num_layers
        s["decoderLayers"] = getattr(c, "decoder_layers", None) or c.num_decoder_layers
    if getattr(c, "embedding_size", None) and c.embedding_size != c.hidden_size:
        s["embeddingSize"] = c.embedding_size
    if getattr(c, "num_hidden_groups", None):
        s["layerGroups"] = c.num_hidden_groups
        s["sharedLayerUses"] = c.num_hidden_layers // c.num_hidden_groups  # each group applied this often
    kinds = {m["type"] for m in modules}
    s["layerTypes"] = sorted(kinds & {"EncoderLayer", "DecoderLayer", "DecoderOnlyLayer"})
    return s


def build(cls, cfg, ctx):
    torch.manual_seed(0)
    model = cls(cfg).eval()
    randomize(model)
    fw = framework_numbers(model, ctx)
    fw["stack"] = stack(model, fw["modules"], fw["tiedParameters"])
    fw["attnImplementation"] = model.config._attn_implementation
    fw["modelClass"] = cls.__name__
    fw["transformersVersion"] = T.__version__
    fw["config"] = scalar_config(model.config)
    return model, fw


def functions_of(path):
    m = onnx.load(path, load_external_data=False)
    return sorted({f.domain + "." + f.name for f in m.functions})


def narrow_forward(model, names):
    """Make `model.forward` take exactly the tensors `names` and return a tuple of tensors.

    The TorchScript exporter pads the inputs with every default of forward's signature, which
    collides with the keyword arguments transformers' decorators add (use_cache). An instance
    attribute keeps the module tree, so parameter and module names stay those of the model."""
    method = type(model).forward

    def forward(*tensors):
        out = method(model, **dict(zip(names, tensors)))
        return tuple(v for v in out.to_tuple() if isinstance(v, torch.Tensor))
    forward.__signature__ = inspect.Signature(
        [inspect.Parameter(n, inspect.Parameter.POSITIONAL_OR_KEYWORD) for n in names])
    model.forward = forward


def export_one(name, model, fw, kw, exporter, desc, entries, failures, **options):
    rel = "hf/%s.%s.onnx" % (name, exporter)
    if not try_export(model, tuple(kw.values()), rel, exporter, list(kw), None, dynamic_for(kw), name, failures,
                      **options):
        return None
    entry = {"file": rel, "source": SOURCE, "exporter": exporter, "generator": GEN, "model": name,
             "description": desc, "framework": fw, "dynamicAxes": dynamic_for(kw) is not None}
    entries.append(entry)
    return entry


def main():
    only = set(sys.argv[1:])
    os.makedirs(OUT, exist_ok=True)
    entries, failures = [], []
    for name, (desc, cls, cfg, kw, ctx) in specs().items():
        if only and name not in only and not (name == "gpt2" and "gpt2_functions" in only):
            continue
        model, fw = build(cls, cfg, ctx)
        narrow_forward(model, list(kw))
        if not only or name in only:
            for exporter in ("torchscript", "dynamo"):
                export_one(name, model, fw, kw, exporter, desc, entries, failures)
        if name == "gpt2" and (not only or "gpt2_functions" in only):
            blocks = [T.models.gpt2.modeling_gpt2.GPT2Block, T.models.gpt2.modeling_gpt2.GPT2Attention,
                      T.models.gpt2.modeling_gpt2.GPT2MLP]
            e = export_one("gpt2_functions", model, fw, kw, "torchscript",
                           "the gpt2 model exported by the TorchScript exporter with export_modules_as_functions="
                           "{GPT2Block, GPT2Attention, GPT2MLP}: each module class a model-local function",
                           entries, failures, export_modules_as_functions=set(blocks))
            if e is not None:
                e["functionClasses"] = sorted(c.__name__ for c in blocks)
                e["functions"] = functions_of(os.path.join(FIX, e["file"]))
    sidecar.write("hf.json", entries, failures, only)


if __name__ == "__main__":
    main()
