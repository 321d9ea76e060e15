import Foundation

/// An ONNX segmentation model loaded for CPU inference.
///
/// ```swift
/// let model = try Model(contentsOf: url)            // validates every node
/// let out = try model.run(["input": .float32(frames)]) // NCHW Float32, any batch size
/// ```
/// Plans are cached per input shape, so repeated calls with one shape only run.
public final class Model: @unchecked Sendable {
    /// Declared graph inputs (initializers excluded).
    public let inputs: [TensorInfo]
    /// Declared graph outputs.
    public let outputs: [TensorInfo]
    /// The model's `metadata_props`.
    public let metadata: [String: String]
    /// The ai.onnx opset the model was exported with.
    public let opset: Int
    /// Producer name and version, e.g. "pytorch 2.5.0".
    public let producer: String
    /// Operator histogram of the file as exported (before fusion).
    public let operatorCounts: [String: Int]
    /// Number of parameters in float initializers of the file.
    public let parameterCount: Int
    /// The linear Resize cut from the end of the graph at load time, if any (see `cutTrailingResize`).
    public let trailingResize: TrailingResize?
    /// Worker threads for sgemm and the engine's own loops; defaults to all cores.
    /// Changing it drops cached plans.
    public var threads: Int {
        get { lock.withLock { _threads } }
        set { lock.withLock { _threads = max(1, newValue); sessions.removeAll() } }
    }

    /// The instruction set the convolution kernels use (default: the best this CPU has;
    /// `.portable` runs im2col + OpenBLAS sgemm). Changing it drops cached plans.
    /// - Precondition: one of `InstructionSet.supported`.
    public var instructionSet: InstructionSet {
        get { lock.withLock { _instructionSet } }
        set {
            precondition(InstructionSet.supported.contains(newValue), "\(newValue) is not supported by this CPU")
            lock.withLock { _instructionSet = newValue; sessions.removeAll() }
        }
    }

    private let graph: Graph
    private let kernels: [Kernel]
    private var _threads: Int
    private var _instructionSet = InstructionSet.best
    private var sessions: [[String: [Int]]: Session] = [:]
    /// The activation memory every cached session runs in (they run one at a time, under
    /// `lock`), so a model planned for several batch sizes holds the largest plan's memory once
    /// rather than the sum.
    private var arena = Memory(bytes: 0)
    private let lock = NSLock()

    /// Loads, validates and optimises the model at `url`.
    /// - Parameters:
    ///   - threads: worker threads (default: all active cores).
    ///   - classMap: when the first output is declared Float32 class scores N x C x H x W (C
    ///     not declared 1), replace it by its arg max over C: Int64 N x 1 x H x W class ids
    ///     under the same name. A final Resize of the scores is then fused with the arg max,
    ///     so the full-size scores are never written.
    ///   - cutTrailingResize: without `classMap`, when the first output is made by a linear
    ///     Resize of class scores, remove that Resize: the output is then the scores at the
    ///     network's own resolution, and `trailingResize` says how they were to be resized.
    /// - Throws: `InferenceError` when the file is unreadable or malformed, uses an
    ///   unsupported opset or operators (all are named), or a node's attributes are invalid.
    public convenience init(contentsOf url: URL, threads: Int? = nil, classMap: Bool = false, cutTrailingResize: Bool = false) throws {
        try self.init(loaded: ModelLoader.load(contentsOf: url), threads: threads, classMap: classMap, cutTrailingResize: cutTrailingResize)
    }

    init(loaded: LoadedModel, threads: Int?, classMap: Bool = false, cutTrailingResize: Bool = false) throws {
        var graph = loaded.graph
        operatorCounts = graph.nodes.reduce(into: [:]) { $0[$1.opType, default: 0] += 1 }
        parameterCount = graph.initializers.values.reduce(0) { $0 + ($1.elementType == .float32 ? $1.shape.reduce(1, *) : 0) }
        ConstantFolding.apply(&graph, opset: loaded.opset)
        let unsupported = KernelRegistry.unsupported(in: graph)
        guard unsupported.isEmpty else { throw InferenceError.unsupportedOperators(unsupported) }
        if classMap { GraphOptimizer.appendArgMax(&graph) }
        trailingResize = !classMap && cutTrailingResize ? try TrailingResize.cut(from: &graph) : nil
        try GraphOptimizer.optimize(&graph)
        kernels = try graph.nodes.map { try KernelRegistry.make($0, opset: loaded.opset) }
        self.graph = graph
        inputs = graph.inputs
        outputs = graph.outputs
        metadata = loaded.metadata
        opset = loaded.opset
        producer = loaded.producer
        _threads = max(1, threads ?? ProcessInfo.processInfo.activeProcessorCount)
        EngineSetup.apply()
    }

    /// The OpenBLAS kernel family in use (e.g. "SkylakeX"); see `BLASSetup`.
    public static var blasCoreName: String { BLASSetup.coreName }

    /// The session for these input shapes, planned on first use and cached.
    /// - Throws: `InferenceError.invalidInput` for a missing input or a shape the model
    ///   cannot take, `.invalidNode` when a node cannot handle the resulting shapes.
    public func prepare(inputShapes: [String: [Int]]) throws -> Session {
        try lock.withLock {
            if let s = sessions[inputShapes] { return s }
            let s = try Planner(graph: graph, kernels: kernels, threads: _threads, instructionSet: _instructionSet)
                .plan(inputShapes: inputShapes, arena: sharedArena)
            sessions[inputShapes] = s
            return s
        }
    }

    /// The shared arena, grown to `bytes` when a plan needs more; the sessions planned in the old
    /// one are dropped (and planned again when next asked for), so its memory goes with the
    /// last of them. Called with `lock` held.
    private func sharedArena(_ bytes: Int) -> Memory {
        if arena.bytes < bytes {
            arena = Memory(bytes: bytes)
            sessions.removeAll()
        }
        return arena
    }

    /// The session for a single-input model and this input shape (e.g. [N, 3, H, W]).
    public func prepare(inputShape: [Int]) throws -> Session {
        guard inputs.count == 1 else {
            throw InferenceError.invalidInput(name: inputs.map(\.name).joined(separator: ", "), reason: "the model has several inputs; use prepare(inputShapes:)")
        }
        return try prepare(inputShapes: [inputs[0].name: inputShape])
    }

    /// Runs the model on `values` (one per input), planning for their shapes if needed.
    /// - Returns: every output by name; class maps from ArgMax are `.int64`.
    public func run(_ values: [String: TensorValue]) throws -> [String: TensorValue] {
        let session = try prepare(inputShapes: values.mapValues(\.shape))
        return try lock.withLock { try session.run(values) }
    }

    /// Runs a single-input model on an NCHW Float32 tensor.
    public func run(_ input: Tensor) throws -> [String: TensorValue] {
        let session = try prepare(inputShape: input.shape)
        return try lock.withLock { try session.run([inputs[0].name: .float32(input)]) }
    }
}
