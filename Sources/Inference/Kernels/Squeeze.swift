/// Squeeze (remove size-1 axes) and Unsqueeze (insert them); axes come from the
/// attribute (opset < 13) or a constant input. A view.
struct Squeeze: Kernel {
    let node: Node
    let insert: Bool
    let axesAttribute: [Int]?

    init(_ node: Node) throws {
        self.node = node
        insert = node.opType == "Unsqueeze"
        axesAttribute = try node.ints("axes")
    }

    var isView: Bool { true }

    func outputs(_ inputs: [ValueInfo?]) throws -> [TensorDesc] {
        let x = try node.required(inputs, 0)
        let axes = try axesAttribute ?? node.constantInput(inputs, 1)?.intValues
        if insert {
            guard let axes else { throw node.error("axes are required") }
            let rank = x.shape.count + axes.count
            let normalized = Set(try axes.map { try node.normalizedAxis($0, rank: rank) })
            guard normalized.count == axes.count else { throw node.error("axes \(axes) repeat") }
            var source = x.shape.makeIterator()
            return [TensorDesc(type: x.type, shape: (0..<rank).map { normalized.contains($0) ? 1 : source.next()! })]
        }
        let remove = try axes.map { Set(try $0.map { try node.normalizedAxis($0, rank: x.shape.count) }) }
            ?? Set(x.shape.indices.filter { x.shape[$0] == 1 })
        for a in remove where x.shape[a] != 1 { throw node.error("axis \(a) of \(x.shape) is not 1") }
        return [TensorDesc(type: x.type, shape: x.shape.indices.filter { !remove.contains($0) }.map { x.shape[$0] })]
    }

    func step(_ inputs: [Buffer?], _ outputs: [Buffer], _ context: PlanContext) throws -> Step { {} }

    /// Plain Squeeze, the test oracle: drops `axes` (when nil, every size-1 axis).
    static func squeezeReference(_ x: Tensor, axes: [Int]?) -> Tensor {
        let dropped = axes?.map { $0 < 0 ? $0 + x.shape.count : $0 } ?? x.shape.indices.filter { x.shape[$0] == 1 }
        return Tensor(shape: x.shape.indices.filter { !dropped.contains($0) }.map { x.shape[$0] }, data: x.data)
    }

    /// Plain Unsqueeze, the test oracle: size-1 axes at the output positions `axes`.
    static func unsqueezeReference(_ x: Tensor, axes: [Int]) -> Tensor {
        var shape = x.shape
        for a in axes.map({ $0 < 0 ? $0 + x.shape.count + axes.count : $0 }).sorted() { shape.insert(1, at: a) }
        return Tensor(shape: shape, data: x.data)
    }
}
