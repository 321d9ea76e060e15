/// Equal, Less, Greater, LessOrEqual and GreaterOrEqual with numpy broadcasting, on two
/// Float32 or two Int64 inputs; the bool result is Int64 0 or 1 (as Cast stores bools).
struct Comparison: Kernel {
    enum Op: String, CaseIterable {
        case equal = "Equal", less = "Less", greater = "Greater", lessOrEqual = "LessOrEqual", greaterOrEqual = "GreaterOrEqual"

        func holds<T: Comparable>(_ a: T, _ b: T) -> Bool {
            switch self {
            case .equal: a == b
            case .less: a < b
            case .greater: a > b
            case .lessOrEqual: a <= b
            case .greaterOrEqual: a >= b
            }
        }
    }

    let node: Node
    let op: Op

    init(_ node: Node) throws {
        guard let op = Op(rawValue: node.opType) else { throw node.error("not a comparison") }
        self.node = node
        self.op = op
    }

    func outputs(_ inputs: [ValueInfo?]) throws -> [TensorDesc] {
        let a = try node.required(inputs, 0), b = try node.required(inputs, 1)
        guard a.type == b.type else { throw node.error("inputs have different types (\(a.type), \(b.type))") }
        return [.int64(try node.broadcastShape(a.shape, b.shape))]
    }

    func step(_ inputs: [Buffer?], _ outputs: [Buffer], _ context: PlanContext) throws -> Step {
        let a = inputs[0]!, b = inputs[1]!, out = outputs[0], op = op
        let layout = BroadcastLayout(a: a.shape, b: b.shape, out: out.shape)
        if a.desc.type == .int64 {
            return { layout.run(a.int64s, b.int64s, out.int64s, threads: 1) { op.holds($0, $1) ? Int64(1) : 0 } }
        }
        return { layout.run(a.floats, b.floats, out.int64s, threads: 1) { op.holds($0, $1) ? Int64(1) : 0 } }
    }

    /// Plain per-element comparison with numpy broadcasting, the test oracle (1 for true).
    static func reference(_ op: Op, _ a: Tensor, _ b: Tensor) -> Int64Tensor {
        let shape = broadcastShapes(a.shape, b.shape)
        return Int64Tensor(shape: shape, data: allIndices(shape).map { index in
            op.holds(a[index: broadcastIndex(index, into: a.shape)], b[index: broadcastIndex(index, into: b.shape)]) ? 1 : 0
        })
    }
}
