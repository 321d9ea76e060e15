/// Settings of temporal aggregation: which frames the model runs on, how scores are carried
/// to the others, and how much a fresh inference is smoothed with what was carried.
public struct TemporalAggregation: Sendable, Equatable {
    public var keyframes = KeyframePolicy()
    /// Weight of a keyframe's own scores against the scores carried from the previous frame
    /// (1: none carried). 0.7 steadies labels between frames (sample clip: flicker -20 %, mIoU
    /// +0.009; 0.6 and 0.8 within 0.002 of it).
    public var blend: Float = 0.7
    /// Scale of the model's input at which the model also runs on frames between keyframes
    /// (0: it does not), for a cheap look at each frame's own picture.
    public var update: Float = 0.5
    /// Weight of such an update's scores against the scores carried along the motion.
    public var updateWeight: Float = 0.3
    public var matcher = BlockMatcher()
    /// Take motion from the codec's motion vectors where the decoder exports them (H.264,
    /// MPEG-4, MPEG-2), block matching elsewhere (intra frames, HEVC, VP9, AV1).
    public var codecMotion = false

    public init() {}
}

/// Carries segmentation from frame to frame: on a frame the model ran on, its scores blended
/// with the previous frame's scores moved along the motion between the two pictures; on any
/// other frame, the moved scores alone. Label maps (when nothing needs scores and keyframes
/// are not blended) are moved the same way, nearest pixel.
public final class TemporalAggregator {
    public let settings: TemporalAggregation
    private var previousGuide: [Float]?
    /// `previousGuide`'s pyramid, when a motion estimate already built it.
    private var previousPyramid: [GrayLevel]?
    /// The pyramid of the frame being aggregated, when its motion was estimated.
    private var currentPyramid: [GrayLevel]?
    private var previousScores: ClassScores?
    private var previousLabels: LabelMap?
    private let guideWidth: Int
    private let guideHeight: Int

    /// - Parameters: guideWidth, guideHeight: the size of every frame's gray guide.
    public init(_ settings: TemporalAggregation, guideWidth: Int, guideHeight: Int) {
        self.settings = settings
        self.guideWidth = guideWidth
        self.guideHeight = guideHeight
    }

    /// The scores of the next frame.
    /// - Parameters:
    ///   - inferred: the model's scores, or nil when the model did not run on this frame.
    ///   - update: when the model did not run at full size, its scores at the reduced size
    ///     (`settings.update`), blended with the carried scores.
    ///   - restart: do not blend with earlier frames (a scene cut).
    ///   - guide: the frame in gray (0–1).
    ///   - motion: the motion from the previous frame when known (the codec's vectors); else it
    ///     is estimated by block matching on the guides.
    /// - Returns: nil when the model did not run and there is no earlier frame to carry from.
    public func next(inferred: ClassScores?, update: ClassScores? = nil, restart: Bool, guide: [Float], motion known: MotionField? = nil) -> ClassScores? {
        var result: ClassScores
        if let inferred {
            result = inferred
            if !restart, settings.blend < 1, let earlier = previousScores, earlier.matches(inferred), let field = known ?? motion(to: guide) {
                result = carry(earlier, along: field, blendingWith: inferred, keep: settings.blend)
            }
        } else if let earlier = previousScores, let field = known ?? motion(to: guide) {
            let fresh = update.map { $0.resized(width: earlier.width, height: earlier.height) }
            result = carry(earlier, along: field, blendingWith: fresh, keep: settings.updateWeight)
        } else {
            return nil
        }
        previousScores = result
        keep(guide)
        return result
    }

    /// The labels of the next frame: the model's when it ran on the frame, else the previous
    /// frame's moved along the motion (nil when there is none).
    public func next(inferred: LabelMap?, guide: [Float], motion known: MotionField? = nil) -> LabelMap? {
        var result: LabelMap
        if let inferred {
            result = inferred
        } else if let earlier = previousLabels, let field = known ?? motion(to: guide) {
            result = warpLabels(earlier, along: field)
        } else {
            return nil
        }
        previousLabels = result
        keep(guide)
        return result
    }

    /// The motion from the previous frame's guide to `guide`; keeps `guide`'s pyramid for the next frame.
    private func motion(to guide: [Float]) -> MotionField? {
        guard let previousGuide else { return nil }
        let matcher = settings.matcher
        let previous = previousPyramid ?? matcher.pyramid(of: previousGuide, width: guideWidth, height: guideHeight)
        let current = matcher.pyramid(of: guide, width: guideWidth, height: guideHeight)
        currentPyramid = current
        return matcher.motion(from: previous, to: current)
    }

    /// Makes `guide` the previous frame's, with its pyramid when `motion(to:)` built it (else it
    /// is built when needed).
    private func keep(_ guide: [Float]) {
        (previousGuide, previousPyramid, currentPyramid) = (guide, currentPyramid, nil)
    }

    /// `scores` moved along `field`; with `fresh` scores, `keep` x fresh + (1 - `keep`) x moved.
    private func carry(_ scores: ClassScores, along field: MotionField, blendingWith fresh: ClassScores?, keep: Float) -> ClassScores {
        let count = scores.classes * scores.width * scores.height
        let values = [Float](unsafeUninitializedCapacity: count) { output, initialized in
            scores.withUnsafeBufferPointer { earlier in
                func warp(_ freshValues: UnsafeBufferPointer<Float>?) {
                    warpScores(earlier, classes: scores.classes, width: scores.width, height: scores.height, along: field,
                               blendingWith: freshValues, keep: keep, into: output)
                }
                if let fresh { fresh.withUnsafeBufferPointer(warp) } else { warp(nil) }
            }
            initialized = count
        }
        var carried = ClassScores(storage: values, offset: 0, classes: scores.classes, width: scores.width, height: scores.height)
        carried.alignsCorners = scores.alignsCorners
        return carried
    }
}

extension ClassScores {
    /// Whether `other` has the same classes and size.
    func matches(_ other: ClassScores) -> Bool {
        classes == other.classes && width == other.width && height == other.height
    }
}
