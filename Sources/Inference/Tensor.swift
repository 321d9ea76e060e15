/// A dense Float32 tensor in row-major order (NCHW for images).
public struct Tensor: Sendable {
    public var shape: [Int]
    public var data: [Float]

    /// Creates a tensor; `data.count` must equal the product of `shape`.
    public init(shape: [Int], data: [Float]) {
        precondition(data.count == shape.reduce(1, *), "Tensor data does not match shape \(shape)")
        self.shape = shape
        self.data = data
    }

    /// A zero-filled tensor of `shape`.
    public init(zeros shape: [Int]) {
        self.init(shape: shape, data: [Float](repeating: 0, count: shape.reduce(1, *)))
    }
}
