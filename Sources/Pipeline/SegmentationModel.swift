import Foundation
import Inference
import Segmentation

/// An ONNX segmentation model with what it takes to feed it and read it: input size and layout,
/// normalisation and class names, from the model's `metadata_props` where it has them.
///
/// Metadata keys (all optional): `labels` (JSON list of names), `palette` (JSON list of [r,g,b]),
/// `mean` and `std` (JSON lists for 0–1 RGB), `input_size` ("HxW"). Without them: Cityscapes
/// classes and palette, ImageNet mean/std, and the model's fixed input size.
public final class SegmentationModel: @unchecked Sendable {
    public let model: Model
    public let url: URL
    public let labels: LabelSet
    public let mean: [Float]
    public let std: [Float]
    public let inputWidth: Int
    public let inputHeight: Int
    /// Whether the model takes NHWC (Keras via tf2onnx) rather than NCHW.
    public let channelsLast: Bool

    /// Loads the model at `url`.
    /// - Parameters:
    ///   - size: input (width, height) to use when the model's is not fixed; overrides metadata.
    ///   - threads: inference threads.
    ///   - keepsScores: give class scores (for temporal blending or refinement), at the
    ///     network's own resolution when the graph ends in a linear Resize (cut at load time;
    ///     `LabelUpsampler` brings them up); otherwise a graph ending in class scores gets an arg
    ///     max appended (fused with its last Resize), which is faster.
    /// - Throws: `InferenceError` for a bad model file, `PipelineError` for unusable metadata or
    ///   an input that is not a single RGB image.
    public init(url: URL, size: ModelSize? = nil, threads: Int? = nil, keepsScores: Bool = false) throws {
        model = try Model(contentsOf: url, threads: threads, classMap: !keepsScores, cutTrailingResize: keepsScores)
        self.url = url
        let metadata = model.metadata
        let path = url.path
        guard model.inputs.count == 1, let dims = model.inputs[0].dimensions, dims.count == 4 else {
            throw PipelineError("\(path): expected one image input of rank 4 (NCHW or NHWC)", unusableInput: true)
        }
        channelsLast = dims[3] == .fixed(3) && dims[1] != .fixed(3)
        let names = try Self.decode([String].self, metadata["labels"], key: "labels", path: path)
        let palette = try Self.decode([[UInt8]].self, metadata["palette"], key: "palette", path: path)
        labels = try Self.labelSet(names: names, palette: palette, path: path)
        mean = try Self.decode([Float].self, metadata["mean"], key: "mean", path: path) ?? [0.485, 0.456, 0.406]
        std = try Self.decode([Float].self, metadata["std"], key: "std", path: path) ?? [0.229, 0.224, 0.225]
        guard mean.count == 3, std.count == 3, std.allSatisfy({ $0 > 0 }) else {
            throw PipelineError("\(path): metadata mean/std must be three numbers each, std positive", unusableInput: true)
        }
        let hAxis = channelsLast ? 1 : 2, wAxis = channelsLast ? 2 : 3
        let declared = ModelSize.declared(in: metadata)
        if let size {
            (inputWidth, inputHeight) = (size.width, size.height)
        } else if case .fixed(let h) = dims[hAxis], case .fixed(let w) = dims[wAxis], h > 0, w > 0 {
            (inputWidth, inputHeight) = (w, h)
        } else if let declared {
            (inputWidth, inputHeight) = (declared.width, declared.height)
        } else {
            throw PipelineError("\(path): the model's input size is not fixed and its metadata has no input_size; pass --size HxW", unusableInput: true)
        }
    }

    /// The model's input size scaled by `scale`, each side a multiple of 16 (at least 16): the
    /// size of its cheap runs between keyframes.
    public func reducedSize(scale: Float) -> ModelSize {
        func side(_ full: Int) -> Int { max(16, Int((Float(full) * scale / 16).rounded()) * 16) }
        return ModelSize(width: side(inputWidth), height: side(inputHeight))
    }

    /// Plans the model for batches of `batch` images at `size` (by default its input size), so
    /// that the first run only runs.
    /// - Throws: `InferenceError` when the model cannot take that shape.
    public func prepare(batch: Int, size: ModelSize? = nil) throws {
        let (width, height) = (size?.width ?? inputWidth, size?.height ?? inputHeight)
        _ = try model.prepare(inputShape: channelsLast ? [batch, height, width, 3] : [batch, 3, height, width])
    }

    /// Whether the model runs at `size`: its declared input size is not fixed to another, and
    /// its graph plans at that size (a graph may need sides that are multiples of 16 or 32).
    public func runs(at size: ModelSize) -> Bool {
        guard let dims = model.inputs[0].dimensions else { return false }
        let (h, w) = channelsLast ? (dims[1], dims[2]) : (dims[2], dims[3])
        if case .fixed(let fixed) = h, fixed != size.height { return false }
        if case .fixed(let fixed) = w, fixed != size.width { return false }
        return (try? prepare(batch: 1, size: size)) != nil
    }

    /// Whether the model's output is class ids (its graph ends in an arg max) rather than class scores.
    public var outputsClassIDs: Bool {
        let output = model.outputs[0]
        return output.elementType != .float32 || output.dimensions.map { $0.count != 4 || $0[1] == .fixed(1) } ?? false
    }

