#!/usr/bin/env python3
"""Builds one tiny ONNX model per kernel case, with seeded random shapes and inputs,
and saves onnxruntime's outputs as the reference.

Writes fixtures/ops/<case>.onnx, <case>.in<i>.npy (graph inputs, in order) and
<case>.out<i>.npy (graph outputs, in order).

    .venv/bin/python tools/export_op_tests.py [--out DIR]
"""
import argparse
import os

import numpy as np
import onnx
import onnxruntime as ort
from onnx import TensorProto, helper, numpy_helper

rng = np.random.default_rng(1234)


def rand(*shape):
    return rng.standard_normal(shape).astype(np.float32)


def dim(lo, hi):
    return int(rng.integers(lo, hi + 1))


CASES = []


def case(name, op, inputs, consts=None, attrs=None, outputs=1, opset=17, nodes=None):
    """inputs: list of (name, array) fed at run time; consts: list of (name, array)
    initializers; nodes: explicit node list instead of a single `op` node."""
    CASES.append(dict(name=name, op=op, inputs=inputs, consts=consts or [], attrs=attrs or {},
                      outputs=outputs, opset=opset, nodes=nodes))


def conv_cases():
    for i, (k, s, p, d, g, auto) in enumerate([
            (3, 1, 1, 1, 1, None), (3, 2, 1, 1, 1, None), (5, 1, 2, 2, 1, None), (1, 1, 0, 1, 1, None),
            (3, 1, 1, 1, 2, None), (3, 1, 1, 1, "dw", None), (3, 2, 1, 1, "dw", None), (5, 1, 4, 2, "dw", None),
            (3, 2, 0, 1, 1, "SAME_UPPER"), (4, 2, 0, 1, 1, "SAME_LOWER"), (3, 1, 0, 1, 1, "VALID"), (1, 2, 0, 1, 1, None)]):
        n, c, h, w = dim(1, 2), dim(2, 6), dim(9, 17), dim(9, 17)
        if g == "dw":
            g = c
            m = c
        else:
            c = c * g
            m = dim(1, 4) * g
        attrs = dict(kernel_shape=[k, k], strides=[s, s], dilations=[d, d], group=g)
        if auto:
            attrs["auto_pad"] = auto
        else:
            attrs["pads"] = [p, p, max(p - 1, 0), p]
        consts = [("W", rand(m, c // g, k, k))] + ([("B", rand(m))] if i % 2 == 0 else [])
        case(f"conv_{i}", "Conv", [("X", rand(n, c, h, w))], consts, attrs)


def conv_transpose_cases():
    for i, (k, s, p, op_, g, out_shape) in enumerate([(2, 2, 0, 0, 1, None), (3, 2, 1, 1, 1, None), (3, 1, 1, 0, 2, None),
                                                     (4, 2, 1, 0, 1, None), (3, 2, 0, 0, 1, [11, 13])]):
        n, c, h, w, m = dim(1, 2), 2 * dim(1, 3), dim(3, 6), dim(3, 6), 2 * dim(1, 3)
        if out_shape:
            h, w = 5, 6
        attrs = dict(kernel_shape=[k, k], strides=[s, s], group=g)
        if out_shape:
            attrs["output_shape"] = out_shape
        else:
            attrs.update(pads=[p, p, p, p], output_padding=[op_, op_])
        case(f"convtranspose_{i}", "ConvTranspose", [("X", rand(n, c, h, w))], [("W", rand(c, m // g, k, k)), ("B", rand(m))], attrs)


def simple_cases():
    x4 = lambda: rand(dim(1, 2), dim(2, 5), dim(3, 9), dim(3, 9))
    case("gemm_0", "Gemm", [("A", rand(4, 6))], [("B", rand(6, 5)), ("C", rand(5))])
    case("gemm_1", "Gemm", [("A", rand(6, 4))], [("B", rand(5, 6)), ("C", rand(4, 1))], dict(transA=1, transB=1, alpha=0.5, beta=2.0))
    case("matmul_0", "MatMul", [("A", rand(3, 4)), ("B", rand(4, 5))])
    case("matmul_1", "MatMul", [("A", rand(2, 3, 4, 6)), ("B", rand(3, 6, 5))])
    case("matmul_2", "MatMul", [("A", rand(6)), ("B", rand(2, 6, 3))])
    x = x4(); c = x.shape[1]
    case("batchnorm", "BatchNormalization", [("X", x)], [("s", rand(c)), ("b", rand(c)), ("m", rand(c)), ("v", np.abs(rand(c)) + 0.5)], dict(epsilon=1e-3))
    for op, attrs in [("Relu", {}), ("LeakyRelu", dict(alpha=0.2)), ("Sigmoid", {}), ("HardSigmoid", dict(alpha=0.3, beta=0.4)),
                      ("HardSwish", {}), ("Tanh", {})]:
        case(op.lower(), op, [("X", x4() * 4)], attrs=attrs)
    case("clip", "Clip", [("X", x4() * 4)], [("lo", np.array(-1.5, np.float32)), ("hi", np.array(2.0, np.float32))])
    case("clip_min_only", "Clip", [("X", x4() * 4)], [("lo", np.array(0, np.float32))])
    case("softmax_last", "Softmax", [("X", x4())])
    case("softmax_axis1", "Softmax", [("X", x4())], attrs=dict(axis=1))
    case("softmax_opset11", "Softmax", [("X", x4())], attrs=dict(axis=1), opset=11)
    case("logsoftmax", "LogSoftmax", [("X", x4())], attrs=dict(axis=1))
    for op in ["Add", "Sub", "Mul", "Div"]:
        a = x4()
        n, c, h, w = a.shape
        case(f"{op.lower()}_same", op, [("A", a), ("B", rand(n, c, h, w) + (3 if op == "Div" else 0))])
        case(f"{op.lower()}_channel", op, [("A", a), ("B", rand(1, c, 1, 1) + (3 if op == "Div" else 0))])
        case(f"{op.lower()}_mixed", op, [("A", rand(n, 1, h, 1))], [("B", rand(c, 1, w) + (3 if op == "Div" else 0))])
    a = x4()
    case("concat", "Concat", [("A", a), ("B", rand(a.shape[0], 3, *a.shape[2:]))], attrs=dict(axis=1))
    case("concat_last", "Concat", [("A", a), ("B", rand(*a.shape[:3], 2))], attrs=dict(axis=-1))
    case("split_input", "Split", [("X", rand(2, 7, 4))], [("s", np.array([2, 5], np.int64))], dict(axis=1), outputs=2)
    case("split_equal", "Split", [("X", rand(2, 6, 4))], attrs=dict(axis=1), outputs=3)
    case("split_attr_opset11", "Split", [("X", rand(2, 6, 4))], attrs=dict(axis=2, split=[1, 3]), outputs=2, opset=11)
    case("slice", "Slice", [("X", rand(3, 8, 9))], [("s", np.array([1, -7], np.int64)), ("e", np.array([100, -1], np.int64)),
                                                   ("a", np.array([1, 2], np.int64)), ("t", np.array([2, 3], np.int64))])
    case("slice_negative_step", "Slice", [("X", rand(3, 8, 9))], [("s", np.array([-1], np.int64)), ("e", np.array([-100], np.int64)),
                                                                  ("a", np.array([2], np.int64)), ("t", np.array([-2], np.int64))])
    case("reshape", "Reshape", [("X", rand(2, 3, 4, 5))], [("s", np.array([0, -1, 5], np.int64))])
    case("flatten", "Flatten", [("X", rand(2, 3, 4, 5))], attrs=dict(axis=2))
    case("squeeze", "Squeeze", [("X", rand(2, 1, 4, 1))], [("a", np.array([1, -1], np.int64))])
    case("unsqueeze", "Unsqueeze", [("X", rand(2, 4))], [("a", np.array([0, 3], np.int64))])
    case("transpose_nhwc", "Transpose", [("X", rand(2, 5, 6, 3))], attrs=dict(perm=[0, 3, 1, 2]))
    case("transpose_default", "Transpose", [("X", rand(2, 5, 6))])
    for i, (k, s, p, ceil, d) in enumerate([(2, 2, 0, 0, 1), (3, 2, 1, 0, 1), (3, 2, 0, 1, 1), (3, 1, 1, 0, 2)]):
        attrs = dict(kernel_shape=[k, k], strides=[s, s], pads=[p] * 4, ceil_mode=ceil, dilations=[d, d])
        case(f"maxpool_{i}", "MaxPool", [("X", x4())], attrs=attrs, outputs=2 if d == 1 else 1)
        attrs.pop("dilations")
        case(f"averagepool_{i}", "AveragePool", [("X", x4())], attrs=dict(attrs, count_include_pad=i % 2))
    case("globalaveragepool", "GlobalAveragePool", [("X", x4())])
    case("reducemean", "ReduceMean", [("X", x4())], attrs=dict(axes=[2, 3], keepdims=1))
    case("reducemean_nokeep", "ReduceMean", [("X", x4())], attrs=dict(axes=[1], keepdims=0))
    case("argmax", "ArgMax", [("X", x4())], attrs=dict(axis=1, keepdims=0))
    case("argmax_keep", "ArgMax", [("X", x4())], attrs=dict(axis=-1, keepdims=1))
    for mode in ["constant", "reflect", "edge"]:
        case(f"pad_{mode}", "Pad", [("X", x4())], [("p", np.array([0, 0, 1, 2, 0, 0, 2, 1], np.int64))] +
             ([("v", np.array(1.5, np.float32))] if mode == "constant" else []), dict(mode=mode))
    case("pad_crop", "Pad", [("X", x4())], [("p", np.array([0, 0, -1, 1, 0, 0, 1, -1], np.int64))])


def resize_cases():
    i = 0
    for mode, ctm, nm in [("nearest", "asymmetric", "floor"), ("nearest", "half_pixel", "round_prefer_floor"),
                          ("nearest", "align_corners", "round_prefer_ceil"), ("nearest", "tf_half_pixel_for_nn", "ceil"),
                          ("linear", "half_pixel", None), ("linear", "pytorch_half_pixel", None),
                          ("linear", "align_corners", None), ("linear", "asymmetric", None)]:
        for scales in [[1, 1, 2.0, 1.5], [1, 1, 0.5, 0.75]]:
            attrs = dict(mode=mode, coordinate_transformation_mode=ctm)
            if nm:
                attrs["nearest_mode"] = nm
            case(f"resize_{i}", "Resize", [("X", rand(2, 3, 6, 8))], [("roi", np.array([], np.float32)), ("scales", np.array(scales, np.float32))], attrs)
            i += 1
    case("resize_sizes", "Resize", [("X", rand(1, 2, 5, 7))], [("roi", np.array([], np.float32)), ("scales", np.array([], np.float32)),
                                                               ("sizes", np.array([1, 2, 9, 4], np.int64))], dict(mode="linear"))


def graph_cases():
    """Multi-node graphs: the Shape/Gather/Cast/Concat chain exporters emit for dynamic
    Resize sizes, ConstantOfShape, Identity/Dropout, MaxPool indices into MaxUnpool."""
    nodes = [
        helper.make_node("Shape", ["X"], ["shape"]),
        helper.make_node("Gather", ["shape", "hw_idx"], ["hw"], axis=0),
        helper.make_node("Cast", ["hw"], ["hw_f"], to=TensorProto.FLOAT),
        helper.make_node("Mul", ["hw_f", "two"], ["hw2_f"]),
        helper.make_node("Cast", ["hw2_f"], ["hw2"], to=TensorProto.INT64),
        helper.make_node("Slice", ["shape", "zero", "two_i"], ["nc"]),
        helper.make_node("Concat", ["nc", "hw2"], ["sizes"], axis=0),
        helper.make_node("Resize", ["X", "", "", "sizes"], ["up"], mode="linear"),
        helper.make_node("Shape", ["up"], ["up_shape"]),
        helper.make_node("ConstantOfShape", ["up_shape"], ["ones"], value=numpy_helper.from_array(np.array([1.0], np.float32))),
        helper.make_node("Add", ["up", "ones"], ["sum"]),
        helper.make_node("Identity", ["sum"], ["same"]),
        helper.make_node("Dropout", ["same"], ["Y"]),
    ]
    consts = [("hw_idx", np.array([2, 3], np.int64)), ("two", np.array([2.0, 2.0], np.float32)),
              ("zero", np.array([0], np.int64)), ("two_i", np.array([2], np.int64))]
    case("graph_shape_chain", None, [("X", rand(2, 3, 5, 6))], consts, nodes=nodes)
    nodes = [
        helper.make_node("MaxPool", ["X"], ["P", "I"], kernel_shape=[2, 2], strides=[2, 2]),
        helper.make_node("Constant", [], ["shape"], value=numpy_helper.from_array(np.array([2, 3, 6, 8], np.int64))),
        helper.make_node("MaxUnpool", ["P", "I", "shape"], ["Y"], kernel_shape=[2, 2], strides=[2, 2]),
    ]
    case("graph_maxunpool", None, [("X", rand(2, 3, 6, 8))], nodes=nodes)
    # Weights that are a graph input, not an initializer: packed at every run.
    case("conv_runtime_weights", "Conv", [("X", rand(2, 4, 9, 37)), ("W", rand(10, 4, 3, 3))], [("B", rand(10))],
         dict(kernel_shape=[3, 3], pads=[1, 1, 1, 1]))


def build(c, out):
    ins = [helper.make_tensor_value_info(n, TensorProto.FLOAT, a.shape) for n, a in c["inputs"]]
    inits = [numpy_helper.from_array(a, n) for n, a in c["consts"]]
    if c["nodes"]:
        nodes, outs = c["nodes"], ["Y"]
    else:
        outs = [f"Y{i}" for i in range(c["outputs"])]
        names = [n for n, _ in c["inputs"]] + [n for n, _ in c["consts"]]
        nodes = [helper.make_node(c["op"], names, outs, **c["attrs"])]
    graph = helper.make_graph(nodes, c["name"], ins, [helper.make_empty_tensor_value_info(o) for o in outs], inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", c["opset"])])
    model.ir_version = 8
    path = os.path.join(out, c["name"] + ".onnx")
    onnx.save(model, path)
    session = ort.InferenceSession(path, providers=["CPUExecutionProvider"])
    results = session.run(None, {n: a for n, a in c["inputs"]})
    for i, (_, a) in enumerate(c["inputs"]):
        np.save(os.path.join(out, f"{c['name']}.in{i}.npy"), a)
    for i, r in enumerate(results):
        np.save(os.path.join(out, f"{c['name']}.out{i}.npy"), r)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", default=os.path.join(os.path.dirname(__file__), "..", "fixtures", "ops"))
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    conv_cases(); conv_transpose_cases(); simple_cases(); resize_cases(); graph_cases()
    for c in CASES:
        build(c, args.out)
    print(f"{len(CASES)} cases in {args.out}")


if __name__ == "__main__":
    main()
