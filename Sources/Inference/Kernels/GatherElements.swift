/// GatherElements(data, indices, axis): an output shaped like `indices` whose element at
/// position p reads data at p with its `axis` coordinate replaced by indices[p] (negative
/// counts from the end; out of range clamped). Data Float32 or Int64.
struct GatherElements: Kernel {
    let node: Node
    let axis: Int

    init(_ node: Node) throws {
        self.node = node
        axis = try node.int("axis", default: 0)
    }

    func outputs(_ inputs: [ValueInfo?]) throws -> [TensorDesc] {
        let x = try node.required(inputs, 0), i = try node.required(inputs, 1)
        guard i.type == .int64 else { throw node.error("indices must be an integer type") }
        guard i.shape.count == x.shape.count else { throw node.error("indices of rank \(i.shape.count) for data of rank \(x.shape.count)") }
        _ = try node.normalizedAxis(axis, rank: x.shape.count)
        return [TensorDesc(type: x.type, shape: i.shape)]
    }

    func step(_ inputs: [Buffer?], _ outputs: [Buffer], _ context: PlanContext) throws -> Step {
        let x = inputs[0]!, indices = inputs[1]!, y = outputs[0]
        let a = try node.normalizedAxis(axis, rank: x.shape.count), shape = y.shape, dataStrides = stridesOf(x.shape)
        let size = y.desc.elementSize, dim = x.shape[a], rank = shape.count
        return {
            for p in 0..<y.count {
                var rest = p, offset = 0
                for d in stride(from: rank - 1, through: 0, by: -1) {
                    let coordinate = d == a ? clampedIndex(indices.int64s[p], count: dim) : rest % shape[d]
                    offset += coordinate * dataStrides[d]
                    rest /= shape[d]
                }
                (y.raw + p * size).copyMemory(from: x.raw + offset * size, byteCount: size)
            }
        }
    }

    /// Plain element gather, the test oracle.
    static func reference(_ data: Tensor, indices: Int64Tensor, axis: Int) -> Tensor {
        let a = axis < 0 ? axis + data.shape.count : axis
        return Tensor(shape: indices.shape, data: allIndices(indices.shape).map { index in
            var source = index
            let i = Int(indices[index: index])
            source[a] = i < 0 ? i + data.shape[a] : i
            return data[index: source]
        })
    }
}
