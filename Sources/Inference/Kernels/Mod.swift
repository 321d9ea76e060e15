import Foundation

/// Mod(A, B) with numpy broadcasting: with `fmod` 1 the remainder takes the dividend's sign
/// (C's fmod; required for Float32), with 0 the divisor's (Python's %, Int64 only). A zero
/// divisor gives 0 for Int64.
struct Mod: Kernel {
    let node: Node
    let fmod: Bool

    init(_ node: Node) throws {
        self.node = node
        fmod = try node.int("fmod", default: 0) != 0
    }

    func outputs(_ inputs: [ValueInfo?]) throws -> [TensorDesc] {
        let a = try node.required(inputs, 0), b = try node.required(inputs, 1)
        guard a.type == b.type else { throw node.error("inputs have different types (\(a.type), \(b.type))") }
        if a.type == .float32 && !fmod { throw node.error("fmod must be 1 for floating-point inputs") }
        return [TensorDesc(type: a.type, shape: try node.broadcastShape(a.shape, b.shape))]
    }

    func step(_ inputs: [Buffer?], _ outputs: [Buffer], _ context: PlanContext) throws -> Step {
        let a = inputs[0]!, b = inputs[1]!, out = outputs[0], fmod = fmod
        let layout = BroadcastLayout(a: a.shape, b: b.shape, out: out.shape)
        if a.desc.type == .float32 {
            return { layout.run(a.floats, b.floats, out.floats, threads: 1) { Foundation.fmod($0, $1) } }
        }
        return { layout.run(a.int64s, b.int64s, out.int64s, threads: 1) { Self.remainder($0, $1, fmod: fmod) } }
    }

    /// The Int64 remainder, with the dividend's sign (`fmod`) or the divisor's.
    static func remainder(_ a: Int64, _ b: Int64, fmod: Bool) -> Int64 {
        guard b != 0, !(a == .min && b == -1) else { return 0 }
        let r = a % b
        return fmod || r == 0 || (r < 0) == (b < 0) ? r : r + b
    }

    /// Plain per-element remainder with numpy broadcasting (C's fmod), the Float32 test oracle.
    static func reference(_ a: Tensor, _ b: Tensor) -> Tensor {
        let shape = broadcastShapes(a.shape, b.shape)
        return Tensor(shape: shape, data: allIndices(shape).map { index in
            Float(Foundation.fmod(Double(a[index: broadcastIndex(index, into: a.shape)]), Double(b[index: broadcastIndex(index, into: b.shape)])))
        })
    }
}
