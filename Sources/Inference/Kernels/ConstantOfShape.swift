/// A tensor of a constant shape (input 0) filled with `value` (default Float32 0).
struct ConstantOfShape: Kernel {
    let node: Node
    let value: TensorValue

    init(_ node: Node) throws {
        self.node = node
        if case .tensor(let t)? = node.attributes["value"] {
            guard t.shape.reduce(1, *) == 1 else { throw node.attributeError("value", "must hold one element") }
            value = t
        } else {
            value = .float32(Tensor(shape: [1], data: [0]))
        }
    }

    func shape(_ inputs: [ValueInfo?]) throws -> [Int] {
        guard let s = try node.constantInput(inputs, 0)?.intValues else { throw node.error("shape input is required") }
        var count = 1
        for d in s {
            let (p, overflow) = count.multipliedReportingOverflow(by: d)
            guard d >= 0, !overflow, p <= TensorDecoder.maxElements else { throw node.error("shape \(s) is invalid or too large") }
            count = p
        }
        return s
    }

    func outputs(_ inputs: [ValueInfo?]) throws -> [TensorDesc] { [TensorDesc(type: value.elementType, shape: try shape(inputs))] }

    func constantOutputs(_ inputs: [ValueInfo?]) throws -> [TensorValue]? {
        let s = try shape(inputs), n = s.reduce(1, *)
        switch value {
        case .float32(let t): return [.float32(Tensor(shape: s, data: [Float](repeating: t.data[0], count: n)))]
        case .int64(let t): return [.int64(Int64Tensor(shape: s, data: [Int64](repeating: t.data[0], count: n)))]
        }
    }

    func step(_ inputs: [Buffer?], _ outputs: [Buffer], _ context: PlanContext) throws -> Step {
        let filled = try constantOutputs(inputs.map { $0.map { ValueInfo(desc: $0.desc, constant: $0.load()) } })![0], y = outputs[0]
        return { y.store(filled) }
    }

    /// Plain fill, the test oracle: `shape` filled with the one element of `value`
    /// (Float32 zero when absent).
    static func reference(shape: [Int], value: TensorValue?) -> TensorValue {
        let count = shape.reduce(1, *)
        switch value {
        case .int64(let t)?: return .int64(Int64Tensor(shape: shape, data: Array(repeating: t.data[0], count: count)))
        case .float32(let t)?: return .float32(Tensor(shape: shape, data: Array(repeating: t.data[0], count: count)))
        case nil: return .float32(Tensor(zeros: shape))
        }
    }
}
