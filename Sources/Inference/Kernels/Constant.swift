/// A constant from `value`, `value_float(s)` or `value_int(s)`; folded when planning.
struct Constant: Kernel {
    let node: Node
    let value: TensorValue

    init(_ node: Node) throws {
        self.node = node
        switch (node.attributes["value"], node.attributes["value_float"], node.attributes["value_floats"],
                node.attributes["value_int"], node.attributes["value_ints"]) {
        case (.tensor(let t)?, _, _, _, _): value = t
        case (_, .float(let f)?, _, _, _): value = .float32(Tensor(shape: [], data: [f]))
        case (_, _, .floats(let f)?, _, _): value = .float32(Tensor(shape: [f.count], data: f))
        case (_, _, _, .int(let i)?, _): value = .int64(Int64Tensor(shape: [], data: [Int64(i)]))
        case (_, _, _, _, .ints(let i)?): value = .int64(Int64Tensor(shape: [i.count], data: i.map { Int64($0) }))
        default: throw node.error("needs a value, value_float(s) or value_int(s) attribute (sparse and string values are not supported)")
        }
    }

    func outputs(_ inputs: [ValueInfo?]) throws -> [TensorDesc] { [TensorDesc(type: value.elementType, shape: value.shape)] }

    func constantOutputs(_ inputs: [ValueInfo?]) throws -> [TensorValue]? { [value] }

    func step(_ inputs: [Buffer?], _ outputs: [Buffer], _ context: PlanContext) throws -> Step {
        let y = outputs[0], value = self.value
        return { y.store(value) }
    }

    /// Plain reading of a value attribute, the test oracle: a tensor as it is, a number as
    /// a scalar, a list as a vector.
    static func reference(_ value: Attribute) -> TensorValue? {
        switch value {
        case .tensor(let t): return t
        case .float(let f): return .float32(Tensor(shape: [], data: [f]))
        case .floats(let f): return .float32(Tensor(shape: [f.count], data: f))
        case .int(let i): return .int64(Int64Tensor(shape: [], data: [Int64(i)]))
        case .ints(let i): return .int64(Int64Tensor(shape: [i.count], data: i.map { Int64($0) }))
        default: return nil
        }
    }
}
