/// How a `VideoWriter` encodes.
public struct WriterOptions: Sendable {
    /// x264 preset (`ultrafast` ... `veryslow`).
    public var preset = "medium"
    /// x264 constant rate factor; lower is better quality.
    public var crf = 23
    /// Encoder threads; 0 lets the encoder choose.
    public var encodeThreads = 0
    /// Seconds subtracted from every timestamp (the start of a cut), so outputs start near 0.
    public var timeOrigin: Double = 0

    public init() {}
}
