/// Inverse of MaxPool, NCHW Float32: scatters X into zeros at the flat Indices
/// (int64, as MaxPool produces). Output size from `output_shape` input or the window.
struct MaxUnpool: Kernel {
    let node: Node
    let window: WindowAttributes

    init(_ node: Node) throws {
        self.node = node
        window = try WindowAttributes(pooling: node)
    }

    func outputs(_ inputs: [ValueInfo?]) throws -> [TensorDesc] {
        let x = try node.required(inputs, 0), i = try node.required(inputs, 1)
        try node.requireNCHW(x)
        guard i.shape == x.shape, i.type == .int64 else { throw node.error("indices must be int64 with X's shape \(x.shape)") }
        if let shape = try node.constantInput(inputs, 2)?.intValues {
            guard shape.count == 4, shape[0] == x.shape[0], shape[1] == x.shape[1], shape.allSatisfy({ $0 > 0 }) else {
                throw node.error("output_shape \(shape) must be [N, C, H, W] matching X \(x.shape)")
            }
            return [.float(shape)]
        }
        let k = window.kernelShape!, s = window.strides, p = window.pads
        let h = (x.shape[2] - 1) * s[0] - p[0] - p[2] + k[0], w = (x.shape[3] - 1) * s[1] - p[1] - p[3] + k[1]
        guard h > 0, w > 0 else { throw node.error("output size \(h)x\(w) is not positive") }
        return [.float([x.shape[0], x.shape[1], h, w])]
    }

    func step(_ inputs: [Buffer?], _ outputs: [Buffer], _ context: PlanContext) throws -> Step {
        let x = inputs[0]!, indices = inputs[1]!, y = outputs[0]
        let count = x.count, limit = Int64(y.count)
        return {
            y.floats.update(repeating: 0, count: y.count)
            for i in 0..<count {
                let at = indices.int64s[i]
                if at >= 0, at < limit { y.floats[Int(at)] = x.floats[i] }
            }
        }
    }

    /// Plain scatter, the test oracle: Y is zero except Y.flat[indices.flat[i]] = X.flat[i];
    /// its shape is `outputShape`, or per spatial axis stride * (in - 1) + kernel - pads.
    static func reference(_ x: Tensor, indices: Int64Tensor, kernel: [Int], strides: [Int], pads: [Int], outputShape: [Int]?) -> Tensor {
        var y = Tensor(zeros: outputShape ?? [x.shape[0], x.shape[1]] + (0..<2).map {
            strides[$0] * (x.shape[$0 + 2] - 1) + kernel[$0] - pads[$0] - pads[$0 + 2]
        })
        for (i, at) in indices.data.enumerated() { y.data[Int(at)] = x.data[i] }
        return y
    }
}
