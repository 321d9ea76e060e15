import Segmentation
import VideoIO

/// Compares a predicted label video with a ground-truth one, frame by frame.
public enum LabelVideoEvaluation {
    /// Reads both label videos (gray8, pixel value = class id) and accumulates the metrics.
    /// - Throws: `PipelineError` when either is not a gray8 video, or their frame counts, sizes or
    ///   timestamps differ; `VideoIOError` when either cannot be read.
    public static func evaluate(truth: String, predicted: String, classes: Int) throws -> SegmentationEvaluator {
        var options = ReaderOptions()
        options.includeAudio = false
        let truthReader = try VideoReader(url: truth, options: options)
        let predictedReader = try VideoReader(url: predicted, options: options)
        var evaluator = SegmentationEvaluator(classes: classes)
        while true {
            let a = try nextLabels(truthReader), b = try nextLabels(predictedReader)
            guard let a, let b else {
                if a != nil || b != nil {
                    throw PipelineError("\(a == nil ? truth : predicted) has fewer frames than \(a == nil ? predicted : truth) (\(evaluator.frames) vs more); they must cover the same frames")
                }
                break
            }
            if abs(a.seconds - b.seconds) > 0.002 {
                throw PipelineError("frame \(evaluator.frames): \(truth) is at \(a.seconds) s but \(predicted) at \(b.seconds) s; the label videos are not aligned")
            }
            guard a.labels.width == b.labels.width, a.labels.height == b.labels.height else {
                throw PipelineError("frame \(evaluator.frames): \(truth) is \(a.labels.width)x\(a.labels.height) but \(predicted) is \(b.labels.width)x\(b.labels.height)")
            }
            evaluator.add(truth: a.labels, predicted: b.labels)
        }
        if let damage = truthReader.damage ?? predictedReader.damage { throw PipelineError("a label video is damaged: \(damage)") }
        guard evaluator.frames > 0 else { throw PipelineError("\(truth): no frames to evaluate") }
        return evaluator
    }

    private static func nextLabels(_ reader: VideoReader) throws -> (labels: LabelMap, seconds: Double)? {
        while let item = try reader.next() {
            guard case .video(let frame) = item else { continue }
            guard let pixels = frame.grayPixels() else {
                throw PipelineError("\(reader.info.displayURL) is not a label video: its pixels are \(frame.pixelFormat), expected gray (8-bit class ids)")
            }
            return (LabelMap(width: frame.width, height: frame.height, pixels: pixels), frame.seconds)
        }
        return nil
    }
}