    /// Normalised model input for one RGB24 picture at the model size, or at `size` (CHW, or HWC
    /// when channels-last).
    public func input(fromRGB rgb: [UInt8], size: ModelSize? = nil) -> [Float] {
        let plane = (size?.width ?? inputWidth) * (size?.height ?? inputHeight)
        precondition(rgb.count == plane * 3, "RGB input does not match the model size")
        let scale = (0..<3).map { 1 / (255 * std[$0]) }, offset = (0..<3).map { -mean[$0] / std[$0] }
        // Per channel, every byte value's float: the inner loops are then look-ups.
        let table = (0..<3).map { c in (0..<256).map { Float($0) * scale[c] + offset[c] } }
        return [Float](unsafeUninitializedCapacity: plane * 3) { values, count in
            rgb.withUnsafeBufferPointer { rgb in
                for c in 0..<3 {
                    table[c].withUnsafeBufferPointer { table in
                        // Channel c starts at c (interleaved, step 3) or at c * plane (planar, step 1).
                        let target = values.baseAddress! + (channelsLast ? c : c * plane), step = channelsLast ? 3 : 1
                        for i in 0..<plane { (target + i * step).initialize(to: table[Int(rgb[i * 3 + c])]) }
                    }
                }
            }
            count = plane * 3
        }
    }

    /// What the model gives for one image: class scores, or class ids when its graph ends in an
    /// arg max.
    public enum Output {
        case scores(ClassScores)
        case labels(LabelMap)

        /// The labels: the arg max of the scores, or the class ids.
        public var labels: LabelMap {
            switch self {
            case .scores(let scores): scores.argmax
            case .labels(let labels): labels
            }
        }
    }

    /// Runs a batch of inputs (each from `input(fromRGB:)`) and returns one label map per input,
    /// at the model's output resolution.
    public func labels(for batch: [[Float]]) throws -> [LabelMap] {
        try outputs(for: batch).map(\.labels)
    }

    /// Runs a batch of inputs (each from `input(fromRGB:size:)`, all of `size`, by default the
    /// model's) and returns what the model gives for each, at its output resolution.
    /// - Throws: `InferenceError` from the engine; `PipelineError` when the output is not class
    ///   scores (N x C x H x W) or class ids (N x H x W or N x 1 x H x W).
    public func outputs(for batch: [[Float]], size: ModelSize? = nil) throws -> [Output] {
        let (width, height) = (size?.width ?? inputWidth, size?.height ?? inputHeight)
        let shape = channelsLast ? [batch.count, height, width, 3] : [batch.count, 3, height, width]
        var data = [Float]()
        data.reserveCapacity(shape.reduce(1, *))
        for input in batch { data.append(contentsOf: input) }
        let outputs = try model.run(Tensor(shape: shape, data: data))
        guard let output = outputs[model.outputs[0].name] else { throw PipelineError("\(url.path): the model gave no output", unusableInput: true) }
        switch output {
        case .float32(let scores) where scores.shape.count == 4 && scores.shape[1] > 1:
            let (classes, height, width) = (scores.shape[1], scores.shape[2], scores.shape[3])
            return (0..<batch.count).map { n in
                var image = ClassScores(storage: scores.data, offset: n * classes * height * width, classes: classes,
                                        width: width, height: height)
                image.alignsCorners = model.trailingResize?.alignsCorners ?? false
                return .scores(image)
            }
        case .int64(let ids):
            return try labelMaps(ids.shape, count: batch.count) { range in ids.data[range].map { UInt8(clamping: $0) } }.map { .labels($0) }
        case .float32(let ids):
            return try labelMaps(ids.shape, count: batch.count) { range in ids.data[range].map { UInt8(clamping: Int($0)) } }.map { .labels($0) }
        }
    }

    /// One label map per image from class ids of `shape` (N x H x W or N x 1 x H x W), each
    /// image's ids converted by `pixels` from its range of the flat data.
    private func labelMaps(_ shape: [Int], count: Int, _ pixels: (Range<Int>) -> [UInt8]) throws -> [LabelMap] {
        guard shape.count >= 3, shape.dropFirst().dropLast(2).allSatisfy({ $0 == 1 }) else {
            throw PipelineError("\(url.path): output shape \(shape) is neither class scores (N x C x H x W) nor class ids (N x H x W)", unusableInput: true)
        }
        let height = shape[shape.count - 2], width = shape[shape.count - 1], plane = height * width
        return (0..<count).map { n in LabelMap(width: width, height: height, pixels: pixels((n * plane)..<((n + 1) * plane))) }
    }

    private static func decode<T: Decodable>(_ type: T.Type, _ text: String?, key: String, path: String) throws -> T? {
        guard let text else { return nil }
        do {
            return try JSONDecoder().decode(T.self, from: Data(text.utf8))
        } catch {
            throw PipelineError("\(path): metadata '\(key)' is not valid JSON of the expected form: \(text.prefix(80))", unusableInput: true)
        }
    }

    private static func labelSet(names: [String]?, palette: [[UInt8]]?, path: String) throws -> LabelSet {
        let names = names ?? LabelSet.cityscapes.names
        guard palette?.allSatisfy({ $0.count == 3 }) ?? true else {
            throw PipelineError("\(path): metadata 'palette' entries must be [r, g, b]", unusableInput: true)
        }
        var colours = palette ?? LabelSet.cityscapes.palette
        guard !names.isEmpty, names.count <= 255 else { throw PipelineError("\(path): metadata 'labels' must name 1–255 classes", unusableInput: true) }
        while colours.count < names.count { colours.append(Self.fallbackColour(colours.count)) }
        return LabelSet(names: names, palette: Array(colours.prefix(names.count)))
    }

    /// A distinct colour for classes beyond the palette.
    private static func fallbackColour(_ index: Int) -> [UInt8] {
        [UInt8((index * 67) % 256), UInt8((index * 131 + 80) % 256), UInt8((index * 199 + 160) % 256)]
    }
}
