/// Mean over all spatial axes: [N, C, ...] -> [N, C, 1, ...], Float32.
struct GlobalAveragePool: Kernel {
    let node: Node

    init(_ node: Node) throws { self.node = node }

    func outputs(_ inputs: [ValueInfo?]) throws -> [TensorDesc] {
        let x = try node.required(inputs, 0)
        try node.requireFloat(x)
        guard x.shape.count >= 3 else { throw node.error("input must be [N, C, spatial...], got \(x.shape)") }
        return [.float(Array(x.shape.prefix(2)) + [Int](repeating: 1, count: x.shape.count - 2))]
    }

    func step(_ inputs: [Buffer?], _ outputs: [Buffer], _ context: PlanContext) throws -> Step {
        let x = inputs[0]!, y = outputs[0]
        let planes = x.shape[0] * x.shape[1], size = x.count / max(planes, 1), threads = context.threads
        return {
            parallelFor(planes, threads: threads) { range in
                for p in range { y.floats[p] = GlobalAveragePool.sum(x.floats + p * size, size) / Float(size) }
            }
        }
    }

    /// The sum of `count` floats, in two SIMD8 accumulators.
    static func sum(_ p: UnsafePointer<Float>, _ count: Int) -> Float {
        var a = SIMD8<Float>(), b = SIMD8<Float>(), i = 0
        let raw = UnsafeRawPointer(p)
        while i &+ 16 <= count {
            a += raw.loadUnaligned(fromByteOffset: i &* 4, as: SIMD8<Float>.self)
            b += raw.loadUnaligned(fromByteOffset: (i &+ 8) &* 4, as: SIMD8<Float>.self)
            i &+= 16
        }
        var total = (a + b).sum()
        while i < count { total += p[i]; i &+= 1 }
        return total
    }

    /// Plain mean of each [N, C] plane over all its spatial positions, the test oracle.
    static func reference(_ x: Tensor) -> Tensor {
        let spatial = x.shape.dropFirst(2)
        var y = Tensor(zeros: Array(x.shape.prefix(2)) + spatial.map { _ in 1 })
        for index in allIndices(x.shape) { y[index: Array(index.prefix(2)) + spatial.map { _ in 0 }] += x[index: index] }
        return Tensor(shape: y.shape, data: y.data.map { $0 / Float(spatial.reduce(1, *)) })
    }
}
