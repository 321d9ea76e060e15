/// Which frames the model runs on: every `interval`-th frame, the first one, and any frame
/// whose picture differs from the previous one by more than `sceneCut` (a cut or a sudden
/// change, where earlier scores no longer carry over).
public struct KeyframePolicy: Sendable, Equatable {
    /// Run the model on one frame in `interval` (1: every frame).
    public var interval = 1
    /// Mean absolute gray difference (0–1) to the previous picture that makes a frame a keyframe.
    public var sceneCut: Float = 0.15

    public init(interval: Int = 1, sceneCut: Float = 0.15) {
        self.interval = interval
        self.sceneCut = sceneCut
    }
}

/// Applies a `KeyframePolicy` frame by frame.
public struct KeyframeSelector: Sendable {
    public let policy: KeyframePolicy
    private var sinceKeyframe = 0
    private var previous: [Float]?

    public init(_ policy: KeyframePolicy) { self.policy = policy }

    /// What the next frame, given as its gray picture (0–1, any fixed size), is.
    public mutating func next(gray: [Float]) -> (keyframe: Bool, sceneCut: Bool) {
        let cut = previous.map { Self.difference($0, gray) > policy.sceneCut } ?? true
        previous = gray
        let keyframe = cut || sinceKeyframe + 1 >= policy.interval
        sinceKeyframe = keyframe ? 0 : sinceKeyframe + 1
        return (keyframe, cut)
    }

    /// Mean absolute difference of two pictures over every fourth pixel.
    static func difference(_ a: [Float], _ b: [Float]) -> Float {
        guard a.count == b.count, !a.isEmpty else { return .infinity }
        var sum: Float = 0, count = 0
        for i in stride(from: 0, to: a.count, by: 4) {
            sum += abs(a[i] - b[i])
            count += 1
        }
        return sum / Float(count)
    }
}
