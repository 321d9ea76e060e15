import Foundation
import Inference
import Segmentation

/// Temporal keyframe aggregation (see `TemporalAggregator`): frames the model skipped get the
/// previous frame's scores moved along the motion between the two pictures (block matching on
/// the gray guides); keyframes may blend their scores with those carried ones.
///
/// Takes: `.frame` with `guide`, and `scores` (or, when nothing needs scores, `labels`) on
/// frames the model ran on (set by `preprocess` with the stage's keyframe policy, and by
/// `infer`). Gives: `scores` when a `refine` stage follows, else `labels` at picture size (the
/// carried scores brought up bilinearly, as the model's own final Resize would). A
/// frame with nothing to carry from (a live queue dropped every keyframe before it) gets every
/// pixel unlabelled (255).
///
/// ```yaml
/// - temporal:
///     interval: 1        # run the model on one frame in N (or auto); carry scores to the others
///     # with interval: auto, a keyframe once the picture changed `change` (0.03) since the
///     # last one, at most `max_interval` (4) frames apart
///     scene_cut: 0.15    # also on a frame this different (mean gray difference) from the last
///     blend: 0.7         # weight of a keyframe's own scores against the carried ones (1: none)
///     update: 0.5        # between keyframes, run the model at this scale of its input (0: never)
///     update_weight: 0.3 # weight of those scores against the carried ones
///     motion: search     # or codec: the decoder's motion vectors where it has them
///     search: 24         # motion search radius, model input pixels
///     block: 32          # motion block size, model input pixels
/// ```
public final class TemporalStage: Stage {
    public let name = "temporal"
    private let aggregator: TemporalAggregator
    private let carriesScores: Bool
    private let givesScores: Bool
    private let keepsGuide: Bool
    private let upsampler: LabelUpsampler
    private var inferredFrames = 0, carriedFrames = 0
    /// Frames after the first whose motion came from codec vectors, and those that fell back
    /// to block matching (intra frames, codecs without vectors), with `motion: codec`.
    private var codecMotionFrames = 0, blockMatchedFrames = 0

    /// - Parameters:
    ///   - guideWidth, guideHeight: the guide's size (the model's input size).
    ///   - carriesScores: carry class scores (needed to blend keyframes, and by `refine`);
    ///     otherwise label maps at picture size are carried.
    ///   - givesScores: give scores (a `refine` stage follows) instead of labels.
    ///   - keepsGuide: leave each frame's guide for a later stage.
    public init(_ settings: TemporalAggregation, guideWidth: Int, guideHeight: Int, carriesScores: Bool, givesScores: Bool,
                keepsGuide: Bool) {
        precondition(carriesScores || !givesScores, "scores are given only when carried")
        aggregator = TemporalAggregator(settings, guideWidth: guideWidth, guideHeight: guideHeight)
        self.carriesScores = carriesScores
        self.givesScores = givesScores
        self.keepsGuide = keepsGuide
        upsampler = LabelUpsampler(threads: ProcessInfo.processInfo.activeProcessorCount)
    }

    public func process(_ item: PipelineItem, emit: (PipelineItem) throws -> Void) throws {
        if case .frame(let frame) = item {
            guard let guide = frame.guide else { preconditionFailure("'temporal' takes the guide (its contract)") }
            if frame.inferred { inferredFrames += 1 } else { carriedFrames += 1 }
            if carriesScores {
                if frame.inferred && frame.scores == nil {
                    throw PipelineError("'temporal' with blend or refine needs a model that outputs class scores; this model outputs class ids")
                }
                let update = frame.updateScores
                frame.updateScores = nil
                if let scores = aggregator.next(inferred: frame.inferred ? frame.scores : nil, update: update, restart: frame.sceneCut,
                                                guide: guide, motion: codecMotion(frame)) {
                    if givesScores {
                        frame.scores = scores
                    } else {
                        frame.labels = upsampler.labels(scores, width: frame.picture.width, height: frame.picture.height)
                        frame.scores = nil
                    }
                } else {
                    frame.labels = unknown(frame)
                }
            } else {
                frame.labels = aggregator.next(inferred: frame.inferred ? frame.labels : nil, guide: guide, motion: codecMotion(frame))
                    ?? unknown(frame)
            }
            if !keepsGuide { frame.guide = nil }
        }
        try emit(item)
    }

    /// Model runs and carried frames; with `motion: codec`, how often block matching stood in.
    public var notes: [String] {
        var line = "temporal: \(inferredFrames) frame(s) inferred, \(carriedFrames) carried from keyframes"
        if aggregator.settings.codecMotion {
            line += "; motion from codec vectors on \(codecMotionFrames), block matching on \(blockMatchedFrames)"
        }
        return [line]
    }

