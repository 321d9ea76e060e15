/// TopK(X, K): the K largest (or, with `largest` 0, smallest) elements along `axis` (default
/// -1), sorted, with their Int64 indices; equal values keep the lower index first. K must be
/// known when the model is prepared. Float32.
struct TopK: Kernel {
    let node: Node
    let axis: Int
    let largest: Bool

    init(_ node: Node) throws {
        self.node = node
        axis = try node.int("axis", default: -1)
        largest = try node.int("largest", default: 1) != 0
    }

    func count(_ inputs: [ValueInfo?]) throws -> (axis: Int, k: Int) {
        let x = try node.required(inputs, 0)
        let a = try node.normalizedAxis(axis, rank: x.shape.count)
        guard let k = try node.constantInput(inputs, 1)?.intValues, k.count == 1, (0...x.shape[a]).contains(k[0]) else {
            throw node.error("K must be one number from 0 to \(x.shape[a])")
        }
        return (a, k[0])
    }

    func outputs(_ inputs: [ValueInfo?]) throws -> [TensorDesc] {
        let x = try node.required(inputs, 0)
        try node.requireFloat(x)
        let (a, k) = try count(inputs)
        var shape = x.shape
        shape[a] = k
        return [.float(shape), .int64(shape)]
    }

    func step(_ inputs: [Buffer?], _ outputs: [Buffer], _ context: PlanContext) throws -> Step {
        let (a, k) = try count(inputs.map { $0.map { ValueInfo(desc: $0.desc, constant: $0.load()) } })
        let x = inputs[0]!, values = outputs[0], indices = outputs.count > 1 ? outputs[1] : nil, largest = largest
        let outer = x.shape[..<a].reduce(1, *), length = x.shape[a], inner = x.shape[(a + 1)...].reduce(1, *)
        return {
            var order = [Int](repeating: 0, count: length)
            for o in 0..<outer {
                for i in 0..<inner {
                    let base = o * length * inner + i
                    for j in 0..<length { order[j] = j }
                    let value = { (j: Int) in x.floats[base + j * inner] }
                    order.sort { p, q in value(p) == value(q) ? p < q : (largest ? value(p) > value(q) : value(p) < value(q)) }
                    for r in 0..<k {
                        let target = o * k * inner + r * inner + i
                        values.floats[target] = value(order[r])
                        indices?.int64s[target] = Int64(order[r])
                    }
                }
            }
        }
    }

    /// Plain selection by full sort of each slice, the test oracle: (values, indices).
    static func reference(_ x: Tensor, k: Int, axis: Int, largest: Bool) -> (Tensor, Int64Tensor) {
        var shape = x.shape
        shape[axis] = k
        var values = Tensor(zeros: shape), indices = Int64Tensor(shape: shape, data: [Int64](repeating: 0, count: shape.reduce(1, *)))
        for index in allIndices(shape) where index[axis] == 0 {
            let elements: [(value: Float, index: Int)] = (0..<x.shape[axis]).map { j in
                var source = index
                source[axis] = j
                return (x[index: source], j)
            }
            let slice = elements.sorted { p, q in
                if p.value == q.value { return p.index < q.index }
                return largest ? p.value > q.value : p.value < q.value
            }
            for r in 0..<k {
                var target = index
                target[axis] = r
                values[index: target] = slice[r].value
                indices[index: target] = Int64(slice[r].index)
            }
        }
        return (values, indices)
    }
}
