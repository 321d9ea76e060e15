import Foundation

/// Range(start, limit, delta): start, start + delta, ... up to `limit` (exclusive), Float32 or
/// Int64 scalars that must be known when the model is prepared (its length sets a shape).
/// (Named so as not to hide Swift's `Range`.)
struct RangeKernel: Kernel {
    let node: Node

    init(_ node: Node) throws { self.node = node }

    func outputs(_ inputs: [ValueInfo?]) throws -> [TensorDesc] {
        let (type, values) = try bounds(inputs)
        return [TensorDesc(type: type, shape: [try Self.length(values, node: node)])]
    }

    func constantOutputs(_ inputs: [ValueInfo?]) throws -> [TensorValue]? {
        let (type, values) = try bounds(inputs)
        let count = try Self.length(values, node: node)
        if type == .int64 {
            let (start, delta) = (Int64(values[0]), Int64(values[2]))
            return [.int64(Int64Tensor(shape: [count], data: (0..<count).map { start + Int64($0) * delta }))]
        }
        return [.float32(Self.reference(start: Float(values[0]), limit: Float(values[1]), delta: Float(values[2])))]
    }

    func step(_ inputs: [Buffer?], _ outputs: [Buffer], _ context: PlanContext) throws -> Step {
        let values = try constantOutputs(inputs.map { $0.map { ValueInfo(desc: $0.desc, constant: $0.load()) } })![0], y = outputs[0]
        return { y.store(values) }
    }

    /// The inputs' type and (start, limit, delta).
    private func bounds(_ inputs: [ValueInfo?]) throws -> (ElementType, [Double]) {
        let values = try (0..<3).map { i -> TensorValue in
            guard let value = try node.constantInput(inputs, i), value.shape.reduce(1, *) == 1 else { throw node.error("input \(i) must be a scalar") }
            return value
        }
        guard Set(values.map(\.elementType)).count == 1 else { throw node.error("start, limit and delta have different types") }
        let numbers = values.map { value -> Double in
            switch value {
            case .float32(let t): Double(t.data[0])
            case .int64(let t): Double(t.data[0])
            }
        }
        return (values[0].elementType, numbers)
    }

    /// max(ceil((limit - start) / delta), 0).
    private static func length(_ values: [Double], node: Node) throws -> Int {
        guard values[2] != 0 else { throw node.error("delta is 0") }
        let count = max(((values[1] - values[0]) / values[2]).rounded(.up), 0)
        guard count <= Double(1 << 28) else { throw node.error("\(Int(count)) elements is more than the engine allows") }
        return Int(count)
    }

    /// Plain Float32 range, the test oracle.
    static func reference(start: Float, limit: Float, delta: Float) -> Tensor {
        let count = max(Int(((limit - start) / delta).rounded(.up)), 0)
        return Tensor(shape: [count], data: (0..<count).map { start + Float($0) * delta })
    }
}
