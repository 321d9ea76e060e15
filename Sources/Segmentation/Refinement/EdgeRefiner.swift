import CSegmentationKernels
import Dispatch

/// Runs an `EdgeRefinement` frame after frame, keeping its buffers between frames.
///
/// The mean-field iterations run on the filter's grid (the scores block-averaged by the plan's
/// factor), where the probabilities, the guide and the guided-filter coefficients all live. The
/// labels are then decided at the output size by `LabelUpsampler` from the logits plus the
/// coefficients' terms, brought up row by row with the full-size guide, so no full-size plane
/// per class is written.
public final class EdgeRefiner {
    public let settings: EdgeRefinement
    private let threads: Int
    private let upsampler: LabelUpsampler
    /// Per class on the filter grid: block-averaged logits, then probabilities; coefficients.
    private var gridValues: [Float] = []
    private var meanA: [Float] = []
    private var meanB: [Float] = []
    /// Per class at the scores' resolution: logits + weight * B, and weight * A.
    private var offsets: [Float] = []
    private var slopes: [Float] = []
    /// One per thread, for filters of `workspacePlane` pixels.
    private var workspaces: [GuidedFilter.Workspace] = []
    private var workspacePlane = 0

    /// - Parameter threads: classes and rows worked on at once.
    public init(_ settings: EdgeRefinement, threads: Int) {
        self.settings = settings
        self.threads = max(1, threads)
        upsampler = LabelUpsampler(threads: threads)
    }

