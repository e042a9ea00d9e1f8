"""The independent answer for `onnxscope diff` on a re-stored model (issue #15).

Given two ONNX files A (float, the source) and B (a conversion of it), pairs every
parameter of A with its counterpart in B and judges each pair against its conversion's
rounding bound. Written from the ONNX operator definitions and onnxruntime's file layouts,
not from OnnxScope's code:

* B's stored integer weights are dequantized with the onnx reference implementation
  (onnx.reference, `DequantizeLinear` with axis / block_size), after unpacking what the
  reference does not know (com.microsoft MatMulNBits' nibbles, the dynamic quantizer's
  scale behind `MatMulInteger`/`ConvInteger`, QLinearConv / QGemm INT32 biases whose scale is
  the activation's times the weight's).
* A float weight of A is paired with the dequantized or retyped tensor of B that is
  closest to it (smallest max |a - b|) among those of its element count, in its layout or
  transposed; packed tensors are found by slicing B's unpaired float weights along their
  first or last axis into A's unpaired weights (and split ones the other way round);
  BatchNorms of A after a Conv are folded in float64 and paired with the closest B weight.
* Per element bounds: retyped to FLOAT16 max(|a| 2^-11, 2^-25) (half an ulp, subnormal
  half-step floor), to BFLOAT16 max(|a| 2^-8, 2^-134), to FLOAT |a| 2^-24, to DOUBLE 0;
  quantized |s|/2 + min(d, |s|) + |a| 2^-20 with s the element's scale and d the distance
  of a outside the range the integer type can represent (saturation of at most one step);
  folded 2^-20 times the sum of the magnitudes of the fold's terms; packed, split and
  transposed copies 0. Saturation of a float type: an |a| beyond the target's largest
  finite value paired with that value or an infinity of the same sign is within bound.
"""

import math

import numpy as np
import onnx
from onnx import TensorProto as T
from onnx import helper, numpy_helper
from onnx.reference import ReferenceEvaluator

FLOAT_TYPES = {T.FLOAT, T.FLOAT16, T.BFLOAT16, T.DOUBLE}
TYPE_BITS = {T.FLOAT: 32, T.FLOAT16: 16, T.BFLOAT16: 16, T.DOUBLE: 64, T.INT8: 8, T.UINT8: 8, T.INT4: 4, T.UINT4: 4,
             T.INT32: 32, T.INT16: 16, T.UINT16: 16}
INT_RANGE = {T.INT8: (-128, 127), T.UINT8: (0, 255), T.INT4: (-8, 7), T.UINT4: (0, 15), T.INT16: (-32768, 32767),
             T.UINT16: (0, 65535), T.INT32: (-2 ** 31, 2 ** 31 - 1)}
FLOAT_MAX = {T.FLOAT16: 65504.0, T.BFLOAT16: 3.3895313892515355e38, T.FLOAT: 3.4028234663852886e38}
# (relative half ulp, absolute floor) of each target float type.
ROUNDING = {T.FLOAT16: (2.0 ** -11, 2.0 ** -25), T.BFLOAT16: (2.0 ** -8, 2.0 ** -134), T.FLOAT: (2.0 ** -24, 2.0 ** -150),
            T.DOUBLE: (0.0, 0.0)}


def initializer_arrays(m, base_dir):
    """Every initializer and Constant `value` of the main graph, as numpy arrays, by name."""
    out = {t.name: (t, numpy_helper.to_array(t, base_dir=base_dir)) for t in m.graph.initializer}
    for n in m.graph.node:
        if n.op_type == "Constant":
            for a in n.attribute:
                if a.name == "value":
                    out[n.output[0]] = (a.t, numpy_helper.to_array(a.t))
    return out


