import Foundation

/// ReduceSum, ReduceMean, ReduceMax, ReduceMin, ReduceProd, ReduceL1, ReduceL2,
/// ReduceLogSumExp and ReduceSumSquare over `axes` (attribute, or constant input as ReduceSum
/// takes from opset 13 and the others from 18; all axes when empty unless
/// `noop_with_empty_axes`, which reduces over none), with `keepdims`. Float32.
struct Reduce: Kernel {
    enum Op: String, CaseIterable {
        case sum = "ReduceSum", mean = "ReduceMean", max = "ReduceMax", min = "ReduceMin", prod = "ReduceProd"
        case l1 = "ReduceL1", l2 = "ReduceL2", logSumExp = "ReduceLogSumExp", sumSquare = "ReduceSumSquare"
    }

    let node: Node
    let op: Op
    let keepDims: Bool
    let axesAttribute: [Int]?
    let noopWithEmptyAxes: Bool

    init(_ node: Node) throws {
        guard let op = Op(rawValue: node.opType) else { throw node.error("not a reduction") }
        self.node = node
        self.op = op
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
        let count = x.count / max(y.count, 1), total = x.count, rank = shape.count, op = op
        /// The output element input element `i` reduces into.
        func target(_ i: Int) -> Int {
            var rest = i, o = 0
            for a in stride(from: rank - 1, through: 0, by: -1) {
                o += (rest % shape[a]) * outStrides[a]
                rest /= shape[a]
            }
            return o
        }
        /// Folds every input element into its output element with `combine`, from `initial`,
        /// in Double (a sum over thousands of elements stays exact to Float), then `finish`es each.
        func fold(_ initial: Double, _ combine: (Double, Float) -> Double, finish: (Double) -> Double = { $0 }) -> [Double] {
            var accumulators = [Double](repeating: initial, count: y.count)
            for i in 0..<total {
                let o = target(i)
                accumulators[o] = combine(accumulators[o], x.floats[i])
            }
            for j in 0..<y.count { y.floats[j] = Float(finish(accumulators[j])) }
            return accumulators
        }
        if let block = ContiguousReduction(shape: shape, reduced: reduced, op: op) {
            let threads = total >= 1 << 15 ? context.threads : 1
            return { block.run(x.floats, y.floats, threads: threads) }
        }
        return {
            switch op {
            case .sum: _ = fold(0) { $0 + Double($1) }
            case .mean: _ = fold(0, { $0 + Double($1) }, finish: { $0 / Double(count) })
            case .max: _ = fold(-.infinity) { Swift.max($0, Double($1)) }
            case .min: _ = fold(.infinity) { Swift.min($0, Double($1)) }
            case .prod: _ = fold(1) { $0 * Double($1) }
            case .l1: _ = fold(0) { $0 + Double(abs($1)) }
            case .l2: _ = fold(0, { $0 + Double($1) * Double($1) }, finish: { $0.squareRoot() })
            case .sumSquare: _ = fold(0) { $0 + Double($1) * Double($1) }
            case .logSumExp:   // log Σ exp(x − peak) + peak, with each group's peak first
                let peaks = fold(-.infinity) { Swift.max($0, Double($1)) }
                var sums = [Double](repeating: 0, count: y.count)
                for i in 0..<total {
                    let o = target(i)
                    sums[o] += Foundation.exp(Double(x.floats[i]) - peaks[o])
                }
                for j in 0..<y.count { y.floats[j] = Float(Foundation.log(sums[j]) + peaks[j]) }
            }
        }
    }

