import VideoIO

/// A failure while building or running a pipeline.
public struct PipelineError: Error, CustomStringConvertible, Sendable, UnusableInputReporting {
    public let description: String
    /// Whether the model (or another input) itself is unusable, so that no retry can help.
    public let isUnusableInput: Bool

    public init(_ message: String, unusableInput: Bool = false) {
        description = message
        isUnusableInput = unusableInput
    }
}
