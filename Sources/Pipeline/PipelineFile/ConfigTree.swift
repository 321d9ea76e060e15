import Yams

/// A parsed YAML document kept with the line of every value, so errors can point at them.
/// Values set from the command line (`--set`) have line 0.
indirect enum ConfigTree {
    case scalar(String, line: Int)
    case mapping([(key: String, value: ConfigTree)], line: Int)
    case sequence([ConfigTree], line: Int)

    var line: Int {
        switch self {
        case .scalar(_, let line), .mapping(_, let line), .sequence(_, let line): return line
        }
    }

    /// Parses `text`.
    /// - Throws: `PipelineFileError` for YAML syntax errors and non-string keys.
    static func parse(_ text: String, file: String) throws -> ConfigTree {
        let node: Node?
        do {
            node = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            throw PipelineFileError(file: file, line: nil, "not valid YAML: \(error)")
        }
        guard let node else { throw PipelineFileError(file: file, line: nil, "the file is empty") }
        return try convert(node, file: file)
    }

    private static func convert(_ node: Node, file: String) throws -> ConfigTree {
        let line = node.mark?.line ?? 0
        switch node {
        case .scalar(let scalar):
            return .scalar(scalar.string, line: line)
        case .sequence(let sequence):
            return .sequence(try sequence.map { try convert($0, file: file) }, line: line)
        case .mapping(let mapping):
            return .mapping(try mapping.map { pair in
                guard let key = pair.key.scalar?.string else {
                    throw PipelineFileError(file: file, line: pair.key.mark?.line, "keys must be plain names")
                }
                return (key, try convert(pair.value, file: file))
            }, line: line)
        }
    }

    /// Sets the scalar at a dotted `path` of mapping keys, creating mappings on the way.
    /// - Returns: false when the path runs into a scalar or a sequence.
    mutating func set(_ path: ArraySlice<String>, to value: String) -> Bool {
        guard let key = path.first else {
            self = .scalar(value, line: 0)
            return true
        }
        guard case .mapping(var pairs, let line) = self else { return false }
        let index = pairs.firstIndex { $0.key == key } ?? {
            pairs.append((key, .mapping([], line: 0)))
            return pairs.count - 1
        }()
        if path.count == 1 { pairs[index].value = .scalar(value, line: 0) } else if !pairs[index].value.set(path.dropFirst(), to: value) { return false }
        self = .mapping(pairs, line: line)
        return true
    }
}

/// A pipeline file that cannot be used: where and why.
public struct PipelineFileError: Error, CustomStringConvertible {
    public let description: String

    init(file: String, line: Int?, _ message: String) {
        switch line {
        case .some(0): description = "\(file): --set: \(message)"
        case .some(let line): description = "\(file):\(line): \(message)"
        case nil: description = "\(file): \(message)"
        }
    }
}