    /// Plain reduction in Double, the test oracle: each output element combines the input
    /// elements that agree with it on the kept axes. No axes means all, or none with
    /// `noopWithEmptyAxes`.
    static func reference(_ op: Op, _ x: Tensor, axes: [Int]?, keepDims: Bool, noopWithEmptyAxes: Bool) -> Tensor {
        let given = (axes ?? []).map { $0 < 0 ? $0 + x.shape.count : $0 }
        let reduced = given.isEmpty && !noopWithEmptyAxes ? Array(x.shape.indices) : given
        let keptShape = x.shape.indices.map { reduced.contains($0) ? 1 : x.shape[$0] }
        var groups = [[Double]](repeating: [], count: keptShape.reduce(1, *))
        let keptStrides = stridesOf(keptShape)
        for index in allIndices(x.shape) {
            let o = index.indices.map { reduced.contains($0) ? 0 : index[$0] * keptStrides[$0] }.reduce(0, +)
            groups[o].append(Double(x[index: index]))
        }
        let values = groups.map { v -> Float in
            switch op {
            case .sum: return Float(v.reduce(0, +))
            case .mean: return Float(v.reduce(0, +) / Double(v.count))
            case .max: return Float(v.max()!)
            case .min: return Float(v.min()!)
            case .prod: return Float(v.reduce(1, *))
            case .l1: return Float(v.map(Swift.abs).reduce(0, +))
            case .l2: return Float(v.map { $0 * $0 }.reduce(0, +).squareRoot())
            case .sumSquare: return Float(v.map { $0 * $0 }.reduce(0, +))
            case .logSumExp: let peak = v.max()!; return Float(Foundation.log(v.map { Foundation.exp($0 - peak) }.reduce(0, +)) + peak)
            }
        }
        let shape = keepDims ? keptShape : x.shape.indices.filter { !reduced.contains($0) }.map { x.shape[$0] }
        return Tensor(shape: shape, data: values)
    }
}

/// Sum, Mean, Max and Min over a block of consecutive axes, seen as [outer, R, inner]: runs of R
/// contiguous values when the block is trailing (SE blocks' spatial mean, LayerNorm's last
/// axis), else R rows of `inner` values folded elementwise. Sums go through Float lanes per
/// 256 values and Double beyond, so they stay as exact as the general path's.
struct ContiguousReduction {
    let outer: Int, reduced: Int, inner: Int
    let op: Reduce.Op

    init?(shape: [Int], reduced axes: Set<Int>, op: Reduce.Op) {
        guard [.sum, .mean, .max, .min].contains(op), let first = axes.min(), let last = axes.max(),
              axes.count == last - first + 1 else { return nil }
        outer = shape[..<first].reduce(1, *)
        reduced = shape[first...last].reduce(1, *)
        inner = shape[(last + 1)...].reduce(1, *)
        self.op = op
        guard reduced > 0 else { return nil }
    }

    func run(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, threads: Int) {
        if inner == 1 {
            parallelFor(outer, threads: threads) { rows in
                for j in rows { y[j] = reduce(run: x + j * reduced, count: reduced) }
            }
            return
        }
        parallelFor(outer, threads: threads) { blocks in
            var acc = [Double](repeating: 0, count: inner)
            for o in blocks {
                let base = x + o * reduced * inner, out = y + o * inner
                switch op {
                case .max, .min:
                    out.update(from: base, count: inner)
                    for r in 1..<reduced {
                        let row = base + r * inner
                        if op == .max { for i in 0..<inner { out[i] = Swift.max(out[i], row[i]) } }
                        else { for i in 0..<inner { out[i] = Swift.min(out[i], row[i]) } }
                    }
                default:
                    for i in 0..<inner { acc[i] = 0 }
                    for r in 0..<reduced {
                        let row = base + r * inner
                        for i in 0..<inner { acc[i] += Double(row[i]) }
                    }
                    let scale = op == .mean ? 1 / Double(reduced) : 1
                    for i in 0..<inner { out[i] = Float(acc[i] * scale) }
                }
            }
        }
    }

    /// One contiguous run reduced with 16 Float lanes.
    private func reduce(run p: UnsafePointer<Float>, count n: Int) -> Float {
        let vectors = n / 16
        switch op {
        case .max, .min:
            var best = SIMD16<Float>(repeating: p[0])
            for v in 0..<vectors {
                let lanes = UnsafeRawPointer(p + v * 16).loadUnaligned(as: SIMD16<Float>.self)
                best = op == .max ? pointwiseMax(best, lanes) : pointwiseMin(best, lanes)
            }
            var result = op == .max ? best.max() : best.min()
            for i in (vectors * 16)..<n { result = op == .max ? Swift.max(result, p[i]) : Swift.min(result, p[i]) }
            return result
        default:
            var total = 0.0
            var v = 0
            while v < vectors {
                var lanes = SIMD16<Float>()
                for k in v..<Swift.min(vectors, v + 16) { lanes += UnsafeRawPointer(p + k * 16).loadUnaligned(as: SIMD16<Float>.self) }
                total += Double(lanes.sum())
                v += 16
            }
            for i in (vectors * 16)..<n { total += Double(p[i]) }
            return Float(op == .mean ? total / Double(n) : total)
        }
    }
}
