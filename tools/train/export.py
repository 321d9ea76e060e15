"""ONNX export: fold BatchNorm into convolutions, export at opset 17, attach metadata, check ops."""

import json

import numpy as np
import onnx
import onnxruntime as ort
import torch
import torch.nn as nn
from torch.nn.utils.fusion import fuse_conv_bn_eval

ALLOWED_OPS = {"Conv", "Relu", "HardSwish", "HardSigmoid", "Sigmoid", "Add", "Mul",
               "GlobalAveragePool", "AveragePool", "Resize", "Concat", "BatchNormalization", "Clip"}


def fold_batchnorm(module: nn.Module) -> nn.Module:
    """Replace every Conv2d directly followed by BatchNorm2d (in a Sequential) by one fused Conv2d."""
    for child in module.children():
        fold_batchnorm(child)
    if isinstance(module, nn.Sequential):
        layers = list(module)
        for i in range(len(layers) - 1):
            if isinstance(layers[i], nn.Conv2d) and isinstance(layers[i + 1], nn.BatchNorm2d):
                module[i] = fuse_conv_bn_eval(layers[i], layers[i + 1])
                module[i + 1] = nn.Identity()
    return module


def constants_to_initializers(graph: onnx.GraphProto) -> None:
    """Turn Constant nodes (e.g. Resize scales) into graph initializers."""
    for node in [n for n in graph.node if n.op_type == "Constant"]:
        tensor = onnx.helper.get_attribute_value(node.attribute[0])
        tensor.name = node.output[0]
        graph.initializer.append(tensor)
        graph.node.remove(node)


def strip_identities(graph: onnx.GraphProto) -> None:
    """Remove Identity nodes by wiring their consumers to the Identity's input."""
    outputs = {o.name for o in graph.output}
    for node in [n for n in graph.node if n.op_type == "Identity" and n.output[0] not in outputs]:
        src, dst = node.input[0], node.output[0]
        for other in graph.node:
            for i, name in enumerate(other.input):
                if name == dst:
                    other.input[i] = src
        graph.node.remove(node)


def export(model: nn.Module, path: str, input_hw, metadata: dict) -> dict:
    """Export ``model`` (eval mode, BN folded) to ``path``; returns op histogram and parity error."""
    model = fold_batchnorm(model.eval())
    h, w = input_hw
    dummy = torch.randn(2, 3, h, w)
    torch.onnx.export(model, dummy, path, opset_version=17, input_names=["input"],
                      output_names=["logits"], dynamic_axes={"input": {0: "N", 2: "height", 3: "width"}, "logits": {0: "N", 2: "height", 3: "width"}},
                      dynamo=False)
    m = onnx.load(path)
    constants_to_initializers(m.graph)
    strip_identities(m.graph)
    for k, v in metadata.items():
        entry = m.metadata_props.add()
        entry.key, entry.value = k, v if isinstance(v, str) else json.dumps(v)
    onnx.checker.check_model(m)
    onnx.save(m, path)
    ops = {}
    for node in m.graph.node:
        ops[node.op_type] = ops.get(node.op_type, 0) + 1
    bad = set(ops) - ALLOWED_OPS
    if bad:
        raise RuntimeError(f"non-standard ops in export: {bad}")
    sess = ort.InferenceSession(path, providers=["CPUExecutionProvider"])
    with torch.no_grad():
        ref = model(dummy).numpy()
    out = sess.run(None, {"input": dummy.numpy()})[0]
    return {"ops": ops, "max_abs_diff": float(np.abs(out - ref).max()), "output_shape": list(out.shape)}