    /// Refined labels at `width x height` for `scores` (logits at their own resolution, at most
    /// the output's).
    /// - Parameter guide: the picture in gray (0–1) at `width x height`.
    public func labels(_ scores: ClassScores, guide: [Float], width: Int, height: Int) -> LabelMap {
        precondition(guide.count == width * height && scores.width <= width && scores.height <= height,
                     "guide does not match \(width)x\(height), or scores are larger")
        let plan = settings.plan(scoreWidth: scores.width, outputWidth: width)
        let geometry = Geometry(classes: scores.classes, width: scores.width, height: scores.height, factor: plan.factor)
        let gridPlane = geometry.lowWidth * geometry.lowHeight, scorePlane = scores.width * scores.height
        for buffer in [\EdgeRefiner.gridValues, \.meanA, \.meanB] where self[keyPath: buffer].count < scores.classes * gridPlane {
            self[keyPath: buffer] = [Float](repeating: 0, count: scores.classes * gridPlane)
        }
        for buffer in [\EdgeRefiner.offsets, \.slopes] where self[keyPath: buffer].count < scores.classes * scorePlane {
            self[keyPath: buffer] = [Float](repeating: 0, count: scores.classes * scorePlane)
        }
        let scoreGuide = bilinearResize(guide, width: width, height: height, toWidth: scores.width, height: scores.height)
        let filter = GuidedFilter(guide: areaDownsample(scoreGuide, width: scores.width, height: scores.height, factor: plan.factor),
                                  width: geometry.lowWidth, height: geometry.lowHeight, radius: plan.radius, epsilon: settings.epsilon)
        if workspacePlane != gridPlane {
            workspaces = (0..<threads).map { _ in filter.makeWorkspace() }
            workspacePlane = gridPlane
        }
        return scores.withUnsafeBufferPointer { scoreValues in
            gridValues.withUnsafeMutableBufferPointer { gridValues in
                meanA.withUnsafeMutableBufferPointer { meanA in
                    meanB.withUnsafeMutableBufferPointer { meanB in
                        let (a, b) = (meanA.baseAddress!, meanB.baseAddress!)
                        let gridLogits = [Float](unsafeUninitializedCapacity: scores.classes * gridPlane) { logits, count in
                            blockAverage(scoreValues.baseAddress!, geometry, into: logits.baseAddress!)
                            count = scores.classes * gridPlane
                        }
                        var active = [Bool](repeating: false, count: scores.classes)
                        for _ in 0..<settings.iterations {
                            let probabilities = gridValues.baseAddress!
                            for c in 0..<scores.classes {
                                let target = probabilities + c * gridPlane
                                gridLogits.withUnsafeBufferPointer { target.update(from: $0.baseAddress! + c * gridPlane, count: gridPlane) }
                                guard active[c] else { continue }
                                let (ca, cb, weight) = (a + c * gridPlane, b + c * gridPlane, settings.weight)
                                filter.guide.withUnsafeBufferPointer { guide in
                                    for i in 0..<gridPlane { target[i] += weight * (ca[i] * guide[i] + cb[i]) }
                                }
                            }
                            ss_softmax_columns(probabilities, Int64(scores.classes), Int64(gridPlane), Int64(gridPlane))
                            active = (0..<scores.classes).map { c in
                                UnsafeBufferPointer(start: probabilities + c * gridPlane, count: gridPlane).max()! >= EdgeRefinement.inactiveProbability
                            }
                            filterClasses(active, filter: filter, gridPlane: gridPlane, probabilities: probabilities, a: a, b: b)
                        }
                        return offsets.withUnsafeMutableBufferPointer { offsets in
                            slopes.withUnsafeMutableBufferPointer { slopes in
                                upsampler.withLeads(plane: scorePlane) { leads in
                                    decisionTerms(geometry, present: active, scores: scoreValues.baseAddress!, a: a, b: b,
                                                  offsets: offsets.baseAddress!, slopes: slopes.baseAddress!, leads: leads)
                                    return guide.withUnsafeBufferPointer { guide in
                                        upsampler.labels(offsets.baseAddress!, slopes: .init(planes: slopes.baseAddress!, present: active,
                                                                                             guide: guide.baseAddress!),
                                                         leads: leads, classes: scores.classes, sourceWidth: scores.width,
                                                         sourceHeight: scores.height, alignsCorners: scores.alignsCorners,
                                                         width: width, height: height)
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// Each class's logits block-averaged onto the filter grid.
    private func blockAverage(_ scores: UnsafePointer<Float>, _ g: Geometry, into grid: UnsafeMutablePointer<Float>) {
        let plane = g.width * g.height, gridPlane = g.lowWidth * g.lowHeight, workers = min(threads, g.classes)
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            for c in stride(from: worker, to: g.classes, by: workers) {
                let target = grid + c * gridPlane
                target.update(repeating: 0, count: gridPlane)
                for lowRow in 0..<g.lowHeight {
                    let rows = (lowRow * g.factor)..<min(g.height, (lowRow + 1) * g.factor), low = target + lowRow * g.lowWidth
                    for y in rows { ss_add_block_sums(scores + c * plane + y * g.width, Int64(g.width), Int64(g.factor), low) }
                    for x in 0..<g.lowWidth { low[x] /= Float(rows.count * (min(g.width, (x + 1) * g.factor) - x * g.factor)) }
                }
            }
        }
    }

    /// What the labels are decided on, at the scores' resolution, row by row: per class,
    /// `offsets` = logits + weight * B and `slopes` = weight * A (coefficients brought up from
    /// the filter's grid; classes not `present` get the logits alone), and each pixel's leading
    /// class while the row is in cache.
    private func decisionTerms(_ g: Geometry, present: [Bool], scores: UnsafePointer<Float>, a: UnsafePointer<Float>,
                               b: UnsafePointer<Float>, offsets: UnsafeMutablePointer<Float>, slopes: UnsafeMutablePointer<Float>,
                               leads: LabelUpsampler.Leads) {
        let plane = g.width * g.height, gridPlane = g.lowWidth * g.lowHeight, weight = settings.weight
        let workers = min(threads, g.height), hasSlope = present.map { UInt8($0 ? 1 : 0) }
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            let row = UnsafeMutablePointer<Float>.allocate(capacity: g.width + g.lowWidth)
            defer { row.deallocate() }
            for y in (g.height * worker / workers)..<(g.height * (worker + 1) / workers) {
                let tap = g.rowTaps[y]
                for c in 0..<g.classes {
                    let offsetRow = offsets + c * plane + y * g.width, slopeRow = slopes + c * plane + y * g.width
                    let scoreRow = scores + c * plane + y * g.width
                    guard present[c] else {
                        offsetRow.update(from: scoreRow, count: g.width)
                        continue
                    }
                    let low = (a: a + c * gridPlane, b: b + c * gridPlane)
                    ss_upsample_row(low.b + tap.first * g.lowWidth, low.b + tap.second * g.lowWidth, tap.weight, Int64(g.lowWidth),
                                    g.columns.first, g.columns.second, g.columns.weight, Int64(g.width), row + g.width, row)
                    for x in 0..<g.width { offsetRow[x] = scoreRow[x] + weight * row[x] }
                    ss_upsample_row(low.a + tap.first * g.lowWidth, low.a + tap.second * g.lowWidth, tap.weight, Int64(g.lowWidth),
                                    g.columns.first, g.columns.second, g.columns.weight, Int64(g.width), row + g.width, row)
                    for x in 0..<g.width { slopeRow[x] = weight * row[x] }
                }
                ss_lead_classes(offsets + y * g.width, slopes + y * g.width, hasSlope, Int64(g.classes), Int64(plane), Int64(g.width),
                                leads.lead + y * g.width, leads.clearance + y * g.width)
            }
        }
    }

    /// The guided-filter coefficients of each active class's probabilities.
    private func filterClasses(_ active: [Bool], filter: GuidedFilter, gridPlane: Int, probabilities: UnsafeMutablePointer<Float>,
                               a: UnsafeMutablePointer<Float>, b: UnsafeMutablePointer<Float>) {
        let classes = active.indices.filter { active[$0] }
        let workers = max(1, min(threads, classes.count))
        let workspaces = self.workspaces
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            let workspace = workspaces[worker]
            for c in stride(from: worker, to: classes.count, by: workers).map({ classes[$0] }) {
                filter.coefficients(of: probabilities + c * gridPlane, a: a + c * gridPlane, b: b + c * gridPlane, workspace: workspace)
            }
        }
    }
}

/// Sizes of one refinement: the score planes and the filter grid (1/`factor` of them), with
/// the bilinear taps from the grid to the scores.
struct Geometry {
    let classes, width, height, factor, lowWidth, lowHeight: Int
    /// Taps from the grid's columns and rows to the scores'.
    let columns: ColumnTaps
    let rowTaps: [BilinearTap]

    init(classes: Int, width: Int, height: Int, factor: Int) {
        (self.classes, self.width, self.height, self.factor) = (classes, width, height, factor)
        lowWidth = (width + factor - 1) / factor
        lowHeight = (height + factor - 1) / factor
        columns = ColumnTaps(BilinearTap.taps(count: width, sourceCount: lowWidth, scale: 1 / Float(factor)))
        rowTaps = BilinearTap.taps(count: height, sourceCount: lowHeight, scale: 1 / Float(factor))
    }
}
