import Foundation

/// What `segstream model inspect` reports about an ONNX file. Unlike `Model`, building
/// a summary does not fail on unsupported operators; it lists them.
public struct ModelSummary: Sendable {
    public var inputs: [TensorInfo]
    public var outputs: [TensorInfo]
    public var opset: Int
    public var producer: String
    public var metadata: [String: String]
    /// Operator histogram of the file as exported.
    public var operatorCounts: [String: Int]
    public var parameterCount: Int
    /// Unsupported operators with the nodes that use them; empty when the model runs.
    public var unsupportedOperators: [String]
    /// Giga floating-point operations per frame (Conv, ConvTranspose, Gemm, MatMul),
    /// nil when the model cannot be planned.
    public var gflopsPerFrame: Double?
    /// The shape GFLOPs were computed for (batch 1).
    public var plannedShape: [Int]?

    /// Reads the model at `url` and, if every operator is supported, plans it at batch 1
    /// to count GFLOPs. `height`/`width` replace symbolic or fixed spatial dimensions.
    /// - Throws: `InferenceError` when the file cannot be read or decoded, or when the
    ///   model is supported but cannot be planned for that size.
    public init(contentsOf url: URL, height: Int? = nil, width: Int? = nil) throws {
        let loaded = try ModelLoader.load(contentsOf: url)
        let graph = loaded.graph
        inputs = graph.inputs
        outputs = graph.outputs
        opset = loaded.opset
        producer = loaded.producer
        metadata = loaded.metadata
        operatorCounts = graph.nodes.reduce(into: [:]) { $0[$1.opType, default: 0] += 1 }
        parameterCount = graph.initializers.values.reduce(0) { $0 + ($1.elementType == .float32 ? $1.shape.reduce(1, *) : 0) }
        var folded = graph
        ConstantFolding.apply(&folded, opset: loaded.opset)
        unsupportedOperators = KernelRegistry.unsupported(in: folded)
        guard unsupportedOperators.isEmpty else { return }
        let model = try Model(loaded: loaded, threads: 1)
        let shape = try model.inputShape(batch: 1, height: height, width: width)
        let session = try model.prepare(inputShape: shape)
        gflopsPerFrame = Double(session.flops) / 1e9
        plannedShape = shape
    }
}

extension Model {
    /// A concrete shape for the (single) image input: symbolic dimensions become `batch`
    /// (axis 0) or the given height/width, else the size the metadata declare (`input_size`).
    /// The spatial axes are 2,3 for NCHW inputs and 1,2 for NHWC ones (channel count 1-4 on the
    /// last axis).
    /// - Throws: `InferenceError.invalidInput` when a dimension stays unknown.
    public func inputShape(batch: Int, height: Int?, width: Int?) throws -> [Int] {
        guard inputs.count == 1, let dims = inputs[0].dimensions, dims.count == 4 else {
            throw InferenceError.invalidInput(name: inputs.map(\.name).joined(separator: ", "),
                                              reason: "expected a single 4-D image input; give the shape explicitly")
        }
        let nhwc: Bool
        if case .fixed(let c) = dims[3], (1...4).contains(c), dims[1] != .fixed(c) { nhwc = true } else { nhwc = false }
        let (hAxis, wAxis) = nhwc ? (1, 2) : (2, 3)
        let declared = ModelSize.declared(in: metadata)
        let (height, width) = (height ?? (dims[hAxis].isFixed ? nil : declared?.height), width ?? (dims[wAxis].isFixed ? nil : declared?.width))
        var shape: [Int] = []
        for (axis, d) in dims.enumerated() {
            if axis == 0 { shape.append(batch); continue }
            if axis == hAxis, let height { shape.append(height); continue }
            if axis == wAxis, let width { shape.append(width); continue }
            guard case .fixed(let v) = d, v > 0 else {
                throw InferenceError.invalidInput(name: inputs[0].name, reason: "dimension \(axis) is '\(d)'; pass --size HxW")
            }
            shape.append(v)
        }
        return shape
    }
}
