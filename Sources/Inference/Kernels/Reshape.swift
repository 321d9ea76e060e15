/// Reshape to a constant target shape (0 copies the input dimension unless
/// `allowzero`, -1 is inferred). A view: no data moves.
struct Reshape: Kernel {
    let node: Node
    let allowZero: Bool

    init(_ node: Node) throws {
        self.node = node
        allowZero = try node.int("allowzero", default: 0) != 0
    }

    var isView: Bool { true }

    func outputs(_ inputs: [ValueInfo?]) throws -> [TensorDesc] {
        let x = try node.required(inputs, 0)
        guard let target = try node.constantInput(inputs, 1)?.intValues else { throw node.error("shape input is required") }
        var shape = target.enumerated().map { i, d in d == 0 && !allowZero && i < x.shape.count ? x.shape[i] : d }
        guard let known = checkedCount(shape.filter { $0 != -1 }) else { throw node.error("cannot reshape \(x.shape) to \(target)") }
        if let i = shape.firstIndex(of: -1) {
            guard shape.filter({ $0 == -1 }).count == 1, known > 0, x.desc.count % known == 0 else {
                throw node.error("cannot reshape \(x.shape) to \(target)")
            }
            shape[i] = x.desc.count / known
        }
        guard checkedCount(shape) == x.desc.count else { throw node.error("cannot reshape \(x.shape) to \(target)") }
        return [TensorDesc(type: x.type, shape: shape)]
    }

    func step(_ inputs: [Buffer?], _ outputs: [Buffer], _ context: PlanContext) throws -> Step { {} }

    /// Plain reshape, the test oracle: a 0 in `shape` keeps the input's dimension (unless
    /// `allowZero`), -1 takes what is left of the element count; the data keeps its order.
    static func reference(_ x: Tensor, shape target: [Int], allowZero: Bool) -> Tensor {
        var shape = target.indices.map { target[$0] == 0 && !allowZero ? x.shape[$0] : target[$0] }
        if let i = shape.firstIndex(of: -1) { shape[i] = x.data.count / shape.filter { $0 != -1 }.reduce(1, *) }
        return Tensor(shape: shape, data: x.data)
    }
}
