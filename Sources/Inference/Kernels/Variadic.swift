/// Min, Max, Sum and Mean of one or more inputs with numpy broadcasting, on Float32 or Int64
/// (Mean on Float32 only): the inputs are folded into the output pairwise.
struct Variadic: Kernel {
    enum Op: String, CaseIterable { case min = "Min", max = "Max", sum = "Sum", mean = "Mean" }

    let node: Node
    let op: Op

    init(_ node: Node) throws {
        self.node = node
        op = Op(rawValue: node.opType)!
        guard !node.inputs.isEmpty, !node.inputs.contains("") else { throw node.error("needs one or more inputs, none omitted") }
    }

    func outputs(_ inputs: [ValueInfo?]) throws -> [TensorDesc] {
        let first = try node.required(inputs, 0)
        var shape = first.shape
        for i in inputs.indices.dropFirst() {
            let x = try node.required(inputs, i)
            guard x.type == first.type else { throw node.error("inputs have different types (\(first.type), \(x.type))") }
            shape = try node.broadcastShape(shape, x.shape)
        }
        if op == .mean { try node.requireFloat(first) }
        return [TensorDesc(type: first.type, shape: shape)]
    }

    func step(_ inputs: [Buffer?], _ outputs: [Buffer], _ context: PlanContext) throws -> Step {
        let y = outputs[0], xs = inputs.map { $0! }, op = self.op
        let threads = y.count >= 1 << 15 ? context.threads : 1
        // y = x0 op x1, then y = y op xi; a single input is copied.
        let passes = xs.indices.dropFirst().map { i in
            (BroadcastLayout(a: (i == 1 ? xs[0] : y).shape, b: xs[i].shape, out: y.shape), i == 1 ? xs[0] : y, xs[i])
        }
        let scale = 1 / Float(xs.count), bytes = y.count * y.desc.elementSize
        if y.desc.type == .int64 {
            return {
                if passes.isEmpty { y.raw.copyMemory(from: xs[0].raw, byteCount: bytes) }
                for (layout, a, b) in passes {
                    layout.run(a.int64s, b.int64s, y.int64s, threads: 1) { u, v in
                        switch op {
                        case .min: return Swift.min(u, v)
                        case .max: return Swift.max(u, v)
                        case .sum, .mean: return u &+ v
                        }
                    }
                }
            }
        }
        return {
            if passes.isEmpty { y.raw.copyMemory(from: xs[0].raw, byteCount: bytes) }
            for (layout, a, b) in passes {
                switch op {
                case .min: layout.run(a.floats, b.floats, y.floats, threads: threads) { u, v in u.isNaN || v.isNaN ? .nan : Swift.min(u, v) }
                case .max: layout.run(a.floats, b.floats, y.floats, threads: threads) { u, v in u.isNaN || v.isNaN ? .nan : Swift.max(u, v) }
                case .sum, .mean: layout.runFloat(.add, a.floats, b.floats, y.floats, threads: threads)
                }
            }
            if op == .mean { for i in 0..<y.count { y.floats[i] *= scale } }
        }
    }

    /// Plain elementwise fold with numpy broadcasting, the test oracle.
    static func reference(_ op: Op, _ xs: [Tensor]) -> Tensor {
        let shape = xs.dropFirst().reduce(xs[0].shape) { broadcastShapes($0, $1.shape) }
        var y = Tensor(zeros: shape)
        for index in allIndices(shape) {
            let values = xs.map { $0[index: broadcastIndex(index, into: $0.shape)] }
            switch op {
            case .min: y[index: index] = values.min()!
            case .max: y[index: index] = values.max()!
            case .sum: y[index: index] = values.reduce(0, +)
            case .mean: y[index: index] = values.reduce(0, +) / Float(values.count)
            }
        }
        return y
    }
}
