"""Recurrent layers written out by hand with onnx.helper, from real torch weights (issue #13).

Run with the torch venv:  /work/venv-torch/bin/python Fixtures/generate/onnx_cells.py
Writes into Fixtures/pytorch/ (source "torch-issue13", exporter "onnx.helper") and the sidecar
Fixtures/generate/.work/onnx_cells.json:
- if_lstm_gru.onnx: an If inside an If. The inner then-branch runs an ONNX LSTM, the inner
  else-branch an ONNX GRU; their weights are torch's own tensors (nn.LSTM(8,16), nn.GRU(8,16))
  stored as Constant nodes in torch's gate order and layout, and put into ONNX's order with
  Slice and Concat inside the branch (gate-slice bounds are Constants of the main graph).
  Truth: the torch modules (module_truth.py).
- loop_<cell>_<form>.onnx: one cell written out as MatMul/Gemm + Add + Sigmoid/Tanh (+ Mul)
  in a Loop body over the time steps of x [5, 2, 8]: `concat` multiplies concat(x_t, h) by one
  [8+16, gates*16] weight with one (summed) bias, main-graph initializers read from the body;
  `separate` keeps torch's W_ih, W_hh, b_ih, b_hh as initializers of the body itself. Truth: the
  cell's own sizes as built (parameters = what the file stores for it) plus the torch cell's count.
Every file is run with onnx's reference evaluator and compared with torch before it is written.
"""

import os
import sys

import numpy as np
import onnx
import torch
import torch.nn as nn
from onnx import TensorProto, helper, numpy_helper
from onnx.reference import ReferenceEvaluator

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from module_truth import framework_numbers  # noqa: E402
import sidecar  # noqa: E402
from pytorch_models import randomize  # noqa: E402

FIX = os.path.dirname(HERE)
OUT = os.path.join(FIX, "pytorch")
GEN = "generate/onnx_cells.py"
SOURCE = "torch-issue13"
I, H, T, B = 8, 16, 5, 2
OPSET = 18


def arr(t):
    return t.detach().numpy().astype(np.float32)


def const(name, value):
    return helper.make_node("Constant", [], [name], value=numpy_helper.from_array(value, name))


def model_of(graph):
    m = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)], producer_name="onnxscope-fixtures")
    m.ir_version = 8
    onnx.checker.check_model(m, full_check=True)
    return m


# ------------------------------------------------------------------ nested If with LSTM and GRU
def reorder(prefix, src, order, gates, out):
    """Nodes slicing `src` ([gates*H, ...]) into gate blocks and concatenating them in `order`."""
    nodes = []
    for g in range(gates):
        nodes.append(helper.make_node("Slice", [src, "gate_start_%d" % g, "gate_end_%d" % g, "axis0"],
                                      ["%s_g%d" % (prefix, g)]))
    nodes.append(helper.make_node("Concat", ["%s_g%d" % (prefix, g) for g in order], [out], axis=0))
    return nodes


def recurrent_branch(kind, mod, name):
    """A branch graph running ONNX LSTM/GRU on x with the torch module's Constant weights."""
    gates, order = (4, [0, 3, 1, 2]) if kind == "LSTM" else (3, [1, 0, 2])  # torch ifgo -> iofc, rzn -> zrh
    nodes = []
    for p in ("weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0"):
        nodes.append(const("%s.%s" % (name, p), arr(getattr(mod, p))))
    nodes += reorder(name + "_w", name + ".weight_ih_l0", order, gates, name + "_W2")
    nodes += reorder(name + "_r", name + ".weight_hh_l0", order, gates, name + "_R2")
    nodes += reorder(name + "_bw", name + ".bias_ih_l0", order, gates, name + "_Bw")
    nodes += reorder(name + "_br", name + ".bias_hh_l0", order, gates, name + "_Br")
    nodes.append(helper.make_node("Concat", [name + "_Bw", name + "_Br"], [name + "_B1"], axis=0))
    for src in ("W2", "R2", "B1"):
        nodes.append(helper.make_node("Unsqueeze", [name + "_" + src, "axis0"], [name + "_" + src + "u"]))
    attrs = {"hidden_size": H}
    if kind == "GRU":
        attrs["linear_before_reset"] = 1  # torch's GRU
    nodes.append(helper.make_node(kind, ["x", name + "_W2u", name + "_R2u", name + "_B1u"],
                                  [name + "_Y", name + "_Yh"], **attrs))
    out = helper.make_tensor_value_info(name + "_Yh", TensorProto.FLOAT, [1, B, H])
    return helper.make_graph(nodes, name + "_branch", [], [out])


