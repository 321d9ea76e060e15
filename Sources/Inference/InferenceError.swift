/// Errors from loading, preparing and running models. Each message says what failed,
/// where (file, node, input) and what to do about it.
public enum InferenceError: Error, CustomStringConvertible, Equatable {
    /// A file (model or .npy) could not be read from disk.
    case unreadableFile(path: String, reason: String)
    /// The file is not a well-formed ONNX model (truncated, corrupt or inconsistent).
    case malformedModel(path: String, reason: String)
    /// The model uses an opset outside the supported range.
    case unsupportedOpset(domain: String, version: Int)
    /// Operators the engine does not implement, each with the nodes that use it.
    case unsupportedOperators([String])
    /// A node's attributes or input shapes are invalid or unsupported.
    case invalidNode(node: String, op: String, reason: String)
    /// An input given to `prepare` or `run` does not fit the model.
    case invalidInput(name: String, reason: String)
    /// A `.npy` file could not be read or written.
    case invalidNpy(path: String, reason: String)

    public var description: String {
        switch self {
        case let .unreadableFile(path, reason):
            let detail = reason.hasSuffix(".") ? String(reason.dropLast()) : reason
            return "Cannot read \(path): \(detail). Check the path and permissions."
        case let .malformedModel(path, reason):
            return "\(path) is not a valid ONNX model: \(reason). Re-export the model or check the download is complete."
        case let .unsupportedOpset(domain, version):
            let name = domain.isEmpty ? "ai.onnx" : domain
            return "Opset \(name) version \(version) is not supported (supported: ai.onnx 11-21). Re-export with opset_version=17."
        case let .unsupportedOperators(list):
            return "The model uses operators segstream does not implement: \(list.joined(separator: "; ")). Replace them in the exporter or convert the model."
        case let .invalidNode(node, op, reason):
            return "Node '\(node)' (\(op)): \(reason)."
        case let .invalidInput(name, reason):
            return "Input '\(name)': \(reason)."
        case let .invalidNpy(path, reason):
            return "\(path): \(reason). Use a little-endian float32 (or int64) C-order .npy file, e.g. numpy.save('x.npy', a.astype('float32'))."
        }
    }
}
