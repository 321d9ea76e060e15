/// A node attribute value, decoded from `AttributeProto`.
enum Attribute: Equatable {
    case float(Float)
    case int(Int)
    case string(String)
    case tensor(TensorValue)
    case floats([Float])
    case ints([Int])
    case strings([String])
}

/// One operator application in the graph. Empty input names mark omitted optional inputs.
struct Node {
    var name: String
    var opType: String
    var inputs: [String]
    var outputs: [String]
    var attributes: [String: Attribute]
    /// Epilogue fused into this node by the optimiser (Conv only).
    var epilogue = Epilogue()

    /// The node's name, or a readable stand-in built from its first output when unnamed.
    var label: String { name.isEmpty ? "\(opType)->\(outputs.first ?? "?")" : name }

    func int(_ key: String, default value: Int) throws -> Int {
        guard let a = attributes[key] else { return value }
        guard case .int(let v) = a else { throw attributeError(key, "must be an integer") }
        return v
    }

    func float(_ key: String, default value: Float) throws -> Float {
        guard let a = attributes[key] else { return value }
        switch a {
        case .float(let v): return v
        case .int(let v): return Float(v)
        default: throw attributeError(key, "must be a float")
        }
    }

    func ints(_ key: String) throws -> [Int]? {
        guard let a = attributes[key] else { return nil }
        switch a {
        case .ints(let v): return v
        case .int(let v): return [v]
        default: throw attributeError(key, "must be a list of integers")
        }
    }

    func string(_ key: String, default value: String) throws -> String {
        guard let a = attributes[key] else { return value }
        guard case .string(let v) = a else { throw attributeError(key, "must be a string") }
        return v
    }

    /// An error naming this node and its op.
    func error(_ reason: String) -> InferenceError {
        .invalidNode(node: label, op: opType, reason: reason)
    }

    func attributeError(_ key: String, _ reason: String) -> InferenceError {
        error("attribute '\(key)' \(reason)")
    }
}

/// The elementwise work a fused Conv does after the convolution: add a residual
/// input (the node's fourth input), then apply an activation.
struct Epilogue: Equatable {
    var residual = false
    var activation: Activation?
}

/// One dimension of a declared graph input or output.
public enum Dimension: Sendable, Equatable, CustomStringConvertible {
    case fixed(Int)
    case symbolic(String)

    public var isFixed: Bool {
        if case .fixed = self { true } else { false }
    }

    public var description: String {
        switch self {
        case .fixed(let v): return String(v)
        case .symbolic(let s): return s.isEmpty ? "?" : s
        }
    }
}

/// A declared graph input or output: name, element type and dimensions.
public struct TensorInfo: Sendable, Equatable {
    public var name: String
    public var elementType: ElementType
    /// Dimensions, or nil when the model does not declare a shape.
    public var dimensions: [Dimension]?
}

/// A loaded ONNX graph: nodes in execution order plus constant initializers.
struct Graph {
    var nodes: [Node]
    var initializers: [String: TensorValue]
    var inputs: [TensorInfo]
    var outputs: [TensorInfo]
}
