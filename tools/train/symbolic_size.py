"""Make an exported segmentation model's spatial input and output sizes symbolic.

The bundled model was exported at a fixed 720x1280; its graph (scales-based Resizes, global
pooling) runs at any size whose sides are multiples of 16, and segstream runs it smaller on
frames between keyframes (`temporal: {update: ...}`). This rewrites the declared sizes of the
graph's inputs and outputs to `height` and `width` (the batch axis stays `N`) and drops stored
intermediate shapes; `metadata_props` keep `input_size`, the size segstream uses by default.

    python tools/train/symbolic_size.py fixtures/models/roadseg.onnx
"""
import sys

import onnx


def main() -> None:
    path = sys.argv[1]
    model = onnx.load(path)
    for value in list(model.graph.input) + list(model.graph.output):
        dims = value.type.tensor_type.shape.dim
        if len(dims) == 4:
            dims[2].dim_param, dims[3].dim_param = "height", "width"
    del model.graph.value_info[:]
    onnx.checker.check_model(model)
    onnx.save(model, path)


if __name__ == "__main__":
    main()
