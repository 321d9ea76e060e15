import Testing
@testable import Inference

/// Runs `kernel` once on constant inputs (nil: an omitted optional input) through the
/// planner's folding path, with three workers so the split-work code paths run.
func run(_ kernel: Kernel, _ inputs: [TensorValue?], instructionSet: InstructionSet = .best) throws -> [TensorValue] {
    let infos = inputs.map { $0.map { ValueInfo(desc: TensorDesc(type: $0.elementType, shape: $0.shape), constant: $0) } }
    return try Planner.fold(kernel, infos, kernel.outputs(infos), threads: 3, instructionSet: instructionSet)
}

/// Builds the registered kernel for an `opType` node, its inputs named by position ("" where
/// omitted), and runs it as `run(_:_:)` does.
func run(_ opType: String, _ inputs: [TensorValue?], _ attributes: [String: Attribute] = [:],
         outputs: Int = 1, opset: Int = 18, instructionSet: InstructionSet = .best) throws -> [TensorValue] {
    let node = Node(name: opType, opType: opType, inputs: inputs.indices.map { inputs[$0] == nil ? "" : "in\($0)" },
                    outputs: (0..<outputs).map { "out\($0)" }, attributes: attributes)
    return try run(KernelRegistry.make(node, opset: opset), inputs, instructionSet: instructionSet)
}

/// Expects `actual` to be Float32 of `expected`'s shape, within 1e-5 of it relative to its range.
func expectClose(_ actual: TensorValue, _ expected: Tensor, _ comment: Comment? = nil,
                 sourceLocation: SourceLocation = #_sourceLocation) {
    guard case .float32(let a) = actual, a.shape == expected.shape else {
        Issue.record("got \(actual.elementType) \(actual.shape), expected float32 \(expected.shape). \(comment?.rawValue ?? "")",
                     sourceLocation: sourceLocation)
        return
    }
    let (diff, range) = maxDifference(a, expected)
    #expect(diff <= 1e-5 * max(range, 1), "max diff \(diff). \(comment?.rawValue ?? "")", sourceLocation: sourceLocation)
}

/// A 1-D Int64 input such as starts, axes, pads or a target shape.
func int64s(_ values: [Int]) -> TensorValue {
    .int64(Int64Tensor(shape: [values.count], data: values.map { Int64($0) }))
}

/// `t` as a value of `type`, for data-movement ops that take either (whole numbers only for int64).
func typed(_ t: Tensor, _ type: ElementType) -> TensorValue {
    type == .float32 ? .float32(t) : .int64(Int64Tensor(shape: t.shape, data: t.data.map { Int64($0) }))
}
