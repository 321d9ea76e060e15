#!/usr/bin/env python3
"""Exports the model zoo: segmentation models as users get them from torchvision, Hugging Face
transformers and segmentation_models_pytorch (random weights), through the legacy TorchScript
exporter at several opsets and the dynamo exporter, with symbolic batch, height and width.

    python3 -m venv .venv-zoo && .venv-zoo/bin/pip install torch torchvision transformers \\
        segmentation_models_pytorch timm onnx onnxruntime onnxscript
    .venv-zoo/bin/python tools/zoo/export_zoo.py [--out cache/zoo] [--only NAME...]

Each model is written as OUT/NAME.onnx. `tools/zoo/make_fixtures.py` turns them into the
parity fixtures the tests use; `tools/bench/bench_zoo.py` times them against onnxruntime.
"""
import argparse
import os
import sys
import time
import warnings

import torch

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CLASSES = 4


def torchvision_model(name):
    from torchvision.models import segmentation as tv
    make = dict(fcn_resnet50=tv.fcn_resnet50, deeplabv3_resnet50=tv.deeplabv3_resnet50,
                deeplabv3_mobilenetv3=tv.deeplabv3_mobilenet_v3_large, lraspp_mobilenetv3=tv.lraspp_mobilenet_v3_large)[name]
    model = make(weights=None, weights_backbone=None, num_classes=CLASSES)

    class Logits(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.model = model

        def forward(self, x):
            return self.model(x)["out"]
    return Logits()


def segformer_model():
    from transformers import SegformerConfig, SegformerForSemanticSegmentation
    model = SegformerForSemanticSegmentation(SegformerConfig(num_labels=CLASSES))

    class Logits(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.model = model

        def forward(self, x):
            return self.model(pixel_values=x).logits
    return Logits()


def smp_model(architecture, encoder):
    import segmentation_models_pytorch as smp
    return getattr(smp, architecture)(encoder_name=encoder, encoder_weights=None, classes=CLASSES)


# name: (maker, exporter, opset). Legacy exports spread over opsets 11-17; dynamo at 20.
# Every export has symbolic batch, height and width but "legacy-static" (the legacy exporter
# cannot trace adaptive pooling over symbolic sizes, and MobileViT's reshapes trace to constants).
ZOO = {
    "tv_fcn_resnet50": (lambda: torchvision_model("fcn_resnet50"), "legacy", 11),
    "tv_deeplabv3_resnet50": (lambda: torchvision_model("deeplabv3_resnet50"), "legacy", 13),
    "tv_deeplabv3_mobilenetv3": (lambda: torchvision_model("deeplabv3_mobilenetv3"), "legacy", 17),
    "tv_deeplabv3_mobilenetv3_dynamo": (lambda: torchvision_model("deeplabv3_mobilenetv3"), "dynamo", 20),
    "tv_lraspp_mobilenetv3": (lambda: torchvision_model("lraspp_mobilenetv3"), "legacy", 14),
    "hf_segformer_b0": (segformer_model, "legacy", 14),
    "hf_segformer_b0_dynamo": (segformer_model, "dynamo", 20),
    "smp_unet_resnet18": (lambda: smp_model("Unet", "resnet18"), "legacy", 12),
    "smp_unetpp_efficientnet_b0": (lambda: smp_model("UnetPlusPlus", "efficientnet-b0"), "legacy", 13),
    "smp_fpn_mobilenetv2": (lambda: smp_model("FPN", "mobilenet_v2"), "legacy", 17),
    "smp_pspnet_regnety002": (lambda: smp_model("PSPNet", "timm-regnety_002"), "legacy-static", 15),
    "smp_deeplabv3plus_mobilenetv3": (lambda: smp_model("DeepLabV3Plus", "timm-mobilenetv3_large_100"), "legacy", 16),
    "smp_linknet_resnet18": (lambda: smp_model("Linknet", "resnet18"), "legacy", 11),
    "smp_manet_resnet18": (lambda: smp_model("MAnet", "resnet18"), "legacy", 17),
    "smp_pan_mobilenetv3small": (lambda: smp_model("PAN", "timm-mobilenetv3_small_100"), "legacy", 14),
    "smp_upernet_convnext": (lambda: smp_model("UPerNet", "tu-convnext_atto"), "dynamo", 20),
    "smp_segformer_mitb0": (lambda: smp_model("Segformer", "mit_b0"), "legacy", 17),
    "smp_unet_mobilevit": (lambda: smp_model("Unet", "tu-mobilevit_xxs"), "legacy-static", 17),
    "smp_fpn_regnety002_dynamo": (lambda: smp_model("FPN", "timm-regnety_002"), "dynamo", 20),
}


def export(name, out, size=None):
    """Writes OUT/NAME.onnx traced at `size` (default 256x512; static exports at 288x576,
    where PSPNet's 1-2-3-6 bins divide the stride-8 map)."""
    maker, exporter, opset = ZOO[name]
    size = size or ((288, 576) if exporter == "legacy-static" else (256, 512))
    torch.manual_seed(0)
    model = maker().eval()
    # torch.export specialises dimensions of size 1, so the dynamo exporter traces a batch of 2.
    x = torch.randn(2 if exporter == "dynamo" else 1, 3, *size)
    path = os.path.join(out, name + ".onnx")
    with torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if exporter.startswith("legacy"):
            dynamic = None if exporter == "legacy-static" else {"input": {0: "batch", 2: "height", 3: "width"}, "logits": {0: "batch"}}
            torch.onnx.export(model, (x,), path, opset_version=opset, input_names=["input"], output_names=["logits"],
                              dynamic_axes=dynamic, dynamo=False)
        else:
            dims = torch.export.Dim.AUTO
            program = torch.onnx.export(model, (x,), input_names=["input"], output_names=["logits"], opset_version=opset,
                                        dynamic_shapes=({0: dims, 2: dims, 3: dims},), dynamo=True, verbose=False)
            program.save(path)
    return path


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", default=os.path.join(ROOT, "cache", "zoo"))
    parser.add_argument("--only", nargs="*", help="model names (default: all)")
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    failed = []
    for name in args.only or ZOO:
        start = time.time()
        try:
            path = export(name, args.out)
            print(f"{name}: {os.path.getsize(path) / 1e6:.1f} MB in {time.time() - start:.0f} s", flush=True)
        except Exception as error:  # noqa: BLE001 - report every model, then fail
            failed.append(name)
            print(f"{name}: export failed: {str(error).splitlines()[0][:200]}", flush=True)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
