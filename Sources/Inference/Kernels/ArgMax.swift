/// Index of the largest value along `axis` (first or, with `select_last_index`, last
/// on ties), Float32 in, Int64 out, with `keepdims`.
struct ArgMax: Kernel {
    let node: Node
    let axis: Int
    let keepDims: Bool
    let selectLast: Bool

    init(_ node: Node) throws {
        self.node = node
        axis = try node.int("axis", default: 0)
        keepDims = try node.int("keepdims", default: 1) != 0
        selectLast = try node.int("select_last_index", default: 0) != 0
    }

    func outputs(_ inputs: [ValueInfo?]) throws -> [TensorDesc] {
        let x = try node.required(inputs, 0)
        try node.requireFloat(x)
        let a = try node.normalizedAxis(axis, rank: x.shape.count)
        var shape = x.shape
        if keepDims { shape[a] = 1 } else { shape.remove(at: a) }
        return [.int64(shape)]
    }

    func step(_ inputs: [Buffer?], _ outputs: [Buffer], _ context: PlanContext) throws -> Step {
        let x = inputs[0]!, y = outputs[0]
        let a = try node.normalizedAxis(axis, rank: x.shape.count)
        let outer = x.shape[..<a].reduce(1, *), len = x.shape[a], inner = x.shape[(a + 1)...].reduce(1, *)
        let selectLast = self.selectLast
        return {
            for o in 0..<outer {
                let src = x.floats + o * len * inner, dst = y.int64s + o * inner
                for i in 0..<inner {
                    var best = src[i], at = 0
                    for k in 1..<max(len, 1) {
                        let v = src[k * inner + i]
                        if v > best || (selectLast && v == best) { best = v; at = k }
                    }
                    dst[i] = Int64(at)
                }
            }
        }
    }

    /// Plain arg max along `axis`, the test oracle: the position of the first maximum, or
    /// of the last with `selectLast`.
    static func reference(_ x: Tensor, axis: Int, keepDims: Bool, selectLast: Bool) -> Int64Tensor {
        let a = axis < 0 ? axis + x.shape.count : axis
        var shape = x.shape
        shape[a] = 1
        var y = Int64Tensor(shape: shape, data: Array(repeating: 0, count: shape.reduce(1, *)))
        for index in allIndices(shape) {
            let line = (0..<x.shape[a]).map { k in var source = index; source[a] = k; return x[index: source] }
            let top = line.max()!
            y[index: index] = Int64(selectLast ? line.lastIndex(of: top)! : line.firstIndex(of: top)!)
        }
        if !keepDims { y.shape.remove(at: a) }
        return y
    }
}
