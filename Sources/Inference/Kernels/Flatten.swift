/// Flattens to 2-D [prod(dims before axis), prod(dims from axis)]. A view.
struct Flatten: Kernel {
    let node: Node
    let axis: Int

    init(_ node: Node) throws {
        self.node = node
        axis = try node.int("axis", default: 1)
    }

    var isView: Bool { true }

    func outputs(_ inputs: [ValueInfo?]) throws -> [TensorDesc] {
        let x = try node.required(inputs, 0)
        let a = axis < 0 ? axis + x.shape.count : axis
        guard a >= 0, a <= x.shape.count else { throw node.error("axis \(axis) is out of range for rank \(x.shape.count)") }
        return [TensorDesc(type: x.type, shape: [x.shape[..<a].reduce(1, *), x.shape[a...].reduce(1, *)])]
    }

    func step(_ inputs: [Buffer?], _ outputs: [Buffer], _ context: PlanContext) throws -> Step { {} }

    /// Plain flatten, the test oracle: [product of dims before axis, product of the rest].
    static func reference(_ x: Tensor, axis: Int) -> Tensor {
        let a = axis < 0 ? axis + x.shape.count : axis
        return Tensor(shape: [x.shape[..<a].reduce(1, *), x.shape[a...].reduce(1, *)], data: x.data)
    }
}
