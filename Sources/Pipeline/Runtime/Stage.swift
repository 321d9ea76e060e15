/// How a run ended, as told to each stage when it closes.
public enum RunEnding: Sendable {
    /// The source was exhausted.
    case finished
    /// The user interrupted (SIGINT); outputs should be finalised with what they have.
    case interrupted
    /// A stage failed; outputs should be removed.
    case failed
}

/// One step of a pipeline: takes items, gives items.
///
/// A stage is used from one thread at a time. It allocates what it needs in `open`, handles one
/// item per `process` call (emitting zero or more items downstream, in order), and flushes in
/// `close`. Sinks are stages that emit nothing.
public protocol Stage: AnyObject {
    /// A short name for statistics and errors.
    var name: String { get }
    func open() throws
    func process(_ item: PipelineItem, emit: (PipelineItem) throws -> Void) throws
    func close(_ ending: RunEnding, emit: (PipelineItem) throws -> Void) throws
    /// Figures of the stage's own for `--stats`, one line each (read after it closed).
    var notes: [String] { get }
}

extension Stage {
    public func open() throws {}
    public func close(_ ending: RunEnding, emit: (PipelineItem) throws -> Void) throws {}
    public var notes: [String] { [] }
}

/// The first step of a pipeline: produces items until its input ends.
public protocol SourceStage: AnyObject {
    var name: String { get }
    /// How many frames the source will deliver, when known (for progress and ETA).
    var expectedFrames: Int? { get }
    /// The next item, or nil at the end.
    func next() throws -> PipelineItem?
    /// Makes a blocked `next()` return promptly; called from another thread.
    func cancel()
}
