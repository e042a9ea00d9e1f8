#!/usr/bin/env bash
# Regenerate every OnnxScope fixture and Fixtures/manifest.json, in order.
# Venvs live outside the repo; override with VENV_TORCH / VENV_TF / VENV_ONNX.
#   bash Fixtures/generate/all.sh            # generate with existing venvs
#   bash Fixtures/generate/all.sh --setup    # create the venvs first (pinned requirements)
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
FIX="$(dirname "$HERE")"
VENV_TORCH="${VENV_TORCH:-/work/venv-torch}"
VENV_TF="${VENV_TF:-/work/venv-tf}"
VENV_ONNX="${VENV_ONNX:-/work/venv-onnx}"
VENV_ORT="${VENV_ORT:-/work/venv-ort}"
VENV_GENAI="${VENV_GENAI:-/work/venv-genai}"
PY311="${PY311:-python3.11}"

if [[ "${1:-}" == "--setup" ]]; then
  # torch==2.13.0+cpu is the CPU-only wheel: pip finds it via a --find-links dir holding it
  # or via --extra-index-url https://download.pytorch.org/whl/cpu.
  [[ -x "$VENV_TORCH/bin/python" ]] || "$PY311" -m venv "$VENV_TORCH"
  "$VENV_TORCH/bin/pip" install -r "$HERE/requirements-torch.txt"
  # PyPI's torchvision wheel is built for the CUDA torch: no deps, and a shim that skips the
  # registration of its C ops (README.md, "The torch venv").
  "$VENV_TORCH/bin/pip" install --no-deps torchvision==0.28.0
  cp "$HERE/torchvision_cpu_shim.pth" "$("$VENV_TORCH/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')/"
  [[ -x "$VENV_TF/bin/python" ]] || "$PY311" -m venv "$VENV_TF"
  "$VENV_TF/bin/pip" install -r "$HERE/requirements-tf.txt"
  [[ -x "$VENV_ONNX/bin/python" ]] || "$PY311" -m venv "$VENV_ONNX"
  "$VENV_ONNX/bin/pip" install -r "$HERE/requirements-onnx.txt"
  [[ -x "$VENV_ORT/bin/python" ]] || "$PY311" -m venv "$VENV_ORT"
  "$VENV_ORT/bin/pip" install -r "$HERE/requirements-ort.txt"
  [[ -x "$VENV_GENAI/bin/python" ]] || "$PY311" -m venv "$VENV_GENAI"
  "$VENV_GENAI/bin/pip" install -r "$HERE/requirements-genai.txt"
fi

rm -rf "$HERE/.work" "$FIX/pytorch" "$FIX/keras" "$FIX/handbuilt" "$FIX/hf" "$FIX/deploy"
"$VENV_ONNX/bin/python" "$HERE/handbuilt.py"
"$VENV_TORCH/bin/python" "$HERE/pytorch_models.py"
"$VENV_TORCH/bin/python" "$HERE/hf_models.py"
"$VENV_TORCH/bin/python" "$HERE/torch_layer_models.py"
"$VENV_TORCH/bin/python" "$HERE/onnx_cells.py"
"$VENV_TF/bin/python" "$HERE/keras_models.py"
"$VENV_ONNX/bin/python" "$HERE/payload_values.py"   # needs handbuilt/dtypes.onnx
"$VENV_ONNX/bin/python" "$HERE/diff_pairs.py"       # needs pytorch/{mlp,lstm}.*.onnx
"$VENV_ONNX/bin/python" "$HERE/build_manifest.py"   # deploy_models.py reads the float entries
"$VENV_ORT/bin/python" "$HERE/deploy_models.py"
"$VENV_GENAI/bin/python" "$HERE/genai_models.py"   # checks its models against the hf/ entries
"$VENV_ONNX/bin/python" "$HERE/build_manifest.py"
du -sh "$FIX"
