"""Sources of `diff`'s re-stored pairs that need torch or onnxslim (issue #15).

Writes Fixtures/diff/restored_bn_fold.a.onnx: a small Conv+BatchNorm net (Conv 3->16 without
bias, BN, ReLU, Conv 16->32 with bias, BN, ReLU, mean, Linear 32->10) exported by the
TorchScript exporter with training=TrainingMode.TRAINING and no constant folding, so that
BatchNormalization and its four tensors stay; and restored_bn_fold.b.onnx: the same module
exported in eval mode, where the exporter folds each BatchNorm into the Conv before it.
BatchNorm statistics and affine parameters are random (not the init's 1 and 0).

Then, when ONNXSLIM (default /work/venv-slim/bin/onnxslim, requirements-slim.txt) exists,
Fixtures/diff/restored_onnxslim.b.onnx = onnxslim of hf/bert_eager.torchscript.onnx.

Run with the torch venv:  /work/venv-torch/bin/python Fixtures/generate/diff_torch_sources.py
"""

import os
import subprocess

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
FIX = os.path.dirname(HERE)
OUT = os.path.join(FIX, "diff")


class ConvBN(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = torch.nn.Conv2d(3, 16, 3, padding=1, bias=False)
        self.bn1 = torch.nn.BatchNorm2d(16)
        self.conv2 = torch.nn.Conv2d(16, 32, 3, padding=1)
        self.bn2 = torch.nn.BatchNorm2d(32)
        self.fc = torch.nn.Linear(32, 10)

    def forward(self, x):
        x = torch.relu(self.bn1(self.conv1(x)))
        x = torch.relu(self.bn2(self.conv2(x)))
        return self.fc(x.mean((2, 3)))


def main():
    os.makedirs(OUT, exist_ok=True)
    torch.manual_seed(15)
    m = ConvBN()
    with torch.no_grad():
        for bn in (m.bn1, m.bn2):
            bn.weight.uniform_(0.5, 1.5)
            bn.bias.normal_(0, 0.2)
            bn.running_mean.normal_(0, 0.2)
            bn.running_var.uniform_(0.5, 2.0)
    m.eval()
    x = torch.randn(1, 3, 8, 8)
    common = dict(dynamo=False, opset_version=17, input_names=["x"], output_names=["y"])
    torch.onnx.export(m, (x,), os.path.join(OUT, "restored_bn_fold.a.onnx"), training=torch.onnx.TrainingMode.TRAINING,
                      do_constant_folding=False, **common)
    torch.onnx.export(m, (x,), os.path.join(OUT, "restored_bn_fold.b.onnx"), **common)
    slim = os.environ.get("ONNXSLIM", "/work/venv-slim/bin/onnxslim")
    if os.path.exists(slim):
        subprocess.run([slim, os.path.join(FIX, "hf", "bert_eager.torchscript.onnx"),
                        os.path.join(OUT, "restored_onnxslim.b.onnx")], check=True, stdout=subprocess.DEVNULL)
    else:
        print("onnxslim not found (%s): restored_onnxslim.b.onnx not written" % slim)


if __name__ == "__main__":
    main()
