import Inference
import Segmentation
import VideoIO

/// Scales each picture to the model's input size with swscale and normalises it.
///
/// Takes: `.frame`. Gives: the same frame with `modelInput` set (NCHW or NHWC Float32, one
/// image), and `guide` when asked for (a `temporal` or `refine` stage follows). With a
/// keyframe policy (a `temporal` stage follows), frames the policy skips get `inferred` false
/// and no `modelInput`, and when the temporal stage updates them, `updateInput` at its reduced
/// size; the first frame after a `.gap` is a keyframe and a scene cut. Other items pass through.
///
/// ```yaml
/// - preprocess      # options come from the model (size, mean, std, layout)
/// ```
public final class PreprocessStage: Stage {
    public let name = "preprocess"
    private let model: SegmentationModel
    private let converter: PixelConverter
    private let keepsGuide: Bool
    private var keyframes: KeyframeSelector?
    private let updateSize: ModelSize?

    /// - Parameters:
    ///   - keepsGuide: also attach the picture in gray at the model size, for refinement.
    ///   - keyframes: which frames the model runs on (default: all); implies `keepsGuide`.
    ///   - updateSize: on the other frames, also give the model input at this size (`updateInput`).
    public init(model: SegmentationModel, keepsGuide: Bool = false, keyframes: KeyframePolicy? = nil, updateSize: ModelSize? = nil) throws {
        self.model = model
        self.keepsGuide = keepsGuide || keyframes != nil
        self.keyframes = keyframes.map(KeyframeSelector.init)
        self.updateSize = updateSize
        converter = try PixelConverter()
    }

    public func process(_ item: PipelineItem, emit: (PipelineItem) throws -> Void) throws {
        if case .frame(let frame) = item {
            let rgb = try converter.rgb(from: frame.picture, width: model.inputWidth, height: model.inputHeight)
            if keepsGuide { frame.guide = Self.gray(rgb) }
            if let guide = frame.guide, let decision = keyframes?.next(gray: guide) {
                (frame.inferred, frame.sceneCut) = decision
            }
            if frame.inferred {
                frame.modelInput = model.input(fromRGB: rgb)
            } else if let updateSize {
                let small = try converter.rgb(from: frame.picture, width: updateSize.width, height: updateSize.height)
                frame.updateInput = (model.input(fromRGB: small, size: updateSize), updateSize)
            }
        } else if case .gap = item {
            keyframes?.restart()
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

/// `preprocess`: no options (they come from the model).
public struct PreprocessSpec: FileStageSpec {
    public static let name = "preprocess"
    static let keys: [String] = []

    public init() {}

    mutating func read(_ options: Fields) throws {}

    public func validate() throws(OptionError) {}

    public func contract(later: Set<FrameField>) -> StageContract {
        StageContract(takes: [.picture], gives: later.intersection([.guide]).union([.modelInput]))
    }

    public func make(_ context: StageContext, contract: StageContract) throws -> Stage {
        let model = try context.segmentationModel(), temporal = context.first(TemporalSpec.self)
        return try PreprocessStage(model: model, keepsGuide: contract.gives.contains(.guide), keyframes: temporal?.settings.keyframes,
                                   updateSize: temporal.flatMap { $0.updateSize(model) })
    }
}
