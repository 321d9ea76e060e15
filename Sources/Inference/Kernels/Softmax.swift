import CKernels
import Foundation

/// Softmax or LogSoftmax over one axis (opset >= 13) or over the flattened trailing
/// axes from `axis` on (opset < 13), Float32.
struct Softmax: Kernel {
    let node: Node
    let axis: Int
    let flattenTrailing: Bool
    let log: Bool

    init(_ node: Node, opset: Int) throws {
        self.node = node
        flattenTrailing = opset < 13
        axis = try node.int("axis", default: opset < 13 ? 1 : -1)
        log = node.opType == "LogSoftmax"
    }

    func outputs(_ inputs: [ValueInfo?]) throws -> [TensorDesc] {
        let x = try node.required(inputs, 0)
        try node.requireFloat(x)
        _ = try node.normalizedAxis(axis, rank: x.shape.count)
        return [x.desc]
    }

    func step(_ inputs: [Buffer?], _ outputs: [Buffer], _ context: PlanContext) throws -> Step {
        let shape = inputs[0]!.shape, x = inputs[0]!.floats, y = outputs[0].floats
        let a = try node.normalizedAxis(axis, rank: shape.count)
        let outer = shape[..<a].reduce(1, *)
        let (len, inner) = flattenTrailing ? (shape[a...].reduce(1, *), 1) : (shape[a], shape[(a + 1)...].reduce(1, *))
        let log = self.log, threads = outer * len * inner >= 1 << 14 ? context.threads : 1
        if inner == 1, context.instructionSet == .avx512 {
            return {
                parallelFor(outer, threads: threads) { rows in
                    ss_softmax_rows(x + rows.lowerBound * len, y + rows.lowerBound * len, Int64(rows.count), Int64(len), log ? 1 : 0)
                }
            }
        }
        return {
            parallelFor(outer * inner, threads: threads) { groups in
                for group in groups {
                    let base = (group / inner) * len * inner + group % inner
                    var m = -Float.infinity
                    for k in 0..<len { m = max(m, x[base + k * inner]) }
                    var sum: Float = 0
                    for k in 0..<len {
                        let e = exp(x[base + k * inner] - m)
                        sum += e
                        if !log { y[base + k * inner] = e }
                    }
                    let logSum = Foundation.log(sum), scale = 1 / sum
                    for k in 0..<len {
                        y[base + k * inner] = log ? x[base + k * inner] - m - logSum : y[base + k * inner] * scale
                    }
                }
            }
        }
    }

    /// Plain Softmax or LogSoftmax from the definition, the test oracle: each element is
    /// normalised over the elements differing from it only along `axis`, or (opset < 13,
    /// the input coerced to 2-D) along any axis from `axis` on.
    static func reference(_ x: Tensor, axis: Int, log: Bool, opset: Int) -> Tensor {
        let a = axis < 0 ? axis + x.shape.count : axis
        let reduced = opset < 13 ? Array(a..<x.shape.count) : [a]
        var y = x
        for index in allIndices(x.shape) {
            let group = allIndices(reduced.map { x.shape[$0] }).map { position in
                var member = index
                for (axis, i) in zip(reduced, position) { member[axis] = i }
                return x[index: member]
            }
            let top = group.max()!, sum = group.reduce(0) { $0 + exp($1 - top) }
            y[index: index] = log ? x[index: index] - top - Foundation.log(sum) : exp(x[index: index] - top) / sum
        }
        return y
    }
}