def reference_dequantize(x, x_type, scale, zero_point, axis=1, block_size=0):
    """y = (x - zero_point) * scale by onnx.reference's DequantizeLinear (opset 21)."""
    inits = [numpy_helper.from_array(scale.astype(np.float32), "s")]
    x_t = helper.make_tensor("x", x_type, list(x.shape), x.reshape(-1).astype(np.int64).tolist())
    inits.append(x_t)
    names = ["x", "s"]
    if zero_point is not None:
        inits.append(helper.make_tensor("z", x_type, list(zero_point.shape), zero_point.reshape(-1).astype(np.int64).tolist()))
        names.append("z")
    attrs = {"axis": axis}
    if block_size:
        attrs["block_size"] = block_size
    node = helper.make_node("DequantizeLinear", names, ["y"], **attrs)
    g = helper.make_graph([node], "dq", [], [helper.make_tensor_value_info("y", T.FLOAT, None)], initializer=inits)
    model = helper.make_model(g, opset_imports=[helper.make_opsetid("", 21)])
    return ReferenceEvaluator(model).run(None, {})[0].astype(np.float64)


def per_element(values, shape, axis, block_size=0):
    """Broadcasts a scale (or zero point) tensor to `shape` the way DequantizeLinear applies it."""
    v = np.asarray(values, dtype=np.float64)
    if v.size == 1:
        return np.full(shape, v.reshape(-1)[0])
    if block_size:
        return np.repeat(v, block_size, axis=axis).take(range(shape[axis]), axis=axis)
    sh = [1] * len(shape)
    sh[axis] = -1
    return np.broadcast_to(v.reshape(sh), shape)


class Dequantized:
    """A B weight read as the float tensor it stands for."""

    def __init__(self, name, values, scale, zero_point, qtype, granularity, bits, overhead, transposed_layout=False):
        self.name, self.values = name, values
        self.scale = scale            # per element, same shape as values
        self.lo = (INT_RANGE[qtype][0] - zero_point) * scale
        self.hi = (INT_RANGE[qtype][1] - zero_point) * scale
        self.granularity, self.bits, self.overhead = granularity, bits, overhead
        self.qtype = qtype
        self.transposed_layout = transposed_layout