class Pair(nn.Module):
    def __init__(self):
        super().__init__()
        self.lstm = nn.LSTM(I, H)
        self.gru = nn.GRU(I, H)


def if_lstm_gru():
    torch.manual_seed(0)
    pair = Pair().eval()
    randomize(pair)
    inner = helper.make_node("If", ["c2"], ["inner_y"], then_branch=recurrent_branch("LSTM", pair.lstm, "lstm"),
                             else_branch=recurrent_branch("GRU", pair.gru, "gru"))
    then_g = helper.make_graph([inner], "outer_then", [],
                               [helper.make_tensor_value_info("inner_y", TensorProto.FLOAT, [1, B, H])])
    else_g = helper.make_graph([helper.make_node("Identity", ["h_default"], ["default_y"])], "outer_else", [],
                               [helper.make_tensor_value_info("default_y", TensorProto.FLOAT, [1, B, H])])
    nodes = [const("gate_start_%d" % g, np.array([g * H], np.int64)) for g in range(4)]
    nodes += [const("gate_end_%d" % g, np.array([(g + 1) * H], np.int64)) for g in range(4)]
    nodes.append(const("axis0", np.array([0], np.int64)))
    nodes.append(helper.make_node("If", ["c1"], ["y"], then_branch=then_g, else_branch=else_g))
    inputs = [helper.make_tensor_value_info("x", TensorProto.FLOAT, [T, B, I]),
              helper.make_tensor_value_info("c1", TensorProto.BOOL, []),
              helper.make_tensor_value_info("c2", TensorProto.BOOL, []),
              helper.make_tensor_value_info("h_default", TensorProto.FLOAT, [1, B, H])]
    graph = helper.make_graph(nodes, "if_lstm_gru", inputs, [helper.make_tensor_value_info("y", TensorProto.FLOAT,
                                                                                         [1, B, H])])
    m = model_of(graph)
    x = torch.randn(T, B, I, generator=torch.Generator().manual_seed(2))
    ev = ReferenceEvaluator(m)
    feeds = {"x": arr(x), "h_default": np.zeros((1, B, H), np.float32)}
    with torch.no_grad():
        for c2, mod in ((True, pair.lstm), (False, pair.gru)):
            got = ev.run(None, dict(feeds, c1=np.array(True), c2=np.array(c2)))[0]
            state = mod(x)[1]
            want = arr(state[0] if isinstance(state, tuple) else state)  # LSTM: (h_n, c_n)
            if not np.allclose(got, want, atol=1e-5):
                raise SystemExit("if_lstm_gru: %s branch differs from torch" % type(mod).__name__)
    fw = framework_numbers(pair)
    desc = ("If(c1){If(c2){ONNX LSTM(8->16)}else{ONNX GRU(8->16, linear_before_reset)}}else{Identity}: torch's "
            "weights as Constant nodes in torch's gate order, reordered with Slice/Concat in the branch")
    return "if_lstm_gru", desc, m, fw


# ------------------------------------------------------------------ cells written out in a Loop body
def gemm(x, w, b, out):
    return helper.make_node("Gemm", [x, w, b], [out], transB=1)


