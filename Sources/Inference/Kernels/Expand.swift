/// Expand(input, shape): the input broadcast like numpy to `shape` (a constant, or computable
/// when the model is prepared); Float32 or Int64.
struct Expand: Kernel {
    let node: Node

    init(_ node: Node) throws { self.node = node }

    func outputs(_ inputs: [ValueInfo?]) throws -> [TensorDesc] {
        let x = try node.required(inputs, 0)
        guard let shape = try node.constantInput(inputs, 1)?.intValues else { throw node.error("input 1 (the shape) is missing") }
        guard shape.allSatisfy({ $0 >= 0 }) else { throw node.error("negative size in shape \(shape)") }
        return [TensorDesc(type: x.type, shape: try node.broadcastShape(x.shape, shape))]
    }

    func step(_ inputs: [Buffer?], _ outputs: [Buffer], _ context: PlanContext) throws -> Step {
        let x = inputs[0]!, out = outputs[0]
        let gather = GatherByIndex(output: out.shape) { axis, position in
            let padded = [Int](repeating: 1, count: out.shape.count - x.shape.count) + x.shape
            return padded[axis] == 1 ? 0 : position
        }
        return { gather.copy(from: x, to: out, sourceShape: x.shape) }
    }

    /// Plain numpy broadcasting, the test oracle.
    static func reference(_ x: Tensor, to shape: [Int]) -> Tensor {
        let target = broadcastShapes(x.shape, shape)
        return Tensor(shape: target, data: allIndices(target).map { x[index: broadcastIndex($0, into: x.shape)] })
    }
}

/// A copy whose every output element reads the input element at a per-axis position
/// (`source(axis, outputPosition)`), precomputed per axis: Expand and Tile.
struct GatherByIndex {
    let outputShape: [Int]
    /// Per output axis, the input position each output position reads.
    let positions: [[Int]]

    init(output: [Int], source: (Int, Int) -> Int) {
        outputShape = output
        positions = output.indices.map { axis in (0..<output[axis]).map { source(axis, $0) } }
    }

    func copy(from x: Buffer, to out: Buffer, sourceShape: [Int]) {
        let padded = [Int](repeating: 1, count: outputShape.count - sourceShape.count) + sourceShape
        let strides = stridesOf(padded), size = out.desc.elementSize, rank = outputShape.count
        for i in 0..<out.count {
            var rest = i, offset = 0
            for axis in stride(from: rank - 1, through: 0, by: -1) {
                offset += positions[axis][rest % outputShape[axis]] * strides[axis]
                rest /= outputShape[axis]
            }
            (out.raw + i * size).copyMemory(from: x.raw + offset * size, byteCount: size)
        }
    }
}
