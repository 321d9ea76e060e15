/// Converts between element types: floating targets become Float32, integer and bool
/// targets Int64 (floats truncate toward zero; bool keeps 0/1).
struct Cast: Kernel {
    let node: Node
    let target: ElementType
    let toBool: Bool

    init(_ node: Node) throws {
        self.node = node
        let to = try node.int("to", default: -1)
        guard TensorDecoder.byteWidth(Int32(truncatingIfNeeded: to)) != nil else { throw node.attributeError("to", "type \(to) is not supported") }
        target = [1, 10, 11, 16].contains(to) ? .float32 : .int64
        toBool = to == 9
    }

    func outputs(_ inputs: [ValueInfo?]) throws -> [TensorDesc] {
        [TensorDesc(type: target, shape: try node.required(inputs, 0).shape)]
    }

    func step(_ inputs: [Buffer?], _ outputs: [Buffer], _ context: PlanContext) throws -> Step {
        let x = inputs[0]!, y = outputs[0], n = x.count, toBool = self.toBool
        switch (x.desc.type, target) {
        case (.float32, .float32): return { y.floats.update(from: x.floats, count: n) }
        case (.int64, .int64): return { for i in 0..<n { y.int64s[i] = toBool ? (x.int64s[i] != 0 ? 1 : 0) : x.int64s[i] } }
        case (.int64, .float32): return { for i in 0..<n { y.floats[i] = Float(x.int64s[i]) } }
        case (.float32, .int64):
            return {
                for i in 0..<n {
                    let v = x.floats[i]
                    y.int64s[i] = toBool ? (v != 0 ? 1 : 0) : (Int64(exactly: v.rounded(.towardZero)) ?? (v < 0 ? .min : .max))
                }
            }
        }
    }

    /// Plain conversion to ONNX type `to`, the test oracle: floating types give Float32,
    /// bool 0 or 1, other integer types Int64 (floats truncated toward zero).
    static func reference(_ x: TensorValue, to: Int) -> TensorValue {
        let floats: [Float], ints: [Int64]
        switch x {
        case .float32(let t): (floats, ints) = (t.data, t.data.map { to == 9 ? ($0 != 0 ? 1 : 0) : Int64($0) })
        case .int64(let t): (floats, ints) = (t.data.map { Float($0) }, t.data.map { to == 9 ? ($0 != 0 ? 1 : 0) : $0 })
        }
        return [1, 10, 11, 16].contains(to) ? .float32(Tensor(shape: x.shape, data: floats)) : .int64(Int64Tensor(shape: x.shape, data: ints))
    }
}
