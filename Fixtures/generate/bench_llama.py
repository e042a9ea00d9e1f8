"""Issue 11's LLaMA bench input (never committed): a dynamo export of a random-init
LlamaForCausalLM with 32 layers and hidden size 256.

Usage (the torch venv of requirements-torch.txt: torch 2.13.0+cpu, transformers 5.24.0):
    python bench_llama.py OUT_DIR
Writes OUT_DIR/model.onnx and its external data OUT_DIR/model.onnx.data (about 100 MB).
Every parameter is drawn at random after init, as for the fixtures.
"""

import os
import sys

import torch
import transformers as T


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    torch.manual_seed(0)
    config = T.LlamaConfig(vocab_size=1000, hidden_size=256, intermediate_size=688, num_hidden_layers=32,
                           num_attention_heads=8, num_key_value_heads=8, max_position_embeddings=128,
                           use_cache=False, bos_token_id=1, eos_token_id=2)
    model = T.LlamaForCausalLM(config).eval()
    with torch.no_grad():
        for p in model.parameters():
            p.normal_(0, 0.02)
    ids = torch.randint(0, config.vocab_size, (1, 16))
    torch.onnx.export(model, (ids,), os.path.join(out, "model.onnx"), dynamo=True, opset_version=18)


if __name__ == "__main__":
    main()
