/// Layer normalization (opset 17): each group of X's trailing axes from `axis` (default -1) is
/// normalized to mean 0 and variance 1 (plus `epsilon`), then scaled by Scale and shifted by B
/// (both broadcast to those axes). Float32; the optional Mean and InvStdDev outputs are not
/// given.
struct LayerNormalization: Kernel {
    let node: Node
    let axis: Int
    let epsilon: Float

    init(_ node: Node) throws {
        self.node = node
        axis = try node.int("axis", default: -1)
        epsilon = try node.float("epsilon", default: 1e-5)
        if node.outputs.dropFirst().contains(where: { !$0.isEmpty }) { throw node.error("the Mean and InvStdDev outputs are not supported") }
    }

    func outputs(_ inputs: [ValueInfo?]) throws -> [TensorDesc] {
        let x = try node.required(inputs, 0)
        try node.requireFloat(x)
        let first = try node.normalizedAxis(axis, rank: x.shape.count)
        let group = Array(x.shape[first...])
        for i in 1..<min(3, node.inputs.count) where !node.inputs[i].isEmpty {
            let parameter = try node.required(inputs, i)
            guard (try? node.broadcastShape(parameter.shape, group)) == group else {
                throw node.error("input \(i) of shape \(parameter.shape) does not broadcast to the normalized axes \(group)")
            }
        }
        return [x.desc]
    }

    func step(_ inputs: [Buffer?], _ outputs: [Buffer], _ context: PlanContext) throws -> Step {
        let x = inputs[0]!, y = outputs[0]
        let groupShape = Array(x.shape[try node.normalizedAxis(axis, rank: x.shape.count)...]), group = groupShape.reduce(1, *)
        /// Input `i` broadcast to one value per element of a group.
        func parameter(_ i: Int, _ fallback: Float) -> [Float] {
            guard i < inputs.count, let buffer = inputs[i] else { return [Float](repeating: fallback, count: group) }
            let values = buffer.load().floatValues, strides = broadcastStrides(buffer.shape, to: groupShape)
            return (0..<group).map { element in
                var rest = element, offset = 0
                for a in stride(from: groupShape.count - 1, through: 0, by: -1) {
                    offset += (rest % groupShape[a]) * strides[a]
                    rest /= groupShape[a]
                }
                return values[offset]
            }
        }
        let scale = parameter(1, 1), bias = parameter(2, 0), epsilon = epsilon
        let rows = group == 0 ? 0 : x.count / group, threads = context.threads
        return {
            parallelFor(rows, threads: threads) { range in
                for r in range {
                    let src = x.floats + r * group, dst = y.floats + r * group
                    let (mean, inverse) = normalizationMoments(src, count: group, epsilon: epsilon)
                    for i in 0..<group { dst[i] = (src[i] - mean) * inverse * scale[i] + bias[i] }
                }
            }
        }
    }

    /// Plain two-pass normalization in Double, the test oracle; `scale` and `bias` hold one
    /// value per element of a normalized group.
    static func reference(_ x: Tensor, axis: Int, scale: [Float], bias: [Float], epsilon: Float) -> Tensor {
        let group = x.shape[axis...].reduce(1, *)
        var y = x
        for r in 0..<(x.data.count / group) {
            let normalized = referenceNormalized(x.data[(r * group)..<((r + 1) * group)], epsilon: epsilon)
            for i in 0..<group { y.data[r * group + i] = Float(normalized[i]) * scale[i] + bias[i] }
        }
        return y
    }
}
