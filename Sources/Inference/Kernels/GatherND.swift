/// GatherND(data, indices, batch_dims): each row of `indices`' last axis (k coordinates)
/// picks a slice data[b..., i1, ..., ik, ...] within its batch (the first `batch_dims` axes,
/// shared by data and indices); output shape indices.shape[:-1] + data.shape[batch_dims + k:].
/// Negative coordinates count from the end; out of range clamped. Data Float32 or Int64.
struct GatherND: Kernel {
    let node: Node
    let batchDims: Int

    init(_ node: Node) throws {
        self.node = node
        batchDims = try node.int("batch_dims", default: 0)
    }

    func outputs(_ inputs: [ValueInfo?]) throws -> [TensorDesc] {
        let x = try node.required(inputs, 0), i = try node.required(inputs, 1)
        guard i.type == .int64 else { throw node.error("indices must be an integer type") }
        guard let k = i.shape.last, i.shape.count > batchDims, batchDims >= 0, batchDims + k <= x.shape.count,
              Array(x.shape[..<batchDims]) == Array(i.shape[..<batchDims]) else {
            throw node.error("indices \(i.shape) with batch_dims \(batchDims) do not fit data \(x.shape)")
        }
        return [TensorDesc(type: x.type, shape: Array(i.shape.dropLast()) + Array(x.shape[(batchDims + k)...]))]
    }

    func step(_ inputs: [Buffer?], _ outputs: [Buffer], _ context: PlanContext) throws -> Step {
        let x = inputs[0]!, indices = inputs[1]!, y = outputs[0], b = batchDims, k = indices.shape.last!
        let batches = x.shape[..<b].reduce(1, *), dataStrides = stridesOf(x.shape), size = y.desc.elementSize
        let rowsPerBatch = indices.shape[b..<(indices.shape.count - 1)].reduce(1, *)
        let slice = x.shape[(b + k)...].reduce(1, *) * size, batchStride = b == 0 ? 0 : dataStrides[b - 1]
        let dims = Array(x.shape[b..<(b + k)]), strides = Array(dataStrides[b..<(b + k)])
        return {
            for batch in 0..<batches {
                for row in 0..<rowsPerBatch {
                    let r = batch * rowsPerBatch + row
                    var offset = batch * batchStride
                    for d in 0..<k {
                        offset += clampedIndex(indices.int64s[r * k + d], count: dims[d]) * strides[d]
                    }
                    (y.raw + r * slice).copyMemory(from: x.raw + offset * size, byteCount: slice)
                }
            }
        }
    }

    /// Plain slice gather, the test oracle.
    static func reference(_ data: Tensor, indices: Int64Tensor, batchDims b: Int) -> Tensor {
        let k = indices.shape.last!, outShape = Array(indices.shape.dropLast()) + Array(data.shape[(b + k)...])
        return Tensor(shape: outShape, data: allIndices(outShape).map { index in
            let row = Array(index[..<(indices.shape.count - 1)])
            let coordinates = (0..<k).map { d -> Int in
                let i = Int(indices[index: row + [d]])
                return i < 0 ? i + data.shape[b + d] : i
            }
            return data[index: Array(index[..<b]) + coordinates + Array(index[(indices.shape.count - 1)...])]
        })
    }
}