def dequantized_weights(path):
    """Every weight of B that a quantization op reads as a weight, dequantized."""
    m = onnx.load(path)
    arrays = initializer_arrays(m, None)
    producers = {o: n for n in m.graph.node for o in n.output}
    consumers = {}
    for n in m.graph.node:
        for s, v in enumerate(n.input):
            consumers.setdefault(v, []).append((n, s))
    out = {}

    def attr(n, name, default=None):
        for a in n.attribute:
            if a.name == name:
                return helper.get_attribute_value(a)
        return default

    def arr(name):
        return arrays[name][1] if name in arrays else None

    def add(name, scale_name, zp_name, axis, block=0, granularity=None, extra=(), scale_values=None, transposed=False):
        if name not in arrays or name in out:
            return
        t, x = arrays[name]
        s = scale_values if scale_values is not None else arr(scale_name)
        z = arr(zp_name) if zp_name else None
        if s is None:
            return
        axis = axis % max(1, x.ndim)
        y = reference_dequantize(x, t.data_type, s, z, axis=axis, block_size=block)
        if granularity is None:
            granularity = "block %d" % block if block else ("per-tensor" if np.asarray(s).size == 1 else "per-channel")
        zz = per_element(z if z is not None else np.zeros(1), x.shape, axis, block)
        out[name] = Dequantized(name, y, per_element(s, x.shape, axis, block), zz, t.data_type, granularity,
                                TYPE_BITS[t.data_type], [v for v in [scale_name, zp_name] + list(extra) if v],
                                transposed)

    def weight_scale_behind(n):
        """The dynamic quantizer's weight scale: output -> Cast -> Mul(., Mul(x_scale, w_scale))."""
        v = n.output[0]
        for _ in range(2):
            for c, s in consumers.get(v, []):
                if c.op_type == "Cast":
                    v = c.output[0]
                    break
                if c.op_type == "Mul":
                    other = c.input[1 - s]
                    if other in arrays:
                        return other
                    p = producers.get(other)
                    if p is not None and p.op_type == "Mul":
                        return next((i for i in p.input if i in arrays), None)
        return None

    for n in m.graph.node:
        op = (n.domain + "." if n.domain not in ("", "ai.onnx") else "") + n.op_type
        if op == "DequantizeLinear":
            x = n.input[0]
            if x not in arrays and x in producers and producers[x].op_type == "Gather" and producers[x].input[0] in arrays:
                x = producers[x].input[0]  # rows gathered from an integer table, then dequantized
            add(x, n.input[1], n.input[2] if len(n.input) > 2 else None, attr(n, "axis", 1), attr(n, "block_size", 0))
        elif op in ("MatMulInteger", "ConvInteger"):
            sc = weight_scale_behind(n)
            add(n.input[1], sc, n.input[3] if len(n.input) > 3 else None, 0 if op == "ConvInteger" else 1)
        elif op == "QLinearConv":
            add(n.input[3], n.input[4], n.input[5], 0)
            if len(n.input) > 8 and n.input[8]:
                s = arr(n.input[1]).astype(np.float64) * arr(n.input[4]).astype(np.float64)
                add(n.input[8], None, None, 0, scale_values=s, extra=[])
        elif op == "QLinearMatMul":
            add(n.input[3], n.input[4], n.input[5], 1)
        elif op == "com.microsoft.QGemm":
            trans_b = attr(n, "transB", 0)
            add(n.input[3], n.input[4], n.input[5], 0 if trans_b else 1)
            if len(n.input) > 6 and n.input[6]:
                s = arr(n.input[1]).astype(np.float64) * arr(n.input[4]).astype(np.float64)
                add(n.input[6], None, None, 0, scale_values=s)
        elif op == "com.microsoft.MatMulNBits":
            k, nn, bits, block = attr(n, "K"), attr(n, "N"), attr(n, "bits", 4), attr(n, "block_size")
            packed = arr(n.input[1]).astype(np.uint8).reshape(nn, -1)
            per = 8 // bits
            q = np.stack([(packed >> (bits * i)) & ((1 << bits) - 1) for i in range(per)], axis=-1).reshape(nn, -1)[:, :k]
            blocks = (k + block - 1) // block
            scales = arr(n.input[2]).astype(np.float32).reshape(nn, blocks)
            zname = n.input[3] if len(n.input) > 3 and n.input[3] else None
            if zname:
                zp_packed = arr(zname).astype(np.uint8).reshape(nn, -1)
                zp = np.stack([(zp_packed >> (bits * i)) & ((1 << bits) - 1) for i in range(per)], axis=-1).reshape(nn, -1)[:, :blocks]
            else:
                zp = np.full((nn, blocks), 1 << (bits - 1))
            qtype = T.UINT4 if bits == 4 else T.UINT8
            y = reference_dequantize(q, qtype, scales, zp, axis=1, block_size=block)
            d = Dequantized(n.input[1], y.T, per_element(scales, q.shape, 1, block).T, per_element(zp, q.shape, 1, block).T,
                            qtype, "block %d" % block, bits, [v for v in [n.input[2], zname] if v])
            out[n.input[1]] = d
    return out


def bound_retyped(a, to_type):
    rel, floor = ROUNDING[to_type]
    return np.maximum(np.abs(a) * rel, floor if rel else 0.0)


