/// And, Or and Xor with numpy broadcasting, and Not, on bools stored as Int64 0 or 1 (any
/// non-zero value counts as true).
struct Logical: Kernel {
    enum Op: String, CaseIterable {
        case and = "And", or = "Or", xor = "Xor", not = "Not"

        func apply(_ a: Bool, _ b: Bool) -> Bool {
            switch self {
            case .and: a && b
            case .or: a || b
            case .xor: a != b
            case .not: !a
            }
        }
    }

    let node: Node
    let op: Op

    init(_ node: Node) throws {
        guard let op = Op(rawValue: node.opType) else { throw node.error("not a logical operator") }
        self.node = node
        self.op = op
    }

    func outputs(_ inputs: [ValueInfo?]) throws -> [TensorDesc] {
        let a = try node.required(inputs, 0)
        guard a.type == .int64 else { throw node.error("input 0 must be bool") }
        if op == .not { return [.int64(a.shape)] }
        let b = try node.required(inputs, 1)
        guard b.type == .int64 else { throw node.error("input 1 must be bool") }
        return [.int64(try node.broadcastShape(a.shape, b.shape))]
    }

    func step(_ inputs: [Buffer?], _ outputs: [Buffer], _ context: PlanContext) throws -> Step {
        let a = inputs[0]!, out = outputs[0], op = op
        if op == .not {
            return { for i in 0..<out.count { out.int64s[i] = a.int64s[i] == 0 ? 1 : 0 } }
        }
        let b = inputs[1]!, layout = BroadcastLayout(a: a.shape, b: b.shape, out: out.shape)
        return { layout.run(a.int64s, b.int64s, out.int64s, threads: 1) { op.apply($0 != 0, $1 != 0) ? Int64(1) : 0 } }
    }

    /// Plain per-element logic with numpy broadcasting, the test oracle (`b` unused by Not).
    static func reference(_ op: Op, _ a: Int64Tensor, _ b: Int64Tensor) -> Int64Tensor {
        let shape = op == .not ? a.shape : broadcastShapes(a.shape, b.shape)
        return Int64Tensor(shape: shape, data: allIndices(shape).map { index in
            let x = a[index: broadcastIndex(index, into: a.shape)] != 0
            let y = op == .not ? false : b[index: broadcastIndex(index, into: b.shape)] != 0
            return op.apply(x, y) ? 1 : 0
        })
    }
}