def cell_body(kind, form, cell, name):
    """(body nodes, body initializers, main initializers, cell parameters as built)."""
    gates = {"LSTM": 4, "GRU": 3, "RNN": 1}[kind]
    w_ih, w_hh, b_ih, b_hh = (arr(getattr(cell, p)) for p in ("weight_ih", "weight_hh", "bias_ih", "bias_hh"))
    nodes = [helper.make_node("Gather", ["x", "iter"], ["x_t"], axis=0)]
    body_init, main_init = [], []
    if form == "concat":
        w = np.concatenate([w_ih.T, w_hh.T], axis=0)  # [I+H, gates*H]
        main_init += [numpy_helper.from_array(w, name + ".W"), numpy_helper.from_array(b_ih + b_hh, name + ".b")]
        nodes += [helper.make_node("Concat", ["x_t", "h_prev"], ["xh"], axis=1),
                  helper.make_node("MatMul", ["xh", name + ".W"], ["xw"]),
                  helper.make_node("Add", ["xw", name + ".b"], ["pre"])]
        params = w.size + b_ih.size
    else:
        body_init += [numpy_helper.from_array(a, name + "." + p) for a, p in
                      ((w_ih, "weight_ih"), (w_hh, "weight_hh"), (b_ih, "bias_ih"), (b_hh, "bias_hh"))]
        nodes += [gemm("x_t", name + ".weight_ih", name + ".bias_ih", "gi"),
                  gemm("h_prev", name + ".weight_hh", name + ".bias_hh", "gh")]
        if kind != "GRU":
            nodes.append(helper.make_node("Add", ["gi", "gh"], ["pre"]))
        params = w_ih.size + w_hh.size + b_ih.size + b_hh.size
    if kind == "RNN":
        nodes.append(helper.make_node("Tanh", ["pre"], ["h"]))
    elif kind == "LSTM":
        nodes += [helper.make_node("Split", ["pre"], ["pi", "pf", "pg", "po"], axis=1, num_outputs=4),
                  helper.make_node("Sigmoid", ["pi"], ["gi_"]), helper.make_node("Sigmoid", ["pf"], ["gf"]),
                  helper.make_node("Tanh", ["pg"], ["gg"]), helper.make_node("Sigmoid", ["po"], ["go"]),
                  helper.make_node("Mul", ["gf", "c_prev"], ["fc"]), helper.make_node("Mul", ["gi_", "gg"], ["ig"]),
                  helper.make_node("Add", ["fc", "ig"], ["c"]), helper.make_node("Tanh", ["c"], ["tc"]),
                  helper.make_node("Mul", ["go", "tc"], ["h"])]
    else:  # GRU, torch's form: n = tanh(W_in x + b_in + r * (W_hn h + b_hn)); h = n + z * (h_prev - n)
        nodes += [helper.make_node("Split", ["gi"], ["ir", "iz", "in"], axis=1, num_outputs=3),
                  helper.make_node("Split", ["gh"], ["hr", "hz", "hn"], axis=1, num_outputs=3),
                  helper.make_node("Add", ["ir", "hr"], ["sr"]), helper.make_node("Sigmoid", ["sr"], ["r"]),
                  helper.make_node("Add", ["iz", "hz"], ["sz"]), helper.make_node("Sigmoid", ["sz"], ["z"]),
                  helper.make_node("Mul", ["r", "hn"], ["rhn"]), helper.make_node("Add", ["in", "rhn"], ["sn"]),
                  helper.make_node("Tanh", ["sn"], ["n"]), helper.make_node("Sub", ["h_prev", "n"], ["d"]),
                  helper.make_node("Mul", ["z", "d"], ["zd"]), helper.make_node("Add", ["n", "zd"], ["h"])]
    nodes += [helper.make_node("Identity", ["cond_in"], ["cond_out"]),
              helper.make_node("Identity", ["h"], ["h_scan"])]
    return nodes, body_init, main_init, params, gates


