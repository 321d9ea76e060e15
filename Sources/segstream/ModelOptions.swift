import ArgumentParser
import Inference
import Pipeline
import Segmentation

/// Which segmentation model to run and how.
///
/// `--batch` 2 and `--threads` = all cores are measured defaults (see BENCHMARKS.md, "Defaults"):
/// on 2 cores no other batch size or thread count was faster beyond the run-to-run noise.
struct ModelOptions: ParsableArguments {
    @Option(help: "ONNX segmentation model (default: the bundled road-scene demo model).")
    var model: String?

    @Option(help: "Model input size HxW, for models whose size is not fixed (default: from the model).", transform: { text in
        guard let size = ModelSize(text) else { throw ValidationError("--size \(ModelSize.expected)") }
        return size
    })
    var size: ModelSize?

    @Option(help: "Frames per inference call.")
    var batch = InferSpec().batch

    @Option(help: "Inference threads (default: all cores; one fewer with temporal options, which leaves a core to them).")
    var threads: Int?

    @Flag(help: "Refine labels at the picture's edges (CRF-style, guided by the frame; see the refine stage).")
    var refine = false

    @Flag(help: "Steady labels over time: blend each frame's class scores with the previous frame's, moved along the motion (see the temporal stage).")
    var smooth = false

    @Option(help: "Run the model on one frame in N, or 'auto' (as often as the picture changes, at most 4 apart), and carry the labels to the others along the motion (see the temporal stage).")
    var keyframeInterval = KeyframeInterval.every(1)

    private var infer: InferSpec { InferSpec(batch: batch, threads: threads) }

    private var temporal: TemporalSpec {
        var temporal = TemporalSpec()
        switch keyframeInterval {
        case .every(let n): temporal.settings.keyframes.interval = n
        case .auto: temporal.settings.keyframes = .auto
        }
        if !smooth { temporal.settings.blend = 1 }
        return temporal
    }

    /// preprocess → infer (→ temporal) (→ refine): the stages these options describe.
    var stages: [any StageSpec] {
        [PreprocessSpec(), infer] + (smooth || keyframeInterval != .every(1) ? [temporal] : []) + (refine ? [RefineSpec()] : [])
    }

    func validate() throws {
        try infer.validate(flags: ["batch": "--batch", "threads": "--threads"])
        try temporal.validate(flags: ["interval": "--keyframe-interval"])
    }
}

/// `--keyframe-interval`: a whole number, or `auto`.
enum KeyframeInterval: Equatable, ExpressibleByArgument {
    case every(Int)
    case auto

    init?(argument: String) {
        if argument == "auto" {
            self = .auto
        } else if let n = Int(argument) {
            self = .every(n)
        } else {
            return nil
        }
    }
}
