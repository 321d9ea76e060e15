/// Instance normalization: each channel of each image of X [N, C, ...] normalized over its
/// spatial axes to mean 0 and variance 1 (plus `epsilon`), then scaled and shifted by that
/// channel's Scale and B [C]. Float32. (GroupNorm exports as a Reshape around this.)
struct InstanceNormalization: Kernel {
    let node: Node
    let epsilon: Float

    init(_ node: Node) throws {
        self.node = node
        epsilon = try node.float("epsilon", default: 1e-5)
    }

    func outputs(_ inputs: [ValueInfo?]) throws -> [TensorDesc] {
        let x = try node.required(inputs, 0)
        try node.requireFloat(x)
        guard x.shape.count >= 3 else { throw node.error("input must be N x C x spatial..., got shape \(x.shape)") }
        for i in 1...2 where try node.required(inputs, i).shape.reduce(1, *) != x.shape[1] {
            throw node.error("input \(i) must have \(x.shape[1]) values, one per channel")
        }
        return [x.desc]
    }

    func step(_ inputs: [Buffer?], _ outputs: [Buffer], _ context: PlanContext) throws -> Step {
        let x = inputs[0]!, y = outputs[0]
        let channels = x.shape[1], plane = x.shape.dropFirst(2).reduce(1, *)
        let scale = inputs[1]!.load().floatValues, bias = inputs[2]!.load().floatValues
        let planes = plane == 0 ? 0 : x.count / plane, epsilon = epsilon, threads = context.threads
        return {
            parallelFor(planes, threads: threads) { range in
                for p in range {
                    let src = x.floats + p * plane, dst = y.floats + p * plane
                    let (mean, inverse) = normalizationMoments(src, count: plane, epsilon: epsilon)
                    let a = scale[p % channels] * inverse, b = bias[p % channels] - mean * a
                    for i in 0..<plane { dst[i] = src[i] * a + b }
                }
            }
        }
    }

    /// Plain two-pass normalization in Double per (image, channel), the test oracle.
    static func reference(_ x: Tensor, scale: [Float], bias: [Float], epsilon: Float) -> Tensor {
        let channels = x.shape[1], plane = x.shape.dropFirst(2).reduce(1, *)
        var y = x
        for p in 0..<(x.data.count / plane) {
            let normalized = referenceNormalized(x.data[(p * plane)..<((p + 1) * plane)], epsilon: epsilon)
            for i in 0..<plane { y.data[p * plane + i] = Float(normalized[i]) * scale[p % channels] + bias[p % channels] }
        }
        return y
    }
}
