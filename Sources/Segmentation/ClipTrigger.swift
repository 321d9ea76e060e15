import Foundation

/// When a clip should record: a class's area share above a threshold, e.g. `person>0.02`.
public struct ClipTrigger: Sendable, Equatable {
    public var classID: Int
    public var className: String
    public var threshold: Double

    /// Parses `NAME>FRACTION` against `labels`.
    /// - Throws: `PaletteError`-style message errors (`ClipTriggerError`) for bad syntax or an
    ///   unknown class.
    public init(parsing text: String, labels: LabelSet) throws {
        let parts = text.split(separator: ">", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
        guard parts.count == 2, let threshold = Double(parts[1]), (0..<1).contains(threshold) else {
            throw ClipTriggerError(description: "'\(text)' must look like person>0.02 (a class name, '>', an area share from 0 to 1)")
        }
        guard let id = labels.names.firstIndex(of: parts[0]) else {
            throw ClipTriggerError(description: "unknown class '\(parts[0])'; the classes are \(labels.names.joined(separator: ", "))")
        }
        classID = id
        className = parts[0]
        self.threshold = threshold
    }

    /// The class's area share in `labels`.
    public func area(in labels: LabelMap) -> Double {
        let id = UInt8(classID)
        return Double(labels.pixels.reduce(0) { $0 + ($1 == id ? 1 : 0) }) / Double(labels.pixels.count)
    }
}

/// A clip trigger that cannot be used.
public struct ClipTriggerError: Error, CustomStringConvertible {
    public let description: String
}
