/// Splits a tensor along `axis` into parts given by the `split` attribute (opset < 13),
/// the constant `split` input (opset >= 13), `num_outputs` (opset 18) or equal parts.
struct Split: Kernel {
    let node: Node
    let axis: Int
    let splitAttribute: [Int]?

    init(_ node: Node) throws {
        self.node = node
        axis = try node.int("axis", default: 0)
        splitAttribute = try node.ints("split")
    }

    func sizes(_ inputs: [ValueInfo?]) throws -> (axis: Int, sizes: [Int]) {
        let x = try node.required(inputs, 0)
        let a = try node.normalizedAxis(axis, rank: x.shape.count)
        let total = x.shape[a], parts = node.outputs.count
        var sizes = try splitAttribute ?? node.constantInput(inputs, 1)?.intValues
        if sizes == nil {
            let chunk = (total + parts - 1) / parts
            sizes = (0..<parts).map { max(0, min(chunk, total - $0 * chunk)) }
        }
        guard let s = sizes, s.count == parts, s.allSatisfy({ $0 >= 0 }), s.reduce(0, +) == total else {
            throw node.error("split sizes \(sizes ?? []) do not divide axis \(axis) of length \(total) into \(parts) outputs")
        }
        return (a, s)
    }

    func outputs(_ inputs: [ValueInfo?]) throws -> [TensorDesc] {
        let x = try node.required(inputs, 0)
        let (a, s) = try sizes(inputs)
        return s.map { var shape = x.shape; shape[a] = $0; return TensorDesc(type: x.type, shape: shape) }
    }

    func step(_ inputs: [Buffer?], _ outputs: [Buffer], _ context: PlanContext) throws -> Step {
        let x = inputs[0]!
        let a = try node.normalizedAxis(axis, rank: x.shape.count)
        let outer = x.shape[..<a].reduce(1, *)
        let inner = x.shape[(a + 1)...].reduce(1, *) * x.desc.elementSize
        let inRow = x.shape[a] * inner
        return {
            var offset = 0
            for y in outputs {
                let row = y.shape[a] * inner
                for o in 0..<outer { (y.raw + o * row).copyMemory(from: x.raw + o * inRow + offset, byteCount: row) }
                offset += row
            }
        }
    }

    /// Plain split, the test oracle: consecutive stretches of `split` lengths along `axis`,
    /// or `outputs` equal ones (the last shorter when the axis does not divide evenly).
    static func reference(_ x: Tensor, axis: Int, split: [Int]?, outputs: Int) -> [Tensor] {
        let a = axis < 0 ? axis + x.shape.count : axis, chunk = (x.shape[a] + outputs - 1) / outputs
        var start = 0
        return (split ?? (0..<outputs).map { min(chunk, x.shape[a] - $0 * chunk) }).map { length in
            var shape = x.shape
            shape[a] = length
            var y = Tensor(zeros: shape)
            for index in allIndices(shape) {
                var source = index
                source[a] += start
                y[index: index] = x[index: source]
            }
            start += length
            return y
        }
    }
}
