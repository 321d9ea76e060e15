/// Takes slices along `axis` at Int64 indices (negative counts from the end); data of
/// either type. Out-of-range indices are rejected when known, clamped otherwise.
struct Gather: Kernel {
    let node: Node
    let axis: Int

    init(_ node: Node) throws {
        self.node = node
        axis = try node.int("axis", default: 0)
    }

    func outputs(_ inputs: [ValueInfo?]) throws -> [TensorDesc] {
        let x = try node.required(inputs, 0), i = try node.required(inputs, 1)
        let a = try node.normalizedAxis(axis, rank: x.shape.count)
        guard i.type == .int64 else { throw node.error("indices must be an integer type") }
        if let values = i.constant?.int64Values, let bad = values.first(where: { $0 < -Int64(x.shape[a]) || $0 >= Int64(x.shape[a]) }) {
            throw node.error("index \(bad) is out of range for axis \(axis) of size \(x.shape[a])")
        }
        return [TensorDesc(type: x.type, shape: Array(x.shape[..<a]) + i.shape + Array(x.shape[(a + 1)...]))]
    }

    func step(_ inputs: [Buffer?], _ outputs: [Buffer], _ context: PlanContext) throws -> Step {
        let x = inputs[0]!, indices = inputs[1]!, y = outputs[0]
        let a = try node.normalizedAxis(axis, rank: x.shape.count)
        let outer = x.shape[..<a].reduce(1, *), dim = x.shape[a], count = indices.count
        let inner = x.shape[(a + 1)...].reduce(1, *) * x.desc.elementSize
        return {
            for o in 0..<outer {
                for j in 0..<count {
                    let i = clampedIndex(indices.int64s[j], count: dim)
                    (y.raw + (o * count + j) * inner).copyMemory(from: x.raw + (o * dim + i) * inner, byteCount: inner)
                }
            }
        }
    }

    /// Plain gather, the test oracle: output (i..., j..., k...), with j... a position in
    /// `indices`, reads data (i..., indices[j...], k...) along `axis`; negative indices
    /// count from the end.
    static func reference(_ data: Tensor, indices: Int64Tensor, axis: Int) -> Tensor {
        let a = axis < 0 ? axis + data.shape.count : axis, r = indices.shape.count
        var y = Tensor(zeros: Array(data.shape[..<a]) + indices.shape + Array(data.shape[(a + 1)...]))
        for index in allIndices(y.shape) {
            let i = Int(indices[index: Array(index[a..<(a + r)])])
            y[index: index] = data[index: Array(index[..<a]) + [i < 0 ? i + data.shape[a] : i] + Array(index[(a + r)...])]
        }
        return y
    }
}
