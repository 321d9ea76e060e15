import Dispatch

/// Runs an `EdgeRefinement` frame after frame, keeping its buffers between frames.
///
/// Full-resolution planes are never stored: one pass over the logits, a row at a time, adds the
/// upsampled messages and either block-averages the softmax into the low-resolution
/// probability planes or takes the arg max; only those planes and the coefficients live at
/// 1/`subsampling` resolution.
public final class EdgeRefiner {
    public let settings: EdgeRefinement
    private let threads: Int
    private var lowProbabilities: [Float] = []
    private var meanA: [Float] = []
    private var meanB: [Float] = []
    /// One per thread, for filters of `workspacePlane` pixels.
    private var workspaces: [GuidedFilter.Workspace] = []
    private var workspacePlane = 0

    /// - Parameter threads: rows and classes worked on at once.
    public init(_ settings: EdgeRefinement, threads: Int) {
        self.settings = settings
        self.threads = max(1, threads)
    }

    /// Refined labels for `scores` (`classes x height x width` logits).
    /// - Parameter guide: the picture at the scores' size, gray 0–1.
    public func labels(scores: UnsafeBufferPointer<Float>, classes: Int, width: Int, height: Int, guide: [Float]) -> LabelMap {
        precondition(scores.count == classes * width * height && guide.count == width * height,
                     "scores or guide do not match \(classes)x\(height)x\(width)")
        let s = settings.subsampling
        let geometry = Geometry(classes: classes, width: width, height: height, factor: s)
        let lowPlane = geometry.lowWidth * geometry.lowHeight
        for buffer in [\EdgeRefiner.lowProbabilities, \.meanA, \.meanB] where self[keyPath: buffer].count < classes * lowPlane {
            self[keyPath: buffer] = [Float](repeating: 0, count: classes * lowPlane)
        }
        let filter = GuidedFilter(guide: areaDownsample(guide, width: width, height: height, factor: s),
                                  width: geometry.lowWidth, height: geometry.lowHeight,
                                  radius: max(1, settings.radius / s), epsilon: settings.epsilon)
        if workspacePlane != lowPlane {
            workspaces = (0..<threads).map { _ in filter.makeWorkspace() }
            workspacePlane = lowPlane
        }
        var active: [Bool]? = nil
        var labels = [UInt8](repeating: 0, count: width * height)
        lowProbabilities.withUnsafeMutableBufferPointer { lowProbabilities in
            meanA.withUnsafeMutableBufferPointer { meanA in
                meanB.withUnsafeMutableBufferPointer { meanB in
                    guide.withUnsafeBufferPointer { guide in
                        labels.withUnsafeMutableBufferPointer { labels in
                            var pass = RowPass(geometry: geometry, scores: scores.baseAddress!, guide: guide.baseAddress!,
                                               weight: settings.weight, meanA: meanA.baseAddress!, meanB: meanB.baseAddress!,
                                               lowProbabilities: lowProbabilities.baseAddress!, labels: labels.baseAddress!)
                            for _ in 0..<settings.iterations {
                                pass.active = active
                                let reached = pass.run(threads: threads, softmax: true)
                                let now = reached.map { $0 >= EdgeRefinement.inactiveProbability }
                                filterClasses(now, filter: filter, lowPlane: lowPlane, probabilities: lowProbabilities.baseAddress!,
                                              a: meanA.baseAddress!, b: meanB.baseAddress!)
                                active = now
                            }
                            pass.active = active
                            _ = pass.run(threads: threads, softmax: false)
                        }
                    }
                }
            }
        }
        return LabelMap(width: width, height: height, pixels: labels)
    }

    /// The guided-filter coefficients of each active class's low-resolution probabilities.
    private func filterClasses(_ active: [Bool], filter: GuidedFilter, lowPlane: Int, probabilities: UnsafeMutablePointer<Float>,
                               a: UnsafeMutablePointer<Float>, b: UnsafeMutablePointer<Float>) {
        let classes = active.indices.filter { active[$0] }
        let workers = max(1, min(threads, classes.count))
        let workspaces = self.workspaces
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            let workspace = workspaces[worker]
            for c in stride(from: worker, to: classes.count, by: workers).map({ classes[$0] }) {
                filter.coefficients(of: probabilities + c * lowPlane, a: a + c * lowPlane, b: b + c * lowPlane, workspace: workspace)
            }
        }
    }
}

/// Sizes of one refinement: the score planes and their 1/`factor` versions, with the bilinear
/// taps from one to the other.
struct Geometry {
    let classes, width, height, factor, lowWidth, lowHeight: Int
    /// Row length of the per-row class buffers, a multiple of 16 floats.
    let paddedWidth: Int
    /// Column taps as three arrays (the C row kernel's form): first, second, weight.
    let columnFirst: [Int32]
    let columnSecond: [Int32]
    let columnWeight: [Float]
    let rowTaps: [BilinearTap]

    init(classes: Int, width: Int, height: Int, factor: Int) {
        (self.classes, self.width, self.height, self.factor) = (classes, width, height, factor)
        lowWidth = (width + factor - 1) / factor
        lowHeight = (height + factor - 1) / factor
        paddedWidth = (width + 15) / 16 * 16
        let columns = BilinearTap.taps(count: width, sourceCount: lowWidth, scale: 1 / Float(factor))
        columnFirst = columns.map { Int32($0.first) }
        columnSecond = columns.map { Int32($0.second) }
        columnWeight = columns.map(\.weight)
        rowTaps = BilinearTap.taps(count: height, sourceCount: lowHeight, scale: 1 / Float(factor))
    }
}
