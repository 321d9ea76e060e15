/// Accumulates segmentation quality over a sequence of frames: per-class IoU, mIoU, pixel
/// accuracy, boundary F-score and temporal flicker.
///
/// Truth pixels labelled `LabelSet.ignore` are not counted anywhere.
public struct SegmentationEvaluator: Sendable {
    public private(set) var confusion: ConfusionMatrix
    public private(set) var frames = 0
    /// Boundary match tolerance as a share of the image diagonal (0.0075, as DAVIS uses).
    public var boundaryTolerance = 0.0075
    private var predictedEdges = 0, matchedPredictedEdges = 0, truthEdges = 0, matchedTruthEdges = 0
    private var stablePixels = 0, flickeringPixels = 0
    private var previous: (truth: LabelMap, predicted: LabelMap)?

    public init(classes: Int) { confusion = ConfusionMatrix(classes: classes) }

    /// Adds the next frame; `truth` and `predicted` must have the same size.
    public mutating func add(truth: LabelMap, predicted: LabelMap) {
        precondition(truth.width == predicted.width && truth.height == predicted.height, "label maps differ in size")
        confusion.add(truth: truth.pixels, predicted: predicted.pixels)
        addBoundaries(truth: truth, predicted: predicted)
        if let previous, previous.truth.width == truth.width, previous.truth.height == truth.height {
            for i in truth.pixels.indices {
                let t = truth.pixels[i]
                guard t != LabelSet.ignore, t == previous.truth.pixels[i] else { continue }
                stablePixels += 1
                if predicted.pixels[i] != previous.predicted.pixels[i] { flickeringPixels += 1 }
            }
        }
        previous = (truth, predicted)
        frames += 1
    }

    private mutating func addBoundaries(truth: LabelMap, predicted: LabelMap) {
        let width = truth.width, height = truth.height
        let diagonal = Double(width * width + height * height).squareRoot()
        let radius = max(1, Int((boundaryTolerance * diagonal).rounded()))
        let truthEdge = truth.boundary()
        var predictedEdge = predicted.boundary()
        for i in predictedEdge.indices where truth.pixels[i] == LabelSet.ignore { predictedEdge[i] = false }
        let nearTruth = dilate(truthEdge, width: width, height: height, radius: radius)
        let nearPredicted = dilate(predictedEdge, width: width, height: height, radius: radius)
        for i in truthEdge.indices {
            if predictedEdge[i] {
                predictedEdges += 1
                if nearTruth[i] { matchedPredictedEdges += 1 }
            }
            if truthEdge[i] {
                truthEdges += 1
                if nearPredicted[i] { matchedTruthEdges += 1 }
            }
        }
    }

    /// Boundary F-score: harmonic mean of boundary precision and recall over all frames.
    public var boundaryF: Double {
        let precision = predictedEdges == 0 ? 1 : Double(matchedPredictedEdges) / Double(predictedEdges)
        let recall = truthEdges == 0 ? 1 : Double(matchedTruthEdges) / Double(truthEdges)
        return precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall)
    }

    /// Share of pixels whose truth is unchanged from the previous frame but whose predicted label
    /// changed (lower is steadier).
    public var temporalFlicker: Double {
        stablePixels == 0 ? 0 : Double(flickeringPixels) / Double(stablePixels)
    }
}
