"""Compact LR-ASPP segmentation network on a small MobileNetV3-style backbone.

Backbone: inverted residual blocks with depthwise convolutions, HardSwish and
squeeze-excitation gated by HardSigmoid; output stride 16 (the last blocks are
dilated). Head: LR-ASPP (1x1 conv branch gated by a global-pooling branch),
fused with stride-8 and stride-4 features into logits at 1/4 resolution; a light
refinement head adds a correction computed from the stride-2 features, so thin
and small objects (poles, lights, signs, people) keep their shape; the 1/2
resolution logits are upsampled to the input size.
Only standard ONNX ops are produced (Conv, Relu, HardSwish, HardSigmoid,
Sigmoid, Add, Mul, GlobalAveragePool, Resize, Concat).
"""

import torch
import torch.nn as nn
import torch.nn.functional as F


def conv_bn(cin, cout, k=1, stride=1, groups=1, dilation=1, act=nn.ReLU):
    """Conv + BatchNorm + optional activation."""
    layers = [nn.Conv2d(cin, cout, k, stride, dilation * (k // 2), dilation, groups, bias=False),
              nn.BatchNorm2d(cout)]
    if act is not None:
        layers.append(act())
    return nn.Sequential(*layers)


class SE(nn.Module):
    """Squeeze-excitation with a HardSigmoid gate."""

    def __init__(self, ch):
        super().__init__()
        mid = max(8, ch // 4)
        self.fc1 = nn.Conv2d(ch, mid, 1)
        self.fc2 = nn.Conv2d(mid, ch, 1)

    def forward(self, x):
        g = F.adaptive_avg_pool2d(x, 1)
        return x * F.hardsigmoid(self.fc2(F.relu(self.fc1(g))))


class Block(nn.Module):
    """MobileNetV3 inverted residual: expand 1x1, depthwise kxk, (SE), project 1x1."""

    def __init__(self, cin, exp, cout, k, stride, se, hs, dilation=1):
        super().__init__()
        act = nn.Hardswish if hs else nn.ReLU
        layers = [] if exp == cin else [conv_bn(cin, exp, act=act)]
        layers.append(conv_bn(exp, exp, k, stride, exp, dilation, act))
        if se:
            layers.append(SE(exp))
        layers.append(conv_bn(exp, cout, act=None))
        self.body = nn.Sequential(*layers)
        self.residual = stride == 1 and cin == cout

    def forward(self, x):
        y = self.body(x)
        return x + y if self.residual else y


def up2(x):
    """Bilinear x2 upsampling (exported as a single Resize with constant scales)."""
    return F.interpolate(x, scale_factor=2.0, mode="bilinear", align_corners=False)


class RoadSeg(nn.Module):
    """LR-ASPP MobileNetV3-small-like network; input NCHW normalised RGB, H and W divisible by 16."""

    def __init__(self, num_classes=19, width=1.0):
        super().__init__()
        c = lambda n: max(8, int(n * width + 4) // 8 * 8)  # noqa: E731
        self.stem = conv_bn(3, c(16), 3, 2, act=nn.Hardswish)                       # 1/2
        self.s4 = Block(c(16), c(16), c(16), 3, 2, True, False)                     # 1/4
        self.s8 = nn.Sequential(Block(c(16), c(64), c(24), 3, 2, False, False),     # 1/8
                                Block(c(24), c(72), c(24), 3, 1, False, False))
        self.s16 = nn.Sequential(Block(c(24), c(96), c(40), 5, 2, True, True),      # 1/16
                                 Block(c(40), c(160), c(40), 5, 1, True, True),
                                 Block(c(40), c(160), c(48), 5, 1, True, True),
                                 Block(c(48), c(192), c(64), 3, 1, True, True, 2),
                                 Block(c(64), c(256), c(64), 3, 1, True, True, 3))
        hc = c(96)
        self.aspp = conv_bn(c(64), hc)
        self.gate = nn.Conv2d(c(64), hc, 1)
        self.fuse8 = conv_bn(hc + c(24), c(64))
        self.fuse4 = conv_bn(c(64) + c(16), c(32))
        self.cls = nn.Conv2d(c(32), num_classes, 1)
        self.fuse2 = nn.Sequential(conv_bn(c(32) + c(16), c(24)), conv_bn(c(24), c(24), 3, groups=c(24)))
        self.cls2 = nn.Conv2d(c(24), num_classes, 1)
        nn.init.zeros_(self.cls2.weight)  # starts as plain upsampling of the 1/4 logits
        nn.init.zeros_(self.cls2.bias)

    def forward_half(self, x):
        """Logits at 1/2 of the input resolution."""
        x2 = self.stem(x)
        x4 = self.s4(x2)
        x8 = self.s8(x4)
        x16 = self.s16(x8)
        y = self.aspp(x16) * torch.sigmoid(self.gate(F.adaptive_avg_pool2d(x16, 1)))
        y = self.fuse8(torch.cat([up2(y), x8], 1))
        y = self.fuse4(torch.cat([up2(y), x4], 1))
        refined = self.fuse2(torch.cat([up2(y), x2], 1))
        return up2(self.cls(y)) + self.cls2(refined)

    def forward(self, x):
        """Logits at the input resolution."""
        return up2(self.forward_half(x))
