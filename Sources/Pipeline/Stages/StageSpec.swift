import Segmentation
import VideoIO

/// A per-frame field of `FrameItem` that stages read and write.
public enum FrameField: String, Sendable, CaseIterable, Comparable {
    /// The decoded picture.
    case picture
    /// The normalised model input.
    case modelInput
    /// The gray picture at the model's input size.
    case guide
    /// The model's class scores.
    case scores
    /// Class ids at the picture's size.
    case labels
    /// The picture with the labels drawn on it.
    case overlay

    /// The field in words, for errors.
    public var phrase: String {
        switch self {
        case .picture: "the decoded picture"
        case .modelInput: "the model input"
        case .guide: "the gray guide picture"
        case .scores: "class scores"
        case .labels: "labels"
        case .overlay: "the overlay picture"
        }
    }

    public static func < (a: FrameField, b: FrameField) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }
}

/// What a stage takes from each frame and gives to it, as placed in its pipeline.
public struct StageContract: Sendable, Equatable {
    /// Fields that must be set before the stage.
    public var takes: Set<FrameField>
    /// Fields the stage sets.
    public var gives: Set<FrameField>
    /// Fields the stages after this one take; the stage may free any other.
    public var later: Set<FrameField> = []
    /// Stage names this stage must come right after (nil: anywhere its fields are given).
    public var follows: Set<String>?
    /// Whether a pipeline may hold the stage more than once.
    public var repeatable = false

    public init(takes: Set<FrameField>, gives: Set<FrameField>, follows: Set<String>? = nil, repeatable: Bool = false) {
        self.takes = takes
        self.gives = gives
        self.follows = follows
        self.repeatable = repeatable
    }
}

/// A stage as declared in a pipeline file or on the command line: its options with their
/// defaults, their check, its contract, and how to make the running stage.
public protocol StageSpec: Sendable {
    /// The stage's name in pipeline files.
    static var name: String { get }
    /// Checks the options; the error names the offending key as pipeline files spell it.
    func validate() throws(OptionError)
    /// The stage's contract when the stages after it take `later` (stages whose output
    /// adapts, such as `infer`, give scores only when something later takes them).
    func contract(later: Set<FrameField>) -> StageContract
    /// Makes the stage to run, placed with `contract` (see `PipelineSpec.contracts()`).
    func make(_ context: StageContext, contract: StageContract) throws -> Stage
}

/// A stage that writes an output.
public protocol SinkSpec: StageSpec {
    /// Where the output goes (a file, or a folder of files).
    var path: String { get set }
    /// Whether `path` is a folder the sink fills.
    static var writesFolder: Bool { get }
}

extension StageSpec {
    public var name: String { Self.name }
}

/// A stage option whose value cannot be used: which key (as pipeline files spell it) and why.
public struct OptionError: Error, CustomStringConvertible, Sendable {
    public let key: String
    public let reason: String

    public init(_ key: String, _ reason: String) {
        self.key = key
        self.reason = reason
    }

    public var description: String { "'\(key)' \(reason)" }

    /// Throws unless `value` (when given) lies in `range`.
    static func check(_ key: String, _ value: Int?, in range: some RangeExpression<Int>) throws(OptionError) {
        if let value, !range.contains(value) { throw OptionError(key, "must be a whole number in \(describe(range))") }
    }

    /// Throws unless `value` lies in `range`.
    static func check(_ key: String, _ value: Double, in range: some RangeExpression<Double>) throws(OptionError) {
        if !range.contains(value) { throw OptionError(key, "must be a number in \(describe(range))") }
    }

    /// Throws unless `value` is one of `allowed`.
    static func check(_ key: String, _ value: String, oneOf allowed: [String]) throws(OptionError) {
        if !allowed.contains(value) { throw OptionError(key, "must be one of \(allowed.joined(separator: ", "))") }
    }

    static func describe<R: RangeExpression>(_ range: R) -> String {
        switch range {
        case let r as ClosedRange<Int>: "\(r.lowerBound)...\(r.upperBound)"
        case let r as PartialRangeFrom<Int>: "\(r.lowerBound) or more"
        case let r as ClosedRange<Double>: "\(r.lowerBound)...\(r.upperBound)"
        case let r as PartialRangeFrom<Double>: "\(r.lowerBound) or more"
        default: "the allowed range"
        }
    }
}

/// x264 presets, for every stage that encodes H.264.
public let x264Presets = ["ultrafast", "superfast", "veryfast", "faster", "fast", "medium", "slow", "slower", "veryslow"]
