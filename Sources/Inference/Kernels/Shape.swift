/// The input's shape as a 1-D Int64 tensor, optionally sliced by `start`/`end`
/// (opset 15). Always known when planning, so it never runs.
struct Shape: Kernel {
    let node: Node
    let start: Int
    let end: Int?

    init(_ node: Node) throws {
        self.node = node
        start = try node.int("start", default: 0)
        end = node.attributes["end"] == nil ? nil : try node.int("end", default: 0)
    }

    func values(_ shape: [Int]) -> [Int64] {
        let r = shape.count
        func clamp(_ v: Int) -> Int { min(max(v < 0 ? v + r : v, 0), r) }
        let s = clamp(start), e = clamp(end ?? r)
        return s < e ? shape[s..<e].map { Int64($0) } : []
    }

    func outputs(_ inputs: [ValueInfo?]) throws -> [TensorDesc] {
        [.int64([values(try node.required(inputs, 0).shape).count])]
    }

    func constantOutputs(_ inputs: [ValueInfo?]) throws -> [TensorValue]? {
        let v = values(try node.required(inputs, 0).shape)
        return [.int64(Int64Tensor(shape: [v.count], data: v))]
    }

    func step(_ inputs: [Buffer?], _ outputs: [Buffer], _ context: PlanContext) throws -> Step {
        let v = values(inputs[0]!.shape), y = outputs[0]
        return { y.store(.int64(Int64Tensor(shape: [v.count], data: v))) }
    }

    /// Plain shape slice, the test oracle: dims start..<end of `shape`, negative bounds
    /// counting from the end, both clamped to [0, rank].
    static func reference(_ shape: [Int], start: Int, end: Int?) -> Int64Tensor {
        func bound(_ v: Int) -> Int { min(max(v < 0 ? v + shape.count : v, 0), shape.count) }
        let (s, e) = (bound(start), bound(end ?? shape.count))
        let dims = s < e ? shape[s..<e].map { Int64($0) } : []
        return Int64Tensor(shape: [dims.count], data: dims)
    }
}
