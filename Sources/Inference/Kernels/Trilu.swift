/// Trilu(x, k): the upper (default) or lower triangle of each matrix in x's last two axes,
/// above or below diagonal `k` (a constant; default 0); the rest zeros. Float32 or Int64.
struct Trilu: Kernel {
    let node: Node
    let upper: Bool

    init(_ node: Node) throws {
        self.node = node
        upper = try node.int("upper", default: 1) != 0
    }

    func diagonal(_ inputs: [ValueInfo?]) throws -> Int {
        guard let k = try node.constantInput(inputs, 1)?.intValues else { return 0 }
        guard k.count == 1 else { throw node.error("k must be a scalar") }
        return k[0]
    }

    func outputs(_ inputs: [ValueInfo?]) throws -> [TensorDesc] {
        let x = try node.required(inputs, 0)
        guard x.shape.count >= 2 else { throw node.error("input must have at least 2 axes, got shape \(x.shape)") }
        _ = try diagonal(inputs)
        return [x.desc]
    }

    func step(_ inputs: [Buffer?], _ outputs: [Buffer], _ context: PlanContext) throws -> Step {
        let k = try diagonal(inputs.map { $0.map { ValueInfo(desc: $0.desc, constant: $0.load()) } })
        let x = inputs[0]!, y = outputs[0], rows = x.shape[x.shape.count - 2], columns = x.shape.last!, upper = upper
        let size = y.desc.elementSize, count = y.count
        return {
            for i in 0..<count {
                let column = i % columns, row = i / columns % rows
                let kept = upper ? column - row >= k : column - row <= k
                if kept {
                    (y.raw + i * size).copyMemory(from: x.raw + i * size, byteCount: size)
                } else {
                    (y.raw + i * size).initializeMemory(as: UInt8.self, repeating: 0, count: size)
                }
            }
        }
    }

    /// Plain triangle, the test oracle.
    static func reference(_ x: Tensor, k: Int, upper: Bool) -> Tensor {
        let rank = x.shape.count
        return Tensor(shape: x.shape, data: allIndices(x.shape).map { index in
            let offset = index[rank - 1] - index[rank - 2]
            return (upper ? offset >= k : offset <= k) ? x[index: index] : 0
        })
    }
}
