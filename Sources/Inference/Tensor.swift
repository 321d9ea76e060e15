/// A dense Float32 tensor in row-major order (NCHW for images).
public struct Tensor: Sendable, Equatable {
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

/// A dense Int64 tensor in row-major order (class maps from ArgMax, pooling indices).
public struct Int64Tensor: Sendable, Equatable {
    public var shape: [Int]
    public var data: [Int64]

    /// Creates a tensor; `data.count` must equal the product of `shape`.
    public init(shape: [Int], data: [Int64]) {
        precondition(data.count == shape.reduce(1, *), "Tensor data does not match shape \(shape)")
        self.shape = shape
        self.data = data
    }
}

/// The element types the engine computes with. Floating-point ONNX types load as
/// `float32`; integer and boolean types load as `int64`.
public enum ElementType: String, Sendable {
    case float32
    case int64
}

/// A model input or output value of either element type.
public enum TensorValue: Sendable, Equatable {
    case float32(Tensor)
    case int64(Int64Tensor)

    /// The value's shape.
    public var shape: [Int] {
        switch self {
        case .float32(let t): return t.shape
        case .int64(let t): return t.shape
        }
    }

    /// The value's element type.
    public var elementType: ElementType {
        switch self {
        case .float32: return .float32
        case .int64: return .int64
        }
    }

    /// The value as Float32 (int64 values are converted; class indices convert exactly).
    public var floatTensor: Tensor {
        switch self {
        case .float32(let t): return t
        case .int64(let t): return Tensor(shape: t.shape, data: t.data.map { Float($0) })
        }
    }

    /// The value as Int64 (float values are truncated toward zero, saturating).
    var int64Values: [Int64] {
        switch self {
        case .float32(let t): return t.data.map { Int64(exactly: $0.rounded(.towardZero)) ?? ($0 < 0 ? Int64.min : Int64.max) }
        case .int64(let t): return t.data
        }
    }

    /// The value's elements as `Int`, for shape-like inputs.
    var intValues: [Int] { int64Values.map { Int(truncatingIfNeeded: $0) } }

    /// The value's elements as Float.
    var floatValues: [Float] { floatTensor.data }
}
