#!/usr/bin/env python3
"""Exports small, seeded versions of seven segmentation architectures to ONNX for the
parity tests, with onnxruntime reference outputs.

Writes fixtures/models/test/<name>.onnx, <name>.input.npy (batch 2) and
<name>.<output>.npy per output. Weights and BatchNorm statistics are random but
seeded, so re-running reproduces the files bit for bit on the same torch version.

    .venv/bin/python tools/export_test_models.py [--out DIR] [--size HxW]
"""
import argparse
import os

import numpy as np
import onnx
import onnxruntime as ort
import torch
import torch.nn as nn
import torch.nn.functional as F

CLASSES = 5
WIDTH = 1  # channel multiplier; --width 4 gives benchmark-sized models


def scaled(c):
    """Scales a layer width by WIDTH; image channels (3) and class count stay fixed."""
    return c if c in (3, CLASSES) else c * WIDTH


def Conv2d(cin, cout, *args, **kwargs):
    groups = kwargs.pop("groups", 1)
    return nn.Conv2d(scaled(cin), scaled(cout), *args, groups=scaled(groups) if groups > 1 else 1, **kwargs)


def ConvTranspose2d(cin, cout, *args, **kwargs):
    return nn.ConvTranspose2d(scaled(cin), scaled(cout), *args, **kwargs)


def BatchNorm2d(c):
    return nn.BatchNorm2d(scaled(c))