def judge(a, b, bound, from_names, to_names, how, bits, granularity, before, after, saturate_type=None):
    """The statistics of one pairing; elements beyond the bound are counted."""
    bound = np.broadcast_to(np.asarray(bound, dtype=np.float64), np.shape(a)).reshape(-1)
    a = np.asarray(a).astype(np.float64).reshape(-1)
    b = np.asarray(b).astype(np.float64).reshape(-1)
    d = np.abs(b - a)
    ok = d <= bound
    if saturate_type is not None and saturate_type in FLOAT_MAX:
        big = np.abs(a) > FLOAT_MAX[saturate_type]
        sat = big & ((b == np.sign(a) * FLOAT_MAX[saturate_type]) | (b == np.sign(a) * np.inf))
        ok = ok | sat
        d = np.where(sat, 0.0, d)
    finite = np.isfinite(d)
    err2 = float(np.sum(np.where(finite, d, 0.0) ** 2))
    ref2 = float(np.sum(a ** 2))
    return {"from": from_names, "to": to_names, "how": how, "elements": int(a.size),
            "maxAbsError": float(np.max(np.where(finite, d, 0.0))) if a.size else 0.0,
            "bound": float(np.max(bound)) if a.size else 0.0,
            "sqnrDb": (10 * math.log10(ref2 / err2)) if err2 > 0 and ref2 > 0 else None,
            "bits": bits, "granularity": granularity, "before": before, "after": after,
            "beyondBound": int(np.sum(~ok)), "relativeL2": (math.sqrt(err2 / ref2) if ref2 > 0 else None)}


def quantized_bound(a, dq):
    s = np.abs(dq.scale).astype(np.float64)
    lo, hi = np.minimum(dq.lo, dq.hi), np.maximum(dq.lo, dq.hi)
    outside = np.maximum(0.0, np.maximum(lo - a, a - hi))
    return s / 2 + np.minimum(outside, s) + np.abs(a) * 2.0 ** -20


def is_float(w):
    return w["type"] in FLOAT_TYPES


def batchnorm_folds(path, arrays_of_a):
    """Each BatchNormalization of A after a Conv with stored weights: the folded W' and b' in float64,
    the names they come from, and per-element bounds (2^-20 times the fold's term magnitudes)."""
    m = onnx.load(path)
    producers = {o: n for n in m.graph.node for o in n.output}
    folds = []
    for n in m.graph.node:
        if n.op_type != "BatchNormalization":
            continue
        conv = producers.get(n.input[0])
        if conv is None or conv.op_type != "Conv" or conv.input[1] not in arrays_of_a:
            continue
        if any(v not in arrays_of_a for v in n.input[1:5]):
            continue
        eps = next((a.f for a in n.attribute if a.name == "epsilon"), 1e-5)
        w = arrays_of_a[conv.input[1]]
        gamma, beta, mean, var = (arrays_of_a[v] for v in n.input[1:5])
        has_bias = len(conv.input) > 2 and conv.input[2] in arrays_of_a
        b = arrays_of_a[conv.input[2]] if has_bias else np.zeros_like(mean)
        k = gamma / np.sqrt(var + np.float64(eps))
        shape = [-1] + [1] * (w.ndim - 1)
        w2 = w * k.reshape(shape)
        b2 = (b - mean) * k + beta
        bw = 2.0 ** -20 * np.abs(w2)
        bb = 2.0 ** -20 * (np.abs(b * k) + np.abs(mean * k) + np.abs(beta))
        folds.append({"weight": (w2, bw, [conv.input[1], n.input[1], n.input[4]]),
                      "bias": (b2, bb, ([conv.input[2]] if has_bias else []) + list(n.input[1:5]))})
    return folds


