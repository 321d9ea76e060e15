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
}
