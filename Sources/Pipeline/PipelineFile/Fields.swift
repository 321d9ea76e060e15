/// Typed, checked access to the keys of one mapping in a pipeline file.
struct Fields {
    private let pairs: [(key: String, value: ConfigTree)]
    private let line: Int
    private let context: String
    private let file: String

    init(_ tree: ConfigTree, context: String, file: String) throws {
        guard case .mapping(let pairs, let line) = tree else {
            throw PipelineFileError(file: file, line: tree.line, "\(context) must be a mapping (key: value)")
        }
        self.pairs = pairs
        self.line = line
        self.context = context
        self.file = file
    }

    /// Rejects keys not in `allowed`, and repeated keys.
    func allow(_ allowed: [String]) throws {
        var seen = Set<String>()
        for (key, value) in pairs {
            guard allowed.contains(key) else {
                let expected = allowed.isEmpty ? "it takes no options" : "expected \(allowed.joined(separator: ", "))"
                throw PipelineFileError(file: file, line: value.line, "unknown key '\(key)' in \(context); \(expected)")
            }
            guard seen.insert(key).inserted else { throw PipelineFileError(file: file, line: value.line, "'\(key)' is given twice in \(context)") }
        }
    }

    func value(_ key: String) -> ConfigTree? { pairs.last { $0.key == key }?.value }

    func fields(_ key: String) throws -> Fields? {
        try value(key).map { try Fields($0, context: "'\(key)'", file: file) }
    }

    func string(_ key: String) throws -> String? {
        guard let value = value(key) else { return nil }
        guard case .scalar(let text, _) = value, !text.isEmpty else { throw invalid(key, "must be a text value") }
        return text
    }

    func required(_ key: String) throws -> String {
        guard let text = try string(key) else { throw missing(key) }
        return text
    }

    /// The whole number at `key`; a range, if it has one, is the stage's `validate()`'s to check.
    func int(_ key: String) throws -> Int? {
        guard let text = try string(key) else { return nil }
        guard let number = Int(text) else { throw invalid(key, "must be a whole number") }
        return number
    }

    func int(_ key: String, _ range: some RangeExpression<Int>) throws -> Int? {
        let number = try int(key)
        do { try OptionError.check(key, number, in: range) } catch { throw invalid(key, error.reason) }
        return number
    }

    /// The number at `key`; a range, if it has one, is the stage's `validate()`'s to check.
    func double(_ key: String) throws -> Double? {
        guard let text = try string(key) else { return nil }
        guard let number = Double(text), number.isFinite else { throw invalid(key, "must be a number") }
        return number
    }

    func double(_ key: String, _ range: some RangeExpression<Double>) throws -> Double? {
        guard let number = try double(key) else { return nil }
        do { try OptionError.check(key, number, in: range) } catch { throw invalid(key, error.reason) }
        return number
    }

    func bool(_ key: String) throws -> Bool? {
        guard let text = try string(key) else { return nil }
        switch text.lowercased() {
        case "true", "yes", "on": return true
        case "false", "no", "off": return false
        default: throw invalid(key, "must be true or false")
        }
    }

    func missing(_ key: String) -> PipelineFileError {
        PipelineFileError(file: file, line: line, "\(context) needs '\(key)'")
    }

    func invalid(_ key: String, _ reason: String) -> PipelineFileError {
        PipelineFileError(file: file, line: value(key)?.line ?? line, "'\(key)' in \(context) \(reason)")
    }
}
