import Foundation

/// Inference-mode batch normalization over axis 1: X [N, C, ...] Float32 with scale,
/// bias, mean and variance [C]. Most instances are folded into the preceding Conv.
struct BatchNormalization: Kernel {
    let node: Node
    let epsilon: Float

    init(_ node: Node) throws {
        self.node = node
        epsilon = try node.float("epsilon", default: 1e-5)
        if try node.int("training_mode", default: 0) != 0 { throw node.error("training_mode=1 is not supported; export the model in eval mode") }
    }

    func outputs(_ inputs: [ValueInfo?]) throws -> [TensorDesc] {
        let x = try node.required(inputs, 0)
        try node.requireFloat(x)
        guard x.shape.count >= 2 else { throw node.error("input must have a channel axis, got shape \(x.shape)") }
        for i in 1...4 where try node.required(inputs, i).shape.reduce(1, *) != x.shape[1] {
            throw node.error("parameter \(i) must have \(x.shape[1]) values")
        }
        if node.outputs.dropFirst().contains(where: { !$0.isEmpty }) { throw node.error("training outputs (running mean/var) are not supported") }
        return [x.desc]
    }

    /// Per-channel (scale, shift) equivalent to the normalization.
    static func affine(scale: [Float], bias: [Float], mean: [Float], variance: [Float], epsilon: Float) -> ([Float], [Float]) {
        let a = (0..<scale.count).map { scale[$0] / (variance[$0] + epsilon).squareRoot() }
        return (a, (0..<scale.count).map { bias[$0] - mean[$0] * a[$0] })
    }

    func step(_ inputs: [Buffer?], _ outputs: [Buffer], _ context: PlanContext) throws -> Step {
        let x = inputs[0]!, y = outputs[0]
        let c = x.shape[1], plane = x.shape.dropFirst(2).reduce(1, *), count = x.count
        let params = (1...4).map { inputs[$0]!.load().floatValues }
        let (a, b) = BatchNormalization.affine(scale: params[0], bias: params[1], mean: params[2], variance: params[3], epsilon: epsilon)
        let threads = context.threads
        return {
            parallelFor(count / max(plane, 1), threads: threads) { range in
                for p in range {
                    let s = a[p % c], t = b[p % c], src = x.floats + p * plane, dst = y.floats + p * plane
                    for i in 0..<plane { dst[i] = src[i] * s + t }
                }
            }
        }
    }

    /// Plain per-element normalization, the test oracle: (x - mean) / sqrt(variance +
    /// epsilon) * scale + bias, with the parameters of the element's channel (axis 1).
    static func reference(_ x: Tensor, scale: Tensor, bias: Tensor, mean: Tensor, variance: Tensor, epsilon: Float) -> Tensor {
        var y = x
        for index in allIndices(x.shape) {
            let c = index[1]
            y[index: index] = (x[index: index] - mean.data[c]) / (variance.data[c] + epsilon).squareRoot() * scale.data[c] + bias.data[c]
        }
        return y
    }
}
