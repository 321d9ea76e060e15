/// CumSum(x, axis): running sums along `axis` (a constant scalar), optionally `exclusive`
/// (each element left out of its own sum) and in `reverse`; Float32 or Int64.
struct CumSum: Kernel {
    let node: Node
    let exclusive: Bool
    let reverse: Bool

    init(_ node: Node) throws {
        self.node = node
        exclusive = try node.int("exclusive", default: 0) != 0
        reverse = try node.int("reverse", default: 0) != 0
    }

    func axis(_ inputs: [ValueInfo?]) throws -> Int {
        let x = try node.required(inputs, 0)
        guard let axis = try node.constantInput(inputs, 1)?.intValues, axis.count == 1 else { throw node.error("axis must be a scalar") }
        return try node.normalizedAxis(axis[0], rank: x.shape.count)
    }

    func outputs(_ inputs: [ValueInfo?]) throws -> [TensorDesc] {
        let x = try node.required(inputs, 0)
        _ = try axis(inputs)
        return [x.desc]
    }

    func step(_ inputs: [Buffer?], _ outputs: [Buffer], _ context: PlanContext) throws -> Step {
        let a = try axis(inputs.map { $0.map { ValueInfo(desc: $0.desc, constant: $0.load()) } })
        let x = inputs[0]!, y = outputs[0], shape = x.shape
        let outer = shape[..<a].reduce(1, *), length = shape[a], inner = shape[(a + 1)...].reduce(1, *)
        let (exclusive, reverse) = (exclusive, reverse)
        func scan<T: AdditiveArithmetic>(_ source: UnsafeMutablePointer<T>, _ target: UnsafeMutablePointer<T>) {
            for o in 0..<outer {
                for i in 0..<inner {
                    var total = T.zero
                    for step in 0..<length {
                        let position = (o * length + (reverse ? length - 1 - step : step)) * inner + i
                        let value = source[position]
                        if !exclusive { total += value }
                        target[position] = total
                        if exclusive { total += value }
                    }
                }
            }
        }
        if x.desc.type == .int64 { return { scan(x.int64s, y.int64s) } }
        return { scan(x.floats, y.floats) }
    }

    /// Plain running sums in Double, the test oracle.
    static func reference(_ x: Tensor, axis: Int, exclusive: Bool, reverse: Bool) -> Tensor {
        var y = x
        for index in allIndices(x.shape) {
            var sum = 0.0
            for j in 0..<x.shape[axis] where reverse ? (exclusive ? j > index[axis] : j >= index[axis]) : (exclusive ? j < index[axis] : j <= index[axis]) {
                var source = index
                source[axis] = j
                sum += Double(x[index: source])
            }
            y[index: index] = Float(sum)
        }
        return y
    }
}