def cbr(cin, cout, k=3, stride=1, dilation=1, groups=1, act="relu"):
    layers = [Conv2d(cin, cout, k, stride, padding=dilation * (k - 1) // 2, dilation=dilation, groups=groups, bias=False),
              BatchNorm2d(cout)]
    if act == "relu":
        layers.append(nn.ReLU())
    elif act == "hswish":
        layers.append(nn.Hardswish())
    return nn.Sequential(*layers)


class FCN(nn.Module):
    """FCN-8s style: strided backbone, score layers at three strides, summed and upsampled."""
    def __init__(self):
        super().__init__()
        self.s1 = nn.Sequential(cbr(3, 16), cbr(16, 16, stride=2))
        self.s2 = cbr(16, 24, stride=2)
        self.s3 = cbr(24, 32, stride=2)
        self.score3 = Conv2d(32, CLASSES, 1)
        self.score2 = Conv2d(24, CLASSES, 1)
        self.score1 = Conv2d(16, CLASSES, 1)

    def forward(self, x):
        f1 = self.s1(x); f2 = self.s2(f1); f3 = self.s3(f2)
        s = self.score3(f3)
        s = F.interpolate(s, size=f2.shape[-2:], mode="bilinear", align_corners=False) + self.score2(f2)
        s = F.interpolate(s, size=f1.shape[-2:], mode="bilinear", align_corners=False) + self.score1(f1)
        return F.interpolate(s, size=x.shape[-2:], mode="bilinear", align_corners=False)


class UNet(nn.Module):
    """U-Net: max-pool encoder, ConvTranspose decoder with concatenated skips."""
    def __init__(self):
        super().__init__()
        self.e1 = nn.Sequential(cbr(3, 8), cbr(8, 8))
        self.e2 = nn.Sequential(cbr(8, 16), cbr(16, 16))
        self.e3 = nn.Sequential(cbr(16, 32), cbr(32, 32))
        self.up2 = ConvTranspose2d(32, 16, 2, stride=2)
        self.d2 = nn.Sequential(cbr(32, 16), cbr(16, 16))
        self.up1 = ConvTranspose2d(16, 8, 2, stride=2)
        self.d1 = nn.Sequential(cbr(16, 8), cbr(8, 8))
        self.head = Conv2d(8, CLASSES, 1)

    def forward(self, x):
        e1 = self.e1(x)
        e2 = self.e2(F.max_pool2d(e1, 2))
        e3 = self.e3(F.max_pool2d(e2, 2))
        d2 = self.d2(torch.cat([self.up2(e3), e2], 1))
        d1 = self.d1(torch.cat([self.up1(d2), e1], 1))
        return self.head(d1)


class Bottleneck(nn.Module):
    def __init__(self, cin, cout, stride=1, dilation=1):
        super().__init__()
        self.body = nn.Sequential(cbr(cin, cout // 2, 1), cbr(cout // 2, cout // 2, 3, stride, dilation), cbr(cout // 2, cout, 1, act=None))
        self.skip = cbr(cin, cout, 1, stride, act=None) if stride != 1 or cin != cout else nn.Identity()

    def forward(self, x):
        return F.relu(self.body(x) + self.skip(x))


class DeepLabV3Plus(nn.Module):
    """DeepLabV3+: residual backbone, ASPP (dilated convs + image pooling), low-level decoder."""
    def __init__(self):
        super().__init__()
        self.stem = cbr(3, 16, stride=2)
        self.l1 = Bottleneck(16, 24, stride=2)
        self.l2 = Bottleneck(24, 32, stride=2)
        self.l3 = Bottleneck(32, 32, dilation=2)
        self.aspp = nn.ModuleList([cbr(32, 16, 1), cbr(32, 16, dilation=2), cbr(32, 16, dilation=3)])
        self.pool = nn.Sequential(nn.AdaptiveAvgPool2d(1), Conv2d(32, 16, 1, bias=False), nn.ReLU())
        self.project = cbr(64, 16, 1)
        self.low = cbr(24, 8, 1)
        self.decode = nn.Sequential(cbr(24, 16), Conv2d(16, CLASSES, 1))

    def forward(self, x):
        low = self.l1(self.stem(x))
        f = self.l3(self.l2(low))
        pooled = F.interpolate(self.pool(f), size=f.shape[-2:], mode="bilinear", align_corners=False)
        a = self.project(torch.cat([m(f) for m in self.aspp] + [pooled], 1))
        a = F.interpolate(a, size=low.shape[-2:], mode="bilinear", align_corners=True)
        out = self.decode(torch.cat([a, self.low(low)], 1))
        return F.interpolate(out, size=x.shape[-2:], mode="bilinear", align_corners=True)


class PSPNet(nn.Module):
    """PSPNet: pyramid pooling (bins 1, 2, 4) over stride-8 features, then softmax."""
    def __init__(self):
        super().__init__()
        self.backbone = nn.Sequential(cbr(3, 16, stride=2), cbr(16, 24, stride=2), cbr(24, 32, stride=2), cbr(32, 32))
        self.bins = (1, 2, 4)
        self.stages = nn.ModuleList([nn.Sequential(nn.AdaptiveAvgPool2d(b), cbr(32, 8, 1)) for b in self.bins])
        self.bottleneck = cbr(32 + 8 * len(self.bins), 16)
        self.head = Conv2d(16, CLASSES, 1)

    def forward(self, x):
        f = self.backbone(x)
        pyramid = [f] + [F.interpolate(s(f), size=f.shape[-2:], mode="bilinear", align_corners=False) for s in self.stages]
        out = self.head(self.bottleneck(torch.cat(pyramid, 1)))
        out = F.interpolate(out, scale_factor=8, mode="bilinear", align_corners=False)
        return torch.softmax(out, dim=1)


class SqueezeExcite(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.fc1 = Conv2d(c, c // 4, 1)
        self.fc2 = Conv2d(c // 4, c, 1)

    def forward(self, x):
        s = F.adaptive_avg_pool2d(x, 1)
        return x * F.hardsigmoid(self.fc2(F.relu(self.fc1(s))))


class InvertedResidual(nn.Module):
    def __init__(self, cin, cexp, cout, k, stride, se, act):
        super().__init__()
        layers = [cbr(cin, cexp, 1, act=act), cbr(cexp, cexp, k, stride, groups=cexp, act=act)]
        if se:
            layers.append(SqueezeExcite(cexp))
        layers.append(cbr(cexp, cout, 1, act=None))
        self.block = nn.Sequential(*layers)
        self.residual = stride == 1 and cin == cout

    def forward(self, x):
        y = self.block(x)
        return x + y if self.residual else y


class LRASPP(nn.Module):
    """LR-ASPP on a MobileNetV3-style backbone (depthwise convs, hardswish, squeeze-excite)."""
    def __init__(self):
        super().__init__()
        self.stem = cbr(3, 16, stride=2, act="hswish")
        self.low = nn.Sequential(InvertedResidual(16, 32, 16, 3, 1, False, "relu"), InvertedResidual(16, 48, 24, 3, 2, False, "relu"))
        self.high = nn.Sequential(InvertedResidual(24, 72, 32, 5, 2, True, "hswish"), InvertedResidual(32, 96, 32, 5, 1, True, "hswish"),
                                  InvertedResidual(32, 96, 40, 3, 2, True, "hswish"))
        self.cbr = cbr(40, 32, 1)
        self.scale = nn.Sequential(nn.AdaptiveAvgPool2d(1), Conv2d(40, 32, 1, bias=False), nn.Sigmoid())
        self.low_classifier = Conv2d(24, CLASSES, 1)
        self.high_classifier = Conv2d(32, CLASSES, 1)

    def forward(self, x):
        low = self.low(self.stem(x))
        high = self.high(low)
        h = self.cbr(high) * self.scale(high)
        h = F.interpolate(h, size=low.shape[-2:], mode="bilinear", align_corners=False)
        out = self.low_classifier(low) + self.high_classifier(h)
        return F.interpolate(out, size=x.shape[-2:], mode="bilinear", align_corners=False)


class SegNet(nn.Module):
    """SegNet: max-pool indices from the encoder drive MaxUnpool in the decoder; also
    returns the class map (ArgMax)."""
    def __init__(self):
        super().__init__()
        self.e1 = cbr(3, 16); self.e2 = cbr(16, 24); self.e3 = cbr(24, 32)
        self.d3 = cbr(32, 24); self.d2 = cbr(24, 16); self.d1 = Conv2d(16, CLASSES, 3, padding=1)

    def forward(self, x):
        e1 = self.e1(x)
        x, i1 = F.max_pool2d(e1, 2, 2, return_indices=True)
        e2 = self.e2(x)
        x, i2 = F.max_pool2d(e2, 2, 2, return_indices=True)
        e3 = self.e3(x)
        x, i3 = F.max_pool2d(e3, 2, 2, return_indices=True)
        x = self.d3(F.max_unpool2d(x, i3, 2, 2, output_size=[int(d) for d in e3.shape[-2:]]))
        x = self.d2(F.max_unpool2d(x, i2, 2, 2, output_size=[int(d) for d in e2.shape[-2:]]))
        logits = self.d1(F.max_unpool2d(x, i1, 2, 2, output_size=[int(d) for d in e1.shape[-2:]]))
        return logits, logits.argmax(1)


class SeparableConv(nn.Module):
    """JPU's separable conv: dilated depthwise 3x3, BatchNorm, then pointwise 1x1."""
    def __init__(self, cin, cout, dilation):
        super().__init__()
        self.depthwise = Conv2d(cin, cin, 3, padding=dilation, dilation=dilation, groups=cin, bias=False)
        self.bn = BatchNorm2d(cin)
        self.pointwise = Conv2d(cin, cout, 1, bias=False)

    def forward(self, x):
        return self.pointwise(self.bn(self.depthwise(x)))


class FastFCN(nn.Module):
    """FastFCN: a stride-32 backbone whose stride-8, 16 and 32 features meet in a Joint Pyramid
    Upsampling module (upsampled to stride 8, concatenated, separable convs at dilations 1, 2,
    4, 8), then an FCN head."""
    def __init__(self):
        super().__init__()
        self.stem = nn.Sequential(cbr(3, 16, stride=2), cbr(16, 16, stride=2))
        self.c3 = cbr(16, 24, stride=2)
        self.c4 = cbr(24, 32, stride=2)
        self.c5 = cbr(32, 48, stride=2)
        self.reduce = nn.ModuleList([cbr(24, 16), cbr(32, 16), cbr(48, 16)])
        self.dilations = nn.ModuleList([nn.Sequential(SeparableConv(48, 16, d), BatchNorm2d(16), nn.ReLU()) for d in (1, 2, 4, 8)])
        self.head = nn.Sequential(cbr(64, 16), nn.Dropout(0.1), Conv2d(16, CLASSES, 1))

    def forward(self, x):
        c3 = self.c3(self.stem(x)); c4 = self.c4(c3); c5 = self.c5(c4)
        feats = [r(c) for r, c in zip(self.reduce, (c3, c4, c5))]
        size = feats[0].shape[-2:]
        feats = [feats[0]] + [F.interpolate(f, size=size, mode="bilinear", align_corners=True) for f in feats[1:]]
        joint = torch.cat(feats, 1)
        out = self.head(torch.cat([d(joint) for d in self.dilations], 1))
        return F.interpolate(out, size=x.shape[-2:], mode="bilinear", align_corners=True)


class NHWCWrapper(nn.Module):
    """Takes and returns NHWC like a Keras model converted by tf2onnx (Transpose nodes)."""
    def __init__(self, inner):
        super().__init__()
        self.inner = inner

    def forward(self, x):
        return self.inner(x.permute(0, 3, 1, 2)).permute(0, 2, 3, 1)


def register_segnet_symbolics():
    """Exports max-pool indices in ONNX's whole-tensor form and max_unpool2d as
    MaxUnpool (the TorchScript exporter has no MaxUnpool). The output_shape input is
    built from the unpool input's Shape, so the batch axis stays dynamic."""
    from torch.onnx import register_custom_op_symbolic
    from torch.onnx.symbolic_helper import parse_args

    @parse_args("v", "is", "is", "is", "is", "i")
    def max_pool_with_indices(g, x, kernel, stride, padding, dilation, ceil_mode):
        return g.op("MaxPool", x, kernel_shape_i=kernel, strides_i=stride or kernel, pads_i=padding + padding,
                    ceil_mode_i=ceil_mode, outputs=2)

    @parse_args("v", "v", "is")
    def max_unpool(g, x, indices, size):
        batch_channels = g.op("Slice", g.op("Shape", x), g.op("Constant", value_t=torch.tensor([0])),
                              g.op("Constant", value_t=torch.tensor([2])))
        shape = g.op("Concat", batch_channels, g.op("Constant", value_t=torch.tensor(size)), axis_i=0)
        return g.op("MaxUnpool", x, indices, shape, kernel_shape_i=[2, 2], strides_i=[2, 2])

    register_custom_op_symbolic("aten::max_pool2d_with_indices", max_pool_with_indices, 17)
    register_custom_op_symbolic("aten::max_unpool2d", max_unpool, 17)


MODELS = {
    "fcn": FCN, "unet": UNet, "deeplabv3plus": DeepLabV3Plus, "pspnet": PSPNet,
    "lraspp_mobilenetv3": LRASPP, "segnet": SegNet, "fcn_nhwc": lambda: NHWCWrapper(FCN()),
    # The same DeepLabV3+ through torch's default (dynamo) exporter: opset 20, ReduceMean
    # with an axes input, and weights in an external-data file beside the model.
    "deeplabv3plus_dynamo": DeepLabV3Plus,
    "fastfcn": FastFCN,
}


def randomize(model, seed):
    g = torch.Generator().manual_seed(seed)
    for m in model.modules():
        if isinstance(m, (nn.Conv2d, nn.ConvTranspose2d)):
            fan_in = m.weight[0].numel()
            m.weight.data = torch.randn(m.weight.shape, generator=g) * (2.0 / fan_in) ** 0.5
            if m.bias is not None:
                m.bias.data = torch.randn(m.bias.shape, generator=g) * 0.1
        elif isinstance(m, nn.BatchNorm2d):
            m.weight.data = torch.rand(m.weight.shape, generator=g) + 0.5
            m.bias.data = torch.randn(m.bias.shape, generator=g) * 0.1
            m.running_mean = torch.randn(m.running_mean.shape, generator=g) * 0.1
            m.running_var = torch.rand(m.running_var.shape, generator=g) + 0.5
    return model.eval()


def export(name, out_dir, h, w, seed, reference=True):
    torch.manual_seed(seed)
    model = randomize(MODELS[name](), seed)
    nhwc = name.endswith("_nhwc")
    shape = (2, h, w, 3) if nhwc else (2, 3, h, w)
    x = torch.from_numpy(np.random.default_rng(seed).standard_normal(shape).astype(np.float32))
    outputs = ["logits", "classes"] if name == "segnet" else ["output"]
    path = os.path.join(out_dir, f"{name}.onnx")
    props = {"architecture": name, "classes": str(CLASSES), "layout": "NHWC" if nhwc else "NCHW"}
    if name.endswith("_dynamo"):
        torch.onnx.export(model, (x,), path, dynamo=True, input_names=["input"], output_names=outputs,
                          dynamic_shapes=({0: torch.export.Dim("batch", min=1, max=64)},))
        m = onnx.load(path)
        onnx.helper.set_model_props(m, props)
        onnx.save(m, path, save_as_external_data=True, all_tensors_to_one_file=True,
                  location=f"{name}.onnx.data", size_threshold=1024)
    else:
        torch.onnx.export(model, (x,), path, dynamo=False, opset_version=17, do_constant_folding=False, input_names=["input"],
                          output_names=outputs, dynamic_axes={n: {0: "batch"} for n in ["input"] + outputs})
        m = onnx.load(path)
        onnx.helper.set_model_props(m, props)
        onnx.save(m, path)
    if not reference:
        print(f"{name}: {os.path.getsize(path)} bytes")
        return
    np.save(os.path.join(out_dir, f"{name}.input.npy"), x.numpy())
    session = ort.InferenceSession(path, providers=["CPUExecutionProvider"])
    for out_name, value in zip(outputs, session.run(outputs, {"input": x.numpy()})):
        np.save(os.path.join(out_dir, f"{name}.{out_name}.npy"), value)
    print(f"{name}: {os.path.getsize(path)} bytes")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", default=os.path.join(os.path.dirname(__file__), "..", "fixtures", "models", "test"))
    parser.add_argument("--size", default="64x96", help="input HxW")
    parser.add_argument("--width", type=int, default=1, help="channel multiplier (benchmarks use 4)")
    parser.add_argument("--no-reference", action="store_true", help="skip the onnxruntime reference outputs")
    parser.add_argument("--only", nargs="+", choices=list(MODELS), help="export only these models")
    args = parser.parse_args()
    global WIDTH
    WIDTH = args.width
    h, w = map(int, args.size.split("x"))
    os.makedirs(args.out, exist_ok=True)
    register_segnet_symbolics()
    for seed, name in enumerate(MODELS):
        if args.only and name not in args.only:
            continue
        export(name, args.out, h, w, seed, not args.no_reference)


if __name__ == "__main__":
    main()