    /// The frame's motion from its codec's vectors, when asked for and exported; nil (block
    /// matching) otherwise.
    private func codecMotion(_ frame: FrameItem) -> MotionField? {
        guard aggregator.settings.codecMotion else { return nil }
        let field = frame.picture.motionVectors.flatMap {
            MotionField(codecVectors: $0, width: frame.picture.width, height: frame.picture.height)
        }
        if frame.picture.index > 0 {
            if field != nil { codecMotionFrames += 1 } else { blockMatchedFrames += 1 }
        }
        return field
    }

    /// Labels for a frame with nothing to carry from (its keyframe was dropped by a live queue):
    /// every pixel unlabelled.
    private func unknown(_ frame: FrameItem) -> LabelMap {
        LabelMap(width: frame.picture.width, height: frame.picture.height,
                 pixels: [UInt8](repeating: LabelSet.ignore, count: frame.picture.width * frame.picture.height))
    }
}

/// `temporal`: the keyframe policy, the keyframe blend and the motion search.
public struct TemporalSpec: FileStageSpec {
    public static let name = "temporal"
    static let keys = ["interval", "max_interval", "change", "scene_cut", "blend", "update", "update_weight", "motion", "search", "block"]
    public var settings = TemporalAggregation()

    public init(_ settings: TemporalAggregation = TemporalAggregation()) { self.settings = settings }

    mutating func read(_ options: Fields) throws {
        if try options.string("interval") == "auto" {
            settings.keyframes = .auto
            settings.keyframes.interval = try options.int("max_interval") ?? settings.keyframes.interval
        } else {
            if options.value("max_interval") != nil { throw options.invalid("max_interval", "needs 'interval: auto'") }
            settings.keyframes.interval = try options.int("interval") ?? settings.keyframes.interval
        }
        settings.keyframes.change = try options.double("change").map(Float.init) ?? settings.keyframes.change
        settings.keyframes.sceneCut = try options.double("scene_cut").map(Float.init) ?? settings.keyframes.sceneCut
        settings.blend = try options.double("blend").map(Float.init) ?? settings.blend
        settings.update = try options.double("update").map(Float.init) ?? settings.update
        settings.updateWeight = try options.double("update_weight").map(Float.init) ?? settings.updateWeight
        if let motion = try options.string("motion") {
            guard ["codec", "search"].contains(motion) else { throw options.invalid("motion", "must be codec or search") }
            settings.codecMotion = motion == "codec"
        }
        settings.matcher.searchRadius = try options.int("search") ?? settings.matcher.searchRadius
        settings.matcher.blockSize = try options.int("block") ?? settings.matcher.blockSize
    }

    /// Whether the model runs at a reduced size between keyframes.
    var updates: Bool { settings.update > 0 && settings.keyframes.interval > 1 }

    /// The reduced size of `model`'s runs between keyframes, when they happen: not for models
    /// that give class ids or do not run at that size (a fixed input size).
    func updateSize(_ model: SegmentationModel) -> ModelSize? {
        guard updates, !model.outputsClassIDs else { return nil }
        let size = model.reducedSize(scale: settings.update)
        return model.runs(at: size) ? size : nil
    }

    public func validate() throws(OptionError) {
        try OptionError.check("interval", settings.keyframes.interval, in: 1...100)
        try OptionError.check("change", Double(settings.keyframes.change), in: 0...1)
        try OptionError.check("update", Double(settings.update), in: 0...1)
        try OptionError.check("update_weight", Double(settings.updateWeight), in: 0...1)
        try OptionError.check("scene_cut", Double(settings.keyframes.sceneCut), in: 0...1)
        try OptionError.check("blend", Double(settings.blend), in: 0...1)
        try OptionError.check("search", settings.matcher.searchRadius, in: 0...128)
        try OptionError.check("block", settings.matcher.blockSize, in: 4...256)
    }

    /// Carries scores when it blends keyframes or gives scores (a later stage takes them),
    /// else labels.
    public func contract(later: Set<FrameField>) -> StageContract {
        let gives: FrameField = later.contains(.scores) ? .scores : .labels
        let carries: FrameField = gives == .scores || settings.blend < 1 || updates ? .scores : .labels
        return StageContract(takes: [.guide, carries], gives: [gives], follows: [InferSpec.name])
    }

    public func make(_ context: StageContext, contract: StageContract) throws -> Stage {
        let model = try context.segmentationModel()
        let needsScores = settings.blend < 1 || contract.gives.contains(.scores)
        if model.outputsClassIDs && needsScores {
            throw PipelineError("'temporal' with blend or refine needs a model that outputs class scores; this model outputs class ids")
        }
        // A model that gives class ids has its labels carried, without updates.
        return TemporalStage(settings, guideWidth: model.inputWidth, guideHeight: model.inputHeight,
                             carriesScores: contract.takes.contains(.scores) && !model.outputsClassIDs,
                             givesScores: contract.gives.contains(.scores), keepsGuide: contract.later.contains(.guide))
    }
}
