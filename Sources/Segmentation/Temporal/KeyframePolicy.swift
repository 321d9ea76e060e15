/// Which frames the model runs on: every `interval`-th frame, the first one, and any frame
/// whose picture differs from the previous one by more than `sceneCut` (a cut or a sudden
/// change, where earlier scores no longer carry over). When `adaptive`, `interval` is the
/// longest gap, and a frame is also a keyframe once its picture differs from the last
/// keyframe's by more than `change`: fast motion gets keyframes often, a still scene rarely.
public struct KeyframePolicy: Sendable, Equatable {
    /// Run the model on one frame in `interval` (1: every frame); the longest gap when adaptive.
    public var interval = 1
    /// Mean absolute gray difference (0–1) to the previous picture that makes a frame a keyframe.
    public var sceneCut: Float = 0.15
    /// Whether keyframes follow the picture's change since the last one (`--keyframe-interval auto`).
    public var adaptive = false
    /// With `adaptive`, the mean absolute gray difference to the last keyframe's picture that
    /// makes a frame a keyframe.
    public var change: Float = 0.03

    public init(interval: Int = 1, sceneCut: Float = 0.15) {
        self.interval = interval
        self.sceneCut = sceneCut
    }

    /// `--keyframe-interval auto`: adaptive keyframes at most 4 frames apart.
    public static var auto: KeyframePolicy {
        var policy = KeyframePolicy(interval: 4)
        policy.adaptive = true
        return policy
    }
}

/// Applies a `KeyframePolicy` frame by frame.
public struct KeyframeSelector: Sendable {
    public let policy: KeyframePolicy
    private var sinceKeyframe = 0
    private var previous: [Float]?
    private var lastKeyframe: [Float]?

    public init(_ policy: KeyframePolicy) { self.policy = policy }

    /// What the next frame, given as its gray picture (0–1, any fixed size), is.
    public mutating func next(gray: [Float]) -> (keyframe: Bool, sceneCut: Bool) {
        let cut = previous.map { Self.difference($0, gray) > policy.sceneCut } ?? true
        previous = gray
        let changed = policy.adaptive && lastKeyframe.map { Self.difference($0, gray) > policy.change } ?? false
        let keyframe = cut || changed || sinceKeyframe + 1 >= policy.interval
        sinceKeyframe = keyframe ? 0 : sinceKeyframe + 1
        if keyframe && policy.adaptive { lastKeyframe = gray }
        return (keyframe, cut)
    }

    /// Forgets the pictures seen: the next frame is a keyframe and a scene cut (after a live
    /// stream's gap, say).
    public mutating func restart() {
        sinceKeyframe = 0
        previous = nil
        lastKeyframe = nil
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
