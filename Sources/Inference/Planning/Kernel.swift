/// A planned unit of work: fills its preallocated output buffers.
typealias Step = () -> Void

/// Settings and shared resources for building steps.
final class PlanContext {
    /// Threads our own loops may use (OpenBLAS is set to the same count).
    let threads: Int
    /// The instruction set the convolution kernels may use.
    let instructionSet: InstructionSet
    let scratch = Scratch()
    /// Memory the steps own (packed weights and similar), kept alive with the session.
    var retained: [AnyObject] = []
    /// Buffers holding values known at planning time (already stored when steps are made).
    var constants: Set<UnsafeMutableRawPointer> = []

    init(threads: Int, instructionSet: InstructionSet = .best) {
        self.threads = threads
        self.instructionSet = instructionSet
    }

    /// True when `buffer` holds a constant.
    func isConstant(_ buffer: Buffer) -> Bool { constants.contains(buffer.raw) }
}

/// One ONNX operator. Instances are built at load time, where they validate their
/// attributes; planning then asks for output shapes and a step per input shape.
protocol Kernel {
    /// Output types and shapes for `inputs` (nil for an omitted optional input).
    /// - Throws: `InferenceError.invalidNode` when the inputs do not fit the op.
    func outputs(_ inputs: [ValueInfo?]) throws -> [TensorDesc]
    /// The step computing `outputs` from `inputs`.
    func step(_ inputs: [Buffer?], _ outputs: [Buffer], _ context: PlanContext) throws -> Step
    /// True when output 0 is input 0's memory reinterpreted (reshape-like ops); no step runs.
    var isView: Bool { get }
    /// Floating-point operations for one run with these inputs and outputs.
    func flops(_ inputs: [TensorDesc?], _ outputs: [TensorDesc]) -> Int
    /// Outputs known from input shapes alone (Shape), computed at planning time.
    func constantOutputs(_ inputs: [ValueInfo?]) throws -> [TensorValue]?
}

extension Kernel {
    var isView: Bool { false }
    func flops(_ inputs: [TensorDesc?], _ outputs: [TensorDesc]) -> Int { 0 }
    func constantOutputs(_ inputs: [ValueInfo?]) throws -> [TensorValue]? { nil }
}

extension Node {
    /// The planner's info for required input `i`.
    func required(_ inputs: [ValueInfo?], _ i: Int) throws -> ValueInfo {
        guard i < inputs.count, let v = inputs[i] else { throw error("input \(i) is missing") }
        return v
    }

    /// The constant contents of input `i`, which this op needs before running.
    func constantInput(_ inputs: [ValueInfo?], _ i: Int) throws -> TensorValue? {
        guard i < inputs.count, let v = inputs[i] else { return nil }
        guard let c = v.constant else {
            throw error("input \(i) must be computable when the model is prepared (a constant or derived from shapes)")
        }
        return c
    }

    /// Checks that input `i` is Float32.
    func requireFloat(_ info: ValueInfo, _ i: Int = 0) throws {
        guard info.type == .float32 else { throw error("input \(i) must be float32") }
    }
}
