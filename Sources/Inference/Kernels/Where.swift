/// Where(condition, X, Y): X's element where the condition (a bool, Int64 0 or 1) is true,
/// else Y's, all three broadcast like numpy; X and Y Float32 or Int64 alike.
struct Where: Kernel {
    let node: Node

    init(_ node: Node) throws { self.node = node }

    func outputs(_ inputs: [ValueInfo?]) throws -> [TensorDesc] {
        let c = try node.required(inputs, 0), x = try node.required(inputs, 1), y = try node.required(inputs, 2)
        guard c.type == .int64 else { throw node.error("the condition must be bool") }
        guard x.type == y.type else { throw node.error("X and Y have different types (\(x.type), \(y.type))") }
        return [TensorDesc(type: x.type, shape: try node.broadcastShape(c.shape, try node.broadcastShape(x.shape, y.shape)))]
    }

    func step(_ inputs: [Buffer?], _ outputs: [Buffer], _ context: PlanContext) throws -> Step {
        let c = inputs[0]!, x = inputs[1]!, y = inputs[2]!, out = outputs[0], shape = out.shape
        let strides = [c, x, y].map { broadcastStrides($0.shape, to: shape) }, rank = shape.count, count = out.count
        let size = out.desc.elementSize
        return {
            for i in 0..<count {
                var rest = i, offsets = (0, 0, 0)
                for axis in stride(from: rank - 1, through: 0, by: -1) {
                    let position = rest % shape[axis]
                    offsets.0 += position * strides[0][axis]
                    offsets.1 += position * strides[1][axis]
                    offsets.2 += position * strides[2][axis]
                    rest /= shape[axis]
                }
                let (source, offset) = c.int64s[offsets.0] != 0 ? (x, offsets.1) : (y, offsets.2)
                (out.raw + i * size).copyMemory(from: source.raw + offset * size, byteCount: size)
            }
        }
    }

    /// Plain per-element choice with numpy broadcasting, the test oracle.
    static func reference(_ condition: Int64Tensor, _ x: Tensor, _ y: Tensor) -> Tensor {
        let shape = broadcastShapes(condition.shape, broadcastShapes(x.shape, y.shape))
        return Tensor(shape: shape, data: allIndices(shape).map { index in
            condition[index: broadcastIndex(index, into: condition.shape)] != 0
                ? x[index: broadcastIndex(index, into: x.shape)] : y[index: broadcastIndex(index, into: y.shape)]
        })
    }
}
