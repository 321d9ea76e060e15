/// Padding in constant, reflect or edge mode. Pads come from the attribute (opset < 11)
/// or a constant input [begin..., end...] (optionally for `axes`, opset 18); negative
/// pads crop.
struct Pad: Kernel {
    let node: Node
    let mode: String

    init(_ node: Node) throws {
        self.node = node
        mode = try node.string("mode", default: "constant")
        guard ["constant", "reflect", "edge"].contains(mode) else { throw node.attributeError("mode", "'\(mode)' is not supported (constant, reflect, edge)") }
    }

    /// Begin pads per axis, the output shape and the constant fill value.
    func resolve(_ inputs: [ValueInfo?]) throws -> (begin: [Int], shape: [Int], value: Double) {
        let x = try node.required(inputs, 0)
        let rank = x.shape.count
        guard let raw = try node.ints("pads") ?? node.constantInput(inputs, 1)?.intValues else { throw node.error("pads are required") }
        let axes = try node.constantInput(inputs, 3)?.intValues.map { try node.normalizedAxis($0, rank: rank) } ?? Array(0..<rank)
        guard raw.count == 2 * axes.count else { throw node.error("pads \(raw) must have two values per axis") }
        var begin = [Int](repeating: 0, count: rank), end = begin
        for (i, a) in axes.enumerated() { begin[a] = raw[i]; end[a] = raw[i + axes.count] }
        let shape = (0..<rank).map { x.shape[$0] &+ begin[$0] &+ end[$0] }
        guard shape.allSatisfy({ $0 >= 0 }) else { throw node.error("pads \(raw) crop more than the input \(x.shape)") }
        for a in 0..<rank where mode != "constant" && (begin[a] != 0 || end[a] != 0) {
            guard x.shape[a] > 0, mode == "edge" || (begin[a] < x.shape[a] && end[a] < x.shape[a]) else {
                throw node.error("\(mode) padding of \(begin[a]),\(end[a]) does not fit axis \(a) of size \(x.shape[a])")
            }
        }
        let fill = try node.constantInput(inputs, 2)
        let value: Double
        switch fill {
        case .float32(let t)?: value = Double(t.data.first ?? 0)
        case .int64(let t)?: value = Double(t.data.first ?? 0)
        case nil: value = Double(try node.float("value", default: 0))
        }
        return (begin, shape, value)
    }

    func outputs(_ inputs: [ValueInfo?]) throws -> [TensorDesc] {
        let x = try node.required(inputs, 0)
        return [TensorDesc(type: x.type, shape: try resolve(inputs).shape)]
    }

    func step(_ inputs: [Buffer?], _ outputs: [Buffer], _ context: PlanContext) throws -> Step {
        let infos = inputs.map { $0.map { ValueInfo(desc: $0.desc, constant: $0.load()) } }
        let (begin, shape, value) = try resolve(infos)
        let x = inputs[0]!, y = outputs[0]
        let rank = shape.count, inStrides = stridesOf(x.shape), mode = self.mode
        // For each output coordinate along an axis, the source index or -1 for fill.
        let maps: [[Int]] = (0..<rank).map { a in
            (0..<shape[a]).map { o in
                let i = o - begin[a], n = x.shape[a]
                if i >= 0 && i < n { return i }
                switch mode {
                case "edge": return min(max(i, 0), n - 1)
                case "reflect": return i < 0 ? -i : 2 * (n - 1) - i
                default: return -1
                }
            }
        }
        // Row by row along the last axis: the part inside the input is one copy.
        let last = max(rank - 1, 0), length = rank == 0 ? 1 : shape[last], rows = y.count / max(length, 1)
        let inside = rank == 0 ? 0..<1 : max(0, begin[last])..<max(max(0, begin[last]), min(length, begin[last] + x.shape[last]))
        let lastMap = rank == 0 ? [0] : maps[last], shift = rank == 0 ? 0 : begin[last]
        let threads = y.count >= 1 << 15 ? context.threads : 1
        func run<T>(_ src: UnsafePointer<T>, _ dst: UnsafeMutablePointer<T>, _ fill: T) {
            parallelFor(rows, threads: threads) { range in
                for r in range {
                    var rem = r, offset = 0, outside = false
                    for a in stride(from: last - 1, through: 0, by: -1) {
                        let i = maps[a][rem % shape[a]]
                        rem /= shape[a]
                        if i < 0 { outside = true; break }
                        offset += i * inStrides[a]
                    }
                    let out = dst + r * length
                    if outside { out.update(repeating: fill, count: length); continue }
                    let source = src + offset
                    if !inside.isEmpty { (out + inside.lowerBound).update(from: source + inside.lowerBound - shift, count: inside.count) }
                    for o in 0..<inside.lowerBound { out[o] = lastMap[o] < 0 ? fill : source[lastMap[o]] }
                    for o in inside.upperBound..<length { out[o] = lastMap[o] < 0 ? fill : source[lastMap[o]] }
                }
            }
        }
        if x.desc.type == .int64 {
            let fill = Int64(exactly: value.rounded(.towardZero)) ?? 0
            return { run(x.int64s, y.int64s, fill) }
        }
        return { run(x.floats, y.floats, Float(value)) }
    }

    /// Plain padding, the test oracle: `pads` [begins..., ends...] for `axes` (all when nil),
    /// negative ones crop. Outside the input, constant mode reads `value`, edge the nearest
    /// border element and reflect the mirror image about the border (not repeating it).
    static func reference(_ x: Tensor, pads: [Int], mode: String, value: Float, axes: [Int]?) -> Tensor {
        let rank = x.shape.count, axes = (axes ?? Array(0..<rank)).map { $0 < 0 ? $0 + rank : $0 }
        var begin = [Int](repeating: 0, count: rank), end = begin
        for (i, a) in axes.enumerated() { (begin[a], end[a]) = (pads[i], pads[i + axes.count]) }
        var y = Tensor(zeros: x.shape.indices.map { x.shape[$0] + begin[$0] + end[$0] })
        for index in allIndices(y.shape) {
            var source = index.indices.map { index[$0] - begin[$0] }
            if mode == "constant" {
                y[index: index] = source.indices.allSatisfy { source[$0] >= 0 && source[$0] < x.shape[$0] } ? x[index: source] : value
                continue
            }
            for a in 0..<rank {
                let last = x.shape[a] - 1
                if mode == "edge" { source[a] = min(max(source[a], 0), last) }
                else if source[a] < 0 { source[a] = -source[a] }
                else if source[a] > last { source[a] = 2 * last - source[a] }
            }
            y[index: index] = x[index: source]
        }
        return y
    }
}
