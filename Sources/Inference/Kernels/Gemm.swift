import COpenBLAS

/// General matrix multiply, Float32: Y [M, N] = alpha * A' B' + beta * C, where A'
/// and B' are A [M, K] and B [K, N] (or transposed per transA/transB) and C broadcasts to [M, N].
struct Gemm: Kernel {
    let node: Node
    let alpha, beta: Float
    let transA, transB: Bool

    init(_ node: Node) throws {
        self.node = node
        alpha = try node.float("alpha", default: 1)
        beta = try node.float("beta", default: 1)
        transA = try node.int("transA", default: 0) != 0
        transB = try node.int("transB", default: 0) != 0
    }

    func dims(_ a: [Int], _ b: [Int]) throws -> (m: Int, k: Int, n: Int) {
        guard a.count == 2, b.count == 2 else { throw node.error("A and B must be 2-D, got \(a) and \(b)") }
        let (m, k) = transA ? (a[1], a[0]) : (a[0], a[1])
        let (k2, n) = transB ? (b[1], b[0]) : (b[0], b[1])
        guard k == k2 else { throw node.error("inner dimensions differ: A \(a), B \(b)") }
        return (m, k, n)
    }

    func outputs(_ inputs: [ValueInfo?]) throws -> [TensorDesc] {
        let a = try node.required(inputs, 0), b = try node.required(inputs, 1)
        try node.requireFloat(a)
        let (m, _, n) = try dims(a.shape, b.shape)
        if inputs.count > 2, let c = inputs[2] { guard try node.broadcastShape([m, n], c.shape) == [m, n] else { throw node.error("C \(c.shape) does not broadcast to [\(m), \(n)]") } }
        return [.float([m, n])]
    }

    func flops(_ inputs: [TensorDesc?], _ outputs: [TensorDesc]) -> Int {
        guard let a = inputs[0] else { return 0 }
        return 2 * outputs[0].count * (transA ? a.shape[0] : a.shape[1])
    }

    func step(_ inputs: [Buffer?], _ outputs: [Buffer], _ context: PlanContext) throws -> Step {
        let a = inputs[0]!, b = inputs[1]!, y = outputs[0]
        let (m, k, n) = try dims(a.shape, b.shape)
        let c = inputs.count > 2 ? inputs[2] : nil
        let layout = c.map { BroadcastLayout(a: $0.shape, b: [m, n], out: [m, n]) }
        let (alpha, beta, ta, tb) = (alpha, beta, transA, transB)
        let threads = context.threads
        return {
            if let c, let layout, beta != 0 {
                layout.run(c.floats, y.floats, y.floats, threads: 1) { cv, _ in beta * cv }
            }
            // Column slices of B and Y per worker; sgemm itself runs single-threaded.
            parallelFor(n, threads: n * m * k >= 1 << 18 ? threads : 1) { cols in
                let bSlice = tb ? b.floats + cols.lowerBound * b.shape[1] : b.floats + cols.lowerBound
                cblas_sgemm(CblasRowMajor, ta ? CblasTrans : CblasNoTrans, tb ? CblasTrans : CblasNoTrans,
                            Int32(m), Int32(cols.count), Int32(k), alpha, a.floats, Int32(a.shape[1]), bSlice, Int32(b.shape[1]),
                            c != nil && beta != 0 ? 1 : 0, y.floats + cols.lowerBound, Int32(n))
            }
        }
    }

    /// Plain triple loop, the test oracle: alpha * A' B' + beta * C, C broadcast to [M, N].
    static func reference(a: Tensor, b: Tensor, c: Tensor?, alpha: Float, beta: Float, transA: Bool, transB: Bool) -> Tensor {
        let m = transA ? a.shape[1] : a.shape[0], k = transA ? a.shape[0] : a.shape[1], n = transB ? b.shape[0] : b.shape[1]
        var y = Tensor(zeros: [m, n])
        for i in 0..<m {
            for j in 0..<n {
                var sum: Float = 0
                for p in 0..<k { sum += a[index: transA ? [p, i] : [i, p]] * b[index: transB ? [j, p] : [p, j]] }
                y[index: [i, j]] = alpha * sum + beta * (c.map { $0[index: broadcastIndex([i, j], into: $0.shape)] } ?? 0)
            }
        }
        return y
    }
}
