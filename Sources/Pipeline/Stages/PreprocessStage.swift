import VideoIO

/// Scales each picture to the model's input size with swscale and normalises it.
///
/// Takes: `.frame`. Gives: the same frame with `modelInput` set (NCHW or NHWC Float32, one
/// image), and `guide` when asked for (a `refine` stage follows). Audio passes through.
///
/// ```yaml
/// - stage: preprocess      # options come from the model (size, mean, std, layout)
/// ```
public final class PreprocessStage: Stage {
    public let name = "preprocess"
    private let model: SegmentationModel
    private let converter: PixelConverter
    private let keepsGuide: Bool

    /// - Parameter keepsGuide: also attach the picture in gray at the model size, for refinement.
    public init(model: SegmentationModel, keepsGuide: Bool = false) throws {
        self.model = model
        self.keepsGuide = keepsGuide
        converter = try PixelConverter()
    }

    public func process(_ item: PipelineItem, emit: (PipelineItem) throws -> Void) throws {
        if case .frame(let frame) = item {
            let rgb = try converter.rgb(from: frame.picture, width: model.inputWidth, height: model.inputHeight)
            frame.modelInput = model.input(fromRGB: rgb)
            if keepsGuide { frame.guide = Self.gray(rgb) }
        }
        try emit(item)
    }

    /// The mean of each RGB24 pixel's channels, 0–1.
    static func gray(_ rgb: [UInt8]) -> [Float] {
        let count = rgb.count / 3
        return [Float](unsafeUninitializedCapacity: count) { gray, initialized in
            rgb.withUnsafeBufferPointer { rgb in
                for i in 0..<count {
                    gray[i] = Float(Int(rgb[3 * i]) + Int(rgb[3 * i + 1]) + Int(rgb[3 * i + 2])) * (1 / 765)
                }
            }
            initialized = count
        }
    }
}
