/// Tile(input, repeats): the input repeated `repeats[i]` times along each axis i (`repeats`
/// a constant, or computable when the model is prepared); Float32 or Int64.
struct Tile: Kernel {
    let node: Node

    init(_ node: Node) throws { self.node = node }

    func outputs(_ inputs: [ValueInfo?]) throws -> [TensorDesc] {
        let x = try node.required(inputs, 0)
        guard let repeats = try node.constantInput(inputs, 1)?.intValues else { throw node.error("input 1 (the repeats) is missing") }
        guard repeats.count == x.shape.count, repeats.allSatisfy({ $0 >= 0 }) else {
            throw node.error("repeats \(repeats) must give one count (0 or more) per axis of the input \(x.shape)")
        }
        return [TensorDesc(type: x.type, shape: zip(x.shape, repeats).map { $0 * $1 })]
    }

    func step(_ inputs: [Buffer?], _ outputs: [Buffer], _ context: PlanContext) throws -> Step {
        let x = inputs[0]!, out = outputs[0], shape = x.shape
        let gather = GatherByIndex(output: out.shape) { axis, position in position % shape[axis] }
        return { gather.copy(from: x, to: out, sourceShape: shape) }
    }

    /// Plain repetition, the test oracle.
    static func reference(_ x: Tensor, repeats: [Int]) -> Tensor {
        let shape = zip(x.shape, repeats).map { $0 * $1 }
        return Tensor(shape: shape, data: allIndices(shape).map { index in x[index: index.indices.map { index[$0] % x.shape[$0] }] })
    }
}