def restored_answer(path_a, path_b, A, B, partner, old):
    """The re-stored pairing of A and B on top of the name/content matching `partner` (A index -> B index).

    A and B are diff_pairs.weights_of lists; `old` is diff_pairs.expected_answer's result."""
    dq = dequantized_weights(path_b)
    overhead = {v for d in dq.values() for v in d.overhead}
    by_name_a = {w["name"]: i for i, w in enumerate(A)}
    by_name_b = {w["name"]: j for j, w in enumerate(B)}

    def param_a(i):
        return is_float(A[i]) and A[i]["values"].size >= 2

    def param_b(j):
        w = B[j]
        if w["name"] in dq:
            return True
        return is_float(w) and w["values"].size >= 2 and w["name"] not in overhead

    used_a = [p is not None for p in partner]
    used_b = [False] * len(B)
    for p in partner:
        if p is not None:
            used_b[p] = True
    judged = []  # judge() results

    def arr(w):
        return w["values"].reshape(w["dims"]) if w["dims"] else w["values"].reshape(())

    # 1. Name and content pairs: retyped, transposed.
    for i, j in enumerate(partner):
        if j is None:
            continue
        a, b = A[i], B[j]
        if not (param_a(i) and is_float(a) and is_float(b)):
            continue
        if a["type"] != b["type"] and a["dims"] == b["dims"]:
            judged.append(judge(a["values"], b["values"], bound_retyped(a["values"], b["type"]), [a["name"]], [b["name"]],
                                "retyped", TYPE_BITS[b["type"]], None, T.DataType.Name(a["type"]), T.DataType.Name(b["type"]),
                                saturate_type=b["type"]))
        elif a["dims"] != b["dims"] and len(a["dims"]) == 2 and a["dims"][::-1] == b["dims"]:
            judged.append(judge(arr(a).T, arr(b), 0.0, [a["name"]], [b["name"]], "transposed", None, None,
                                T.DataType.Name(a["type"]), T.DataType.Name(b["type"])))

    # 2. Dequantized weights of B: the closest unpaired parameter of A, in its layout or transposed.
    for j, b in enumerate(B):
        d = dq.get(b["name"])
        if d is None or used_b[j]:
            continue
        best = None
        for i, a in enumerate(A):
            if used_a[i] or not param_a(i) or a["values"].size != d.values.size:
                continue
            x = arr(a)
            for transposed in (False, True):
                if transposed and (x.ndim != 2 or x.T.shape != d.values.shape):
                    continue
                if not transposed and x.shape != d.values.shape:
                    continue
                xx = x.T if transposed else x
                err = float(np.max(np.abs(xx - d.values)))
                if best is None or err < best[0]:
                    best = (err, i, transposed, xx)
        if best is None:
            continue
        _, i, transposed, xx = best
        used_a[i], used_b[j] = True, True
        r = judge(xx, d.values, quantized_bound(xx, d), [A[i]["name"]], [b["name"]], "quantized", d.bits, d.granularity,
                  T.DataType.Name(A[i]["type"]), T.DataType.Name(b["type"]))
        r["transposed"] = transposed
        r["overhead"] = d.overhead
        judged.append(r)
        for v in d.overhead:
            if v in by_name_b:
                used_b[by_name_b[v]] = True

    # 3. BatchNorms folded into the Conv before them.
    arrays_a = {w["name"]: arr(w) for w in A if w["scope"] == "main"}
    for fold in batchnorm_folds(path_a, arrays_a):
        for part in ("weight", "bias"):
            expected, bound, sources = fold[part]
            best = None
            for j, b in enumerate(B):
                if used_b[j] or not param_b(j) or not is_float(b) or list(expected.shape) != b["dims"]:
                    continue
                err = float(np.max(np.abs(arr(b) - expected)))
                if best is None or err < best[0]:
                    best = (err, j)
            if best is None:
                continue
            j = best[1]
            used_b[j] = True
            for v in sources:
                used_a[by_name_a[v]] = True
            judged.append(judge(expected, arr(B[j]), bound, sources, [B[j]["name"]], "folded", None, None,
                                T.DataType.Name(A[by_name_a[sources[0]]]["type"]), T.DataType.Name(B[j]["type"])))

    # 4. Packed (several of A are slices of one of B) and split (one of A is several of B).
    def pack(X, X_used, X_param, Y, Y_used, Y_param, how):
        for j, y in enumerate(Y):
            if Y_used[j] or not Y_param(j) or not is_float(y) or len(y["dims"]) == 0:
                continue
            full = arr(y)
            for axis in sorted({0, full.ndim - 1}):
                offset, parts = 0, []
                while offset < full.shape[axis]:
                    hit = None
                    for i, x in enumerate(X):
                        if X_used[i] or i in parts or not X_param(i) or x["type"] != y["type"] or len(x["dims"]) != full.ndim:
                            continue
                        xs = arr(x)
                        if any(xs.shape[k] != full.shape[k] for k in range(full.ndim) if k != axis):
                            continue
                        n = xs.shape[axis]
                        if offset + n > full.shape[axis] or n == full.shape[axis]:
                            continue
                        # A slice that holds the part's values (at least 90% of them exactly, so that a
                        # damaged pack is still found, and judged).
                        if np.mean(np.take(full, range(offset, offset + n), axis=axis) == xs) >= 0.9:
                            hit = i
                            break
                    if hit is None:
                        break
                    parts.append(hit)
                    offset += arr(X[hit]).shape[axis]
                if offset == full.shape[axis] and len(parts) >= 2:
                    for i in parts:
                        X_used[i] = True
                    Y_used[j] = True
                    names = [X[i]["name"] for i in parts]
                    joined = np.concatenate([arr(X[i]) for i in parts], axis=axis)
                    judged.append(judge(joined if how == "packed" else full, full if how == "packed" else joined, 0.0,
                                        names if how == "packed" else [y["name"]],
                                        [y["name"]] if how == "packed" else names, how, None, None,
                                        T.DataType.Name(y["type"]), T.DataType.Name(y["type"])))
                    break

    pack(A, used_a, param_a, B, used_b, param_b, "packed")
    pack(B, used_b, param_b, A, used_a, param_a, "split")

    # 5. Transposed copies under new names.
    for i, a in enumerate(A):
        if used_a[i] or not param_a(i) or len(a["dims"]) != 2:
            continue
        for j, b in enumerate(B):
            if used_b[j] or not param_b(j) or b["type"] != a["type"] or b["dims"] != a["dims"][::-1]:
                continue
            if np.array_equal(arr(a).T, arr(b)):
                used_a[i], used_b[j] = True, True
                judged.append(judge(arr(a).T, arr(b), 0.0, [a["name"]], [b["name"]], "transposed", None, None,
                                    T.DataType.Name(a["type"]), T.DataType.Name(b["type"])))
                break

    restored = [r for r in judged if r["beyondBound"] == 0]
    beyond = [{"name": r["to"][0], "from": r["from"], "how": r["how"], "changedElements": r["beyondBound"],
               "maxAbsDiff": r["maxAbsError"], "bound": r["bound"], "relativeL2": r["relativeL2"]}
              for r in judged if r["beyondBound"] > 0]
    plain_changed = [dict(c, **{"from": None, "how": None, "bound": None}) for c in old["tensors"]["valuesChanged"]
                     if param_b(by_name_b[c["name"]])]
    removed = [A[i]["name"] for i in range(len(A)) if not used_a[i] and param_a(i)]
    added = [B[j]["name"] for j in range(len(B)) if not used_b[j] and param_b(j)]
    non_removed = [i for i in range(len(A)) if not used_a[i] and not param_a(i)]
    non_added = [j for j in range(len(B)) if not used_b[j] and not param_b(j)]
    interface = old["inputs"] or old["outputs"]
    transposed_to = {r["to"][0] for r in judged if r["how"] == "transposed"}
    reshaped = [r for r in old["tensors"]["reshaped"] if r["name"] not in transposed_to
                and param_b(by_name_b[r["name"]])]
    if old["identical"]:
        verdict = "identical"
    elif not (removed or added or beyond or plain_changed or interface or reshaped):
        verdict = "restored"
    else:
        verdict = "changed"
    return {"verdict": verdict, "exitCode": 0 if verdict == "identical" else 1,
            "exitCodeRestoredOk": 0 if verdict in ("identical", "restored") else 1,
            "restored": [{k: r[k] for k in ("from", "to", "how", "elements", "maxAbsError", "bound", "sqnrDb", "bits",
                                            "granularity", "before", "after")} for r in restored],
            "valuesChanged": plain_changed + beyond,
            "removed": removed, "added": added,
            "pairedOverhead": sorted({v for r in judged for v in r.get("overhead", [])}),
            "nonParameters": {"removed": len(non_removed), "removedElements": int(sum(A[i]["values"].size for i in non_removed)),
                              "added": len(non_added), "addedElements": int(sum(B[j]["values"].size for j in non_added))}}
