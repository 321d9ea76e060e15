/// Mean over `axes` (attribute before opset 18, constant input from 18; all axes when
/// empty unless `noop_with_empty_axes`), with `keepdims`. Float32.
struct ReduceMean: Kernel {
    let node: Node
    let keepDims: Bool
    let axesAttribute: [Int]?
    let noopWithEmptyAxes: Bool

    init(_ node: Node) throws {
        self.node = node
        keepDims = try node.int("keepdims", default: 1) != 0
        axesAttribute = try node.ints("axes")
        noopWithEmptyAxes = try node.int("noop_with_empty_axes", default: 0) != 0
    }

    func axes(_ inputs: [ValueInfo?]) throws -> Set<Int> {
        let x = try node.required(inputs, 0)
        let given = try axesAttribute ?? node.constantInput(inputs, 1)?.intValues ?? []
        if given.isEmpty { return noopWithEmptyAxes ? [] : Set(x.shape.indices) }
        return Set(try given.map { try node.normalizedAxis($0, rank: x.shape.count) })
    }

    func outputs(_ inputs: [ValueInfo?]) throws -> [TensorDesc] {
        let x = try node.required(inputs, 0)
        try node.requireFloat(x)
        let reduced = try axes(inputs)
        let shape = x.shape.indices.compactMap { reduced.contains($0) ? (keepDims ? 1 : nil) : x.shape[$0] }
        return [.float(shape)]
    }

    func step(_ inputs: [Buffer?], _ outputs: [Buffer], _ context: PlanContext) throws -> Step {
        let infos = inputs.map { $0.map { ValueInfo(desc: $0.desc, constant: $0.load()) } }
        let reduced = try axes(infos)
        let x = inputs[0]!, y = outputs[0], shape = x.shape
        let kept = shape.indices.map { reduced.contains($0) ? 1 : shape[$0] }
        let outStrides = broadcastStrides(kept, to: shape)
        let divisor = Float(x.count / max(y.count, 1)), total = x.count, rank = shape.count
        return {
            y.floats.update(repeating: 0, count: y.count)
            for i in 0..<total {
                var rem = i, o = 0
                for a in stride(from: rank - 1, through: 0, by: -1) {
                    o += (rem % shape[a]) * outStrides[a]
                    rem /= shape[a]
                }
                y.floats[o] += x.floats[i]
            }
            for j in 0..<y.count { y.floats[j] /= divisor }
        }
    }

    /// Plain mean, the test oracle: each output element averages the input elements that
    /// agree with it on the kept axes. No axes means all, or none with `noopWithEmptyAxes`.
    static func reference(_ x: Tensor, axes: [Int]?, keepDims: Bool, noopWithEmptyAxes: Bool) -> Tensor {
        let given = (axes ?? []).map { $0 < 0 ? $0 + x.shape.count : $0 }
        let reduced = given.isEmpty && !noopWithEmptyAxes ? Array(x.shape.indices) : given
        var sums = Tensor(zeros: x.shape.indices.map { reduced.contains($0) ? 1 : x.shape[$0] })
        for index in allIndices(x.shape) { sums[index: index.indices.map { reduced.contains($0) ? 0 : index[$0] }] += x[index: index] }
        let count = Float(reduced.map { x.shape[$0] }.reduce(1, *))
        let shape = keepDims ? sums.shape : x.shape.indices.filter { !reduced.contains($0) }.map { x.shape[$0] }
        return Tensor(shape: shape, data: sums.data.map { $0 / count })
    }
}
