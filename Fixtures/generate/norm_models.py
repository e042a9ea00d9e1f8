"""GroupNorm and InstanceNorm fixtures, exported by torch with both exporters.

Run with the torch venv:  /work/venv-torch/bin/python Fixtures/generate/norm_models.py
Writes Fixtures/pytorch/norms.{torchscript,dynamo}.onnx and the sidecar
Fixtures/generate/.work/pytorch_norms.json (torch's own numbers) for build_manifest.py.
A small diffusion-UNet-like stack: Conv, GroupNorm (two groupings), SiLU, an affine
InstanceNorm2d and a non-affine one (which has no parameters).
"""

import json
import os

import torch
import torch.nn as nn

import pytorch_models as pm

GEN = "generate/norm_models.py"


class Norms(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv_in = nn.Conv2d(3, 16, 3, padding=1)
        self.gn1 = nn.GroupNorm(4, 16)
        self.conv_mid = nn.Conv2d(16, 32, 3, padding=1)
        self.gn2 = nn.GroupNorm(8, 32)
        self.inorm = nn.InstanceNorm2d(32, affine=True)
        self.inorm_plain = nn.InstanceNorm2d(32, affine=False)
        self.act = nn.SiLU()

    def forward(self, x):
        x = self.act(self.gn1(self.conv_in(x)))
        x = self.act(self.gn2(self.conv_mid(x)))
        return self.inorm_plain(self.inorm(x))


def hyper(m):
    if isinstance(m, nn.GroupNorm):
        return {"num_groups": m.num_groups, "num_channels": m.num_channels, "affine": m.affine}
    if isinstance(m, nn.InstanceNorm2d):
        return {"num_features": m.num_features, "affine": m.affine}
    return pm.hyper(m)


def numbers(model):
    fw = pm.framework_numbers(model)
    for name, m in model.named_modules():
        if isinstance(m, (nn.GroupNorm, nn.InstanceNorm2d)):
            fw["modules"].append({"name": name, "type": type(m).__name__, "torchClass": type(m).__name__,
                                  "parameters": sum(p.numel() for p in m.parameters()), "hyper": hyper(m)})
    return fw


def main():
    os.makedirs(pm.WORK, exist_ok=True)
    torch.manual_seed(0)
    model = Norms().eval()
    pm.randomize(model)
    fw = numbers(model)
    entries, failures = [], []
    for exporter in ("torchscript", "dynamo"):
        rel = "pytorch/norms.%s.onnx" % exporter
        path = os.path.join(pm.FIX, rel)
        try:
            with torch.no_grad():
                pm.export(model, (torch.randn(1, 3, 8, 8),), path, exporter, ["x"], ["y"])
        except Exception as e:  # recorded, as pytorch_models.py does
            failures.append({"model": "norms", "exporter": exporter, "error": pm.first_line(e)[:300]})
            continue
        print("wrote %s (%d bytes)" % (rel, os.path.getsize(path)))
        entries.append({"file": rel, "source": "pytorch", "exporter": exporter, "generator": GEN, "model": "norms",
                        "description": "Conv2d, GroupNorm(4,16), GroupNorm(8,32), InstanceNorm2d(32, affine) and "
                                       "InstanceNorm2d(32) without affine parameters", "framework": fw})
    with open(os.path.join(pm.WORK, "pytorch_norms.json"), "w") as f:
        json.dump({"fixtures": entries, "exportFailures": failures}, f, indent=2, sort_keys=True)


if __name__ == "__main__":
    main()
