/// Permutes axes (`perm`, default reversed). Used for NHWC graphs from tf2onnx.
struct Transpose: Kernel {
    let node: Node
    let perm: [Int]?

    init(_ node: Node) throws {
        self.node = node
        perm = try node.ints("perm")
    }

    func permutation(rank: Int) throws -> [Int] {
        let p = perm ?? Array((0..<rank).reversed())
        guard p.count == rank, Set(p) == Set(0..<rank) else { throw node.error("perm \(p) is not a permutation of \(rank) axes") }
        return p
    }

    func outputs(_ inputs: [ValueInfo?]) throws -> [TensorDesc] {
        let x = try node.required(inputs, 0)
        let p = try permutation(rank: x.shape.count)
        return [TensorDesc(type: x.type, shape: p.map { x.shape[$0] })]
    }

    func step(_ inputs: [Buffer?], _ outputs: [Buffer], _ context: PlanContext) throws -> Step {
        let x = inputs[0]!, y = outputs[0]
        let p = try permutation(rank: x.shape.count)
        let inStrides = stridesOf(x.shape)
        let copy = StridedPermute(outShape: y.shape, strides: p.map { inStrides[$0] })
        if x.desc.type == .float32 { return { copy.run(x.floats, y.floats) } }
        return { copy.run(x.int64s, y.int64s) }
    }

    /// Plain transpose, the test oracle: output axis k is input axis perm[k] (perm
    /// defaults to reversing the axes).
    static func reference(_ x: Tensor, perm: [Int]?) -> Tensor {
        let p = perm ?? x.shape.indices.reversed()
        var y = Tensor(zeros: p.map { x.shape[$0] })
        for index in allIndices(y.shape) {
            var source = index
            for k in p.indices { source[p[k]] = index[k] }
            y[index: index] = x[index: source]
        }
        return y
    }
}

/// Writes a dense tensor by reading the source with arbitrary per-axis strides.
struct StridedPermute {
    let outShape: [Int]
    let strides: [Int]

    func run<T>(_ src: UnsafePointer<T>, _ dst: UnsafeMutablePointer<T>) {
        let rank = outShape.count
        guard rank > 0, outShape.reduce(1, *) > 0 else { if rank == 0 { dst[0] = src[0] }; return }
        let len = outShape[rank - 1], last = strides[rank - 1]
        if last != 1, len > 1, let q = strides.firstIndex(of: 1), q < rank - 1, outShape[q] > 1 {
            return tiled(src, dst, across: q)
        }
        let rows = outShape.dropLast().reduce(1, *)
        for r in 0..<rows {
            var rem = r, offset = 0
            for d in stride(from: rank - 2, through: 0, by: -1) {
                offset += (rem % outShape[d]) * strides[d]
                rem /= outShape[d]
            }
            let out = dst + r * len, s = src + offset
            for j in 0..<len { out[j] = s[j * last] }
        }
    }

    /// When output axis `q` walks the source contiguously but the last axis does not: 16x16
    /// tiles of the (q, last) plane, so reads and writes both stay within a few cache lines.
    private func tiled<T>(_ src: UnsafePointer<T>, _ dst: UnsafeMutablePointer<T>, across q: Int) {
        let rank = outShape.count, outStrides = stridesOf(outShape), tile = 16
        let (rows, columns, sourceStep, rowStep) = (outShape[q], outShape[rank - 1], strides[rank - 1], outStrides[q])
        let others = (0..<(rank - 1)).filter { $0 != q }
        for planeIndex in 0..<others.reduce(1, { $0 * outShape[$1] }) {
            var rem = planeIndex, source = 0, target = 0
            for d in others.reversed() {
                let i = rem % outShape[d]
                rem /= outShape[d]
                source += i * strides[d]
                target += i * outStrides[d]
            }
            // The inner loop takes the smaller of the two strides: 16 accesses a large power-of-two
            // stride apart fall into one cache set.
            for j0 in stride(from: 0, to: columns, by: tile) {
                let j1 = min(j0 + tile, columns)
                for i0 in stride(from: 0, to: rows, by: tile) {
                    let i1 = min(i0 + tile, rows)
                    if rowStep <= sourceStep {
                        for j in j0..<j1 {
                            let s = src + source + j * sourceStep, t = dst + target + j
                            for i in i0..<i1 { t[i * rowStep] = s[i] }
                        }
                    } else {
                        for i in i0..<i1 {
                            let s = src + source + i, t = dst + target + i * rowStep
                            for j in j0..<j1 { t[j] = s[j * sourceStep] }
                        }
                    }
                }
            }
        }
    }
}
