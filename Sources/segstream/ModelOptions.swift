import ArgumentParser
import Pipeline
import Segmentation

/// Which segmentation model to run and how.
///
/// `--batch` 2 and `--threads` = all cores are measured defaults (see BENCHMARKS.md, "End to end"):
/// on 2 cores no other batch size or thread count was faster beyond the run-to-run noise.
struct ModelOptions: ParsableArguments {
    @Option(help: "ONNX segmentation model (default: the bundled road-scene demo model).")
    var model: String?

    @Option(help: "Model input size HxW, for models whose size is not fixed (default: from the model).")
    var size: String?

    @Option(help: "Frames per inference call.")
    var batch = 2

    @Option(help: "Inference threads (default: all cores).")
    var threads: Int?

    @Flag(help: "Refine labels at the picture's edges (CRF-style, guided by the frame; see the refine stage).")
    var refine = false

    @Flag(help: "Steady labels over time: blend each frame's class scores with the previous frame's, moved along the motion (see the temporal stage).")
    var smooth = false

    @Option(help: "Run the model on one frame in N and carry the labels to the others along the motion (see the temporal stage).")
    var keyframeInterval = 1

    /// preprocess → infer (→ temporal) (→ refine): the stages these options describe.
    var stages: [StageSpec] {
        var temporal = TemporalAggregation()
        temporal.keyframes.interval = keyframeInterval
        if !smooth { temporal.blend = 1 }
        return [.preprocess, .infer(batch: batch, threads: threads)] + (smooth || keyframeInterval > 1 ? [.temporal(temporal)] : [])
            + (refine ? [.refine(EdgeRefinement())] : [])
    }

    func validate() throws {
        if let size, SegmentationModel.parseSize(size) == nil { throw ValidationError("--size must look like 512x1024 (HxW)") }
        guard batch > 0 else { throw ValidationError("--batch must be at least 1") }
        guard (1...100).contains(keyframeInterval) else { throw ValidationError("--keyframe-interval must be between 1 and 100") }
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1") }
    }
}
