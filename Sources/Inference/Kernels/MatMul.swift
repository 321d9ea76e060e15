import COpenBLAS

/// numpy-style matrix product, Float32: [..., M, K] x [..., K, N] -> [..., M, N] with
/// broadcast batch dimensions; 1-D operands are promoted and the added axis removed.
struct MatMul: Kernel {
    let node: Node

    init(_ node: Node) throws { self.node = node }

    /// Batch shape, M, K, N and the output shape.
    func dims(_ a: [Int], _ b: [Int]) throws -> (batch: [Int], m: Int, k: Int, n: Int, out: [Int]) {
        guard !a.isEmpty, !b.isEmpty else { throw node.error("operands must have at least one dimension") }
        let pa = a.count == 1 ? [1] + a : a, pb = b.count == 1 ? b + [1] : b
        let m = pa[pa.count - 2], k = pa[pa.count - 1], n = pb[pb.count - 1]
        guard pb[pb.count - 2] == k else { throw node.error("inner dimensions differ: \(a) x \(b)") }
        let batch = try node.broadcastShape(Array(pa.dropLast(2)), Array(pb.dropLast(2)))
        var out = batch
        if a.count > 1 { out.append(m) }
        if b.count > 1 { out.append(n) }
        return (batch, m, k, n, out)
    }

    func outputs(_ inputs: [ValueInfo?]) throws -> [TensorDesc] {
        let a = try node.required(inputs, 0), b = try node.required(inputs, 1)
        try node.requireFloat(a)
        try node.requireFloat(b, 1)
        return [.float(try dims(a.shape, b.shape).out)]
    }

    func flops(_ inputs: [TensorDesc?], _ outputs: [TensorDesc]) -> Int {
        guard let a = inputs[0] else { return 0 }
        return 2 * outputs[0].count * (a.shape.last ?? 0)
    }

    func step(_ inputs: [Buffer?], _ outputs: [Buffer], _ context: PlanContext) throws -> Step {
        let a = inputs[0]!, b = inputs[1]!, y = outputs[0]
        let d = try dims(a.shape, b.shape)
        let pa = a.shape.count == 1 ? [1] + a.shape : a.shape, pb = b.shape.count == 1 ? b.shape + [1] : b.shape
        let sa = broadcastStrides(Array(pa.dropLast(2)), to: d.batch), sb = broadcastStrides(Array(pb.dropLast(2)), to: d.batch)
        let batches = d.batch.reduce(1, *), (m, k, n) = (d.m, d.k, d.n)
        // Work items are (batch, slice): slices of rows, whose A and C rows are contiguous (token-
        // major transformer layers are tall: M = H x W), or of columns when there are too few
        // rows to share. sgemm itself runs single-threaded.
        let threads = m * n * k >= 1 << 18 ? context.threads : 1
        let wanted = (2 * threads + batches - 1) / batches, byRows = m >= 8 * wanted
        let slices = batches >= threads ? 1 : min(byRows ? m : n, wanted)
        return {
            parallelFor(batches * slices, threads: threads) { tasks in
                for t in tasks {
                    let bi = t / slices, s = t % slices
                    let (rows, columns) = byRows ? (s * m / slices..<(s + 1) * m / slices, 0..<n) : (0..<m, s * n / slices..<(s + 1) * n / slices)
                    var rem = bi, ao = 0, bo = 0
                    for i in stride(from: d.batch.count - 1, through: 0, by: -1) {
                        let idx = rem % d.batch[i]
                        rem /= d.batch[i]
                        ao += idx * sa[i]
                        bo += idx * sb[i]
                    }
                    guard !rows.isEmpty, !columns.isEmpty else { continue }
                    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(rows.count), Int32(columns.count), Int32(k), 1,
                                a.floats + ao * m * k + rows.lowerBound * k, Int32(k), b.floats + bo * k * n + columns.lowerBound, Int32(n), 0,
                                y.floats + bi * m * n + rows.lowerBound * n + columns.lowerBound, Int32(n))
                }
            }
        }
    }

    /// Plain numpy matmul, the test oracle: a 1-D A is a row and a 1-D B a column (the
    /// added axis dropped from the result); batch axes broadcast.
    static func reference(_ a: Tensor, _ b: Tensor) -> Tensor {
        let a2 = a.shape.count == 1 ? Tensor(shape: [1] + a.shape, data: a.data) : a
        let b2 = b.shape.count == 1 ? Tensor(shape: b.shape + [1], data: b.data) : b
        let batchA = Array(a2.shape.dropLast(2)), batchB = Array(b2.shape.dropLast(2))
        let m = a2.shape[a2.shape.count - 2], k = a2.shape[a2.shape.count - 1], n = b2.shape[b2.shape.count - 1]
        var y = Tensor(zeros: broadcastShapes(batchA, batchB) + [m, n])
        for index in allIndices(y.shape) {
            let batch = Array(index.dropLast(2)), i = index[index.count - 2], j = index[index.count - 1]
            for p in 0..<k {
                y[index: index] += a2[index: broadcastIndex(batch, into: batchA) + [i, p]] * b2[index: broadcastIndex(batch, into: batchB) + [p, j]]
            }
        }
        return Tensor(shape: Array(y.shape.dropLast(2)) + (a.shape.count > 1 ? [m] : []) + (b.shape.count > 1 ? [n] : []), data: y.data)
    }
}
