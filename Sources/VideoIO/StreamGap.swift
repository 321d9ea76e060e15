/// A stretch of a live input that was lost and came back, on the output timeline.
public struct StreamGap: Sendable {
    /// Seconds of the last frame before the loss; nil when none had arrived.
    public var from: Double?
    /// Seconds of the first frame after it.
    public var to: Double
    /// Why the input was lost (the stream ended, a read error, a stall).
    public var reason: String
    /// Connection attempts it took to come back.
    public var attempts: Int
}

/// How a live input comes back after it is lost.
public struct ReconnectPolicy: Sendable {
    /// Seconds opening the stream, or waiting for its next packet, may take before it counts as
    /// stalled (and lost).
    public var stallTimeout: Double = 5
    /// Seconds after a loss during which reconnecting is tried; after them the input is gone.
    public var window: Double = 60
    /// The wait before the first attempt; it doubles after each failed attempt, up to `longestDelay`.
    public var firstDelay = 0.5
    public var longestDelay = 5.0

    public init(stallTimeout: Double = 5, window: Double = 60) {
        self.stallTimeout = stallTimeout
        self.window = window
    }
}
