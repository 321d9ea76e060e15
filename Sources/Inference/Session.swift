import COpenBLAS
import Dispatch

/// A model prepared for one set of input shapes: every buffer is allocated and every
/// step planned, so running only copies inputs in, fills buffers and copies outputs out.
/// Not safe for concurrent use, and the sessions of one model share their activation memory:
/// run one at a time (`Model.run` serialises access).
public final class Session {
    private let inputs: [Buffer]
    /// Names of the model inputs, in model order.
    public let inputNames: [String]
    private let outputs: [(name: String, buffer: Buffer?, constant: TensorValue?)]
    private let steps: [Step]
    /// What each step runs (op type, or a Conv's shape and fusions), as `profile` reports them.
    let stepLabels: [String]
    private let memory: [Memory]
    private let context: PlanContext
    /// Floating-point operations per run (all frames of the batch).
    public let flops: Int
    /// Bytes of activation memory the session holds.
    public let activationBytes: Int

    init(inputs: [Buffer], inputNames: [String], outputs: [(String, Buffer?, TensorValue?)], steps: [Step], labels: [String],
         memory: [Memory], context: PlanContext, flops: Int, bytes: Int) {
        self.inputs = inputs
        self.inputNames = inputNames
        self.outputs = outputs.map { (name: $0.0, buffer: $0.1, constant: $0.2) }
        self.steps = steps
        stepLabels = labels
        self.memory = memory
        self.context = context
        self.flops = flops
        activationBytes = bytes
    }

    /// The input shapes this session was prepared for, by input name.
    public var inputShapes: [String: [Int]] {
        Dictionary(uniqueKeysWithValues: zip(inputNames, inputs.map(\.shape)))
    }

    /// The output shapes, in model order.
    var outputShapes: [[Int]] { outputs.map { $0.buffer?.shape ?? $0.constant?.shape ?? [] } }

    /// Number of planned steps (nodes left after folding and fusion, views excluded).
    public var stepCount: Int { steps.count }

    /// Runs the model once, timing each step; returns milliseconds per step kind
    /// (op type, with kernel size and fusions for Conv), slowest first, with the copies
    /// of the inputs in and the outputs out as "inputs in" and "outputs out".
    public func profile(_ values: [String: TensorValue]) throws -> [(label: String, milliseconds: Double, count: Int)] {
        _ = try run(values)
        var totals: [String: (Double, Int)] = [:]
        func time(_ label: String, _ body: () throws -> Void) rethrows {
            let start = DispatchTime.now().uptimeNanoseconds
            try body()
            totals[label, default: (0, 0)].0 += Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6
            totals[label, default: (0, 0)].1 += 1
        }
        try time("inputs in") { try storeInputs(values) }
        for (step, label) in zip(steps, stepLabels) { time(label, step) }
        time("outputs out") { _ = loadOutputs() }
        return totals.map { ($0.key, $0.value.0, $0.value.1) }.sorted { $0.milliseconds > $1.milliseconds }
    }

    /// Runs the model.
    /// - Parameter values: one value per model input, with the prepared shape.
    /// - Returns: every model output by name.
    /// - Throws: `InferenceError.invalidInput` when an input is missing or its shape or type differs.
    public func run(_ values: [String: TensorValue]) throws -> [String: TensorValue] {
        try storeInputs(values)
        for step in steps { step() }
        return loadOutputs()
    }

    private func storeInputs(_ values: [String: TensorValue]) throws {
        for (name, buffer) in zip(inputNames, inputs) {
            guard let v = values[name] else { throw InferenceError.invalidInput(name: name, reason: "missing") }
            guard v.shape == buffer.shape else {
                throw InferenceError.invalidInput(name: name, reason: "shape \(v.shape) differs from the prepared shape \(buffer.shape)")
            }
            guard v.elementType == buffer.desc.type else {
                throw InferenceError.invalidInput(name: name, reason: "expected \(buffer.desc.type), got \(v.elementType)")
            }
            buffer.store(v, threads: context.threads)
        }
    }

    private func loadOutputs() -> [String: TensorValue] {
        var result: [String: TensorValue] = [:]
        for o in outputs { result[o.name] = o.constant ?? o.buffer!.load(threads: context.threads) }
        return result
    }
}
