import VideoIO

/// Scales each picture to the model's input size with swscale and normalises it.
///
/// Takes: `.frame`. Gives: the same frame with `modelInput` set (NCHW or NHWC Float32, one
/// image). Audio passes through.
///
/// ```yaml
/// - stage: preprocess      # options come from the model (size, mean, std, layout)
/// ```
public final class PreprocessStage: Stage {
    public let name = "preprocess"
    private let model: SegmentationModel
    private let converter: PixelConverter

    public init(model: SegmentationModel) throws {
        self.model = model
        converter = try PixelConverter()
    }

    public func process(_ item: PipelineItem, emit: (PipelineItem) throws -> Void) throws {
        if case .frame(let frame) = item {
            let rgb = try converter.rgb(from: frame.picture, width: model.inputWidth, height: model.inputHeight)
            frame.modelInput = model.input(fromRGB: rgb)
        }
        try emit(item)
    }
}
