/// A failure while building or running a pipeline.
public struct PipelineError: Error, CustomStringConvertible, Sendable {
    public let description: String
    public init(_ message: String) { description = message }
}