def loop_cell(kind, form):
    torch.manual_seed(0)
    ctor = {"LSTM": nn.LSTMCell, "GRU": nn.GRUCell, "RNN": nn.RNNCell}[kind]
    holder = nn.Module()
    holder.cell = ctor(I, H)
    randomize(holder)
    cell = holder.cell.eval()
    name = kind.lower() + "_cell"
    nodes, body_init, main_init, params, gates = cell_body(kind, form, cell, name)
    f = TensorProto.FLOAT
    state = [("h_prev", "h")] + ([("c_prev", "c")] if kind == "LSTM" else [])
    body_in = [helper.make_tensor_value_info("iter", TensorProto.INT64, []),
               helper.make_tensor_value_info("cond_in", TensorProto.BOOL, [])]
    body_in += [helper.make_tensor_value_info(p, f, [B, H]) for p, _ in state]
    body_out = [helper.make_tensor_value_info("cond_out", TensorProto.BOOL, [])]
    body_out += [helper.make_tensor_value_info(o, f, [B, H]) for _, o in state]
    body_out.append(helper.make_tensor_value_info("h_scan", f, [B, H]))
    body = helper.make_graph(nodes, name + "_body", body_in, body_out, initializer=body_init)
    loop_in = ["trip", "keep_going"] + [p.replace("_prev", "0") for p, _ in state]
    loop_out = ["h_last"] + (["c_last"] if kind == "LSTM" else []) + ["hs"]
    main = [const("trip", np.array(T, np.int64)), const("keep_going", np.array(True)),
            helper.make_node("Loop", loop_in, loop_out, body=body)]
    inputs = [helper.make_tensor_value_info("x", f, [T, B, I])]
    inputs += [helper.make_tensor_value_info(p.replace("_prev", "0"), f, [B, H]) for p, _ in state]
    outputs = [helper.make_tensor_value_info("h_last", f, [B, H]), helper.make_tensor_value_info("hs", f, [T, B, H])]
    model = model_of(helper.make_graph(main, "loop_" + name, inputs, outputs, initializer=main_init))

    g = torch.Generator().manual_seed(3)
    x, h0, c0 = torch.randn(T, B, I, generator=g), torch.randn(B, H, generator=g), torch.randn(B, H, generator=g)
    feeds = {"x": arr(x), "h0": arr(h0)}
    if kind == "LSTM":
        feeds["c0"] = arr(c0)
    got = ReferenceEvaluator(model).run(None, feeds)[0]
    with torch.no_grad():
        h, c = h0, c0
        for t in range(T):
            if kind == "LSTM":
                h, c = cell(x[t], (h, c))
            else:
                h = cell(x[t], h)
    if not np.allclose(got, arr(h), atol=1e-5):
        raise SystemExit("loop %s %s differs from torch" % (kind, form))

    torch_count = sum(p.numel() for p in cell.parameters())
    module = {"name": name, "type": kind + "Cell", "torchClass": type(cell).__name__, "parameters": params,
              "hyper": {"input_size": I, "hidden_size": H, "bias": True, "form": form,
                        "biases": 1 if form == "concat" else 2, "gates": gates, "inLoop": True}}
    fw = {"name": "onnx.helper", "version": onnx.__version__, "totalParameters": params,
          "trainableParameters": params, "buffers": 0,
          "parameters": {t.name: list(t.dims) for t in main_init + body_init}, "modules": [module],
          "tiedParameters": [], "torchParameters": torch_count, "torchClass": type(cell).__name__}
    where = ("one [%d,%d] weight on concat(x_t, h) and one summed bias, main-graph initializers"
             % (I + H, gates * H)) if form == "concat" else "torch's W_ih, W_hh, b_ih, b_hh as body initializers (Gemm)"
    desc = "%s cell (8->16) written out in a Loop body over 5 steps: %s" % (kind, where)
    return "loop_%s_cell_%s" % (kind.lower(), form), desc, model, fw


def main():
    os.makedirs(OUT, exist_ok=True)
    built = [if_lstm_gru()]
    for kind, form in (("LSTM", "concat"), ("LSTM", "separate"), ("GRU", "separate"), ("RNN", "concat"),
                       ("RNN", "separate")):
        built.append(loop_cell(kind, form))
    entries = []
    for name, desc, model, fw in built:
        rel = "pytorch/%s.onnx" % name
        onnx.save(model, os.path.join(FIX, rel))
        print("wrote %s (%d bytes)" % (rel, os.path.getsize(os.path.join(FIX, rel))))
        entries.append({"file": rel, "source": SOURCE, "exporter": "onnx.helper", "generator": GEN, "model": name,
                        "description": desc, "framework": fw})
    sidecar.write("onnx_cells.json", entries, [])


if __name__ == "__main__":
    main()
