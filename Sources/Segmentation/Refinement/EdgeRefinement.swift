import Foundation

/// CRF-style edge refinement of one image's class scores: mean-field iterations of a dense CRF
/// with a Potts pairwise term, where the message each class receives is its probability map
/// smoothed by an edge-aware filter — a guided filter with the picture as guide, standing in for
/// the bilateral kernel of a fully connected CRF. Labels move to the picture's edges: a class
/// gains pixels its neighbours on the same side of an edge hold, and loses them across it.
///
/// Each iteration: probabilities = softmax(logits + weight * messages) (messages start at 0),
/// block-averaged to 1/`subsampling` resolution; each class's guided-filter coefficients are
/// computed there (against the block-averaged guide) and upsampled bilinearly, so the message
/// is `a * guide + b` at full resolution (He and Sun's fast guided filter). The labels are the
/// arg max of logits + weight * messages.
public struct EdgeRefinement: Sendable, Equatable {
    /// Window radius of the guided filter, in score pixels.
    public var radius = 8
    /// Guided filter regularisation (guide values 0–1): edges with a variance well above it stop
    /// the smoothing.
    public var epsilon: Float = 1e-3
    /// Weight of the pairwise term against the model's logits.
    public var weight: Float = 6
    /// Mean-field iterations.
    public var iterations = 1
    /// The guided filter's resolution divisor (1: full resolution).
    public var subsampling = 2

    public init() {}

    /// Classes whose block-averaged probability stays below this everywhere get no message.
    static let inactiveProbability: Float = 0.01

    /// Refined labels from plain full-resolution planes, the test oracle for `EdgeRefiner`.
    /// - Parameters:
    ///   - scores: `classes x height x width` logits.
    ///   - guide: the picture at the scores' size, gray 0–1.
    public func reference(scores: [Float], classes: Int, width: Int, height: Int, guide: [Float]) -> LabelMap {
        let plane = width * height, s = subsampling
        let (lowWidth, lowHeight) = ((width + s - 1) / s, (height + s - 1) / s)
        let filter = GuidedFilter(guide: areaDownsample(guide, width: width, height: height, factor: s),
                                  width: lowWidth, height: lowHeight, radius: max(1, radius / s), epsilon: epsilon)
        let columns = BilinearTap.taps(count: width, sourceCount: lowWidth, scale: 1 / Float(s))
        let rows = BilinearTap.taps(count: height, sourceCount: lowHeight, scale: 1 / Float(s))
        func upsample(_ low: [Float], _ x: Int, _ y: Int) -> Float {
            func at(_ v: Int, _ u: Int) -> Float { low[v * lowWidth + u] }
            let (r, c) = (rows[y], columns[x])
            let top = at(r.first, c.first) + c.weight * (at(r.first, c.second) - at(r.first, c.first))
            let bottom = at(r.second, c.first) + c.weight * (at(r.second, c.second) - at(r.second, c.first))
            return top + r.weight * (bottom - top)
        }
        var values = scores
        for _ in 0..<iterations {
            var probabilities = values
            for i in 0..<plane {
                let column = (0..<classes).map { values[$0 * plane + i] }, top = column.max()!
                let exps = column.map { Foundation.exp(Double($0 - top)) }, total = exps.reduce(0, +)
                for c in 0..<classes { probabilities[c * plane + i] = Float(exps[c] / total) }
            }
            values = scores
            for c in 0..<classes {
                let p = Array(probabilities[(c * plane)..<((c + 1) * plane)])
                let low = areaDownsample(p, width: width, height: height, factor: s)
                guard low.max()! >= Self.inactiveProbability else { continue }
                var a = [Float](repeating: 0, count: lowWidth * lowHeight), b = a
                filter.coefficients(of: low, a: &a, b: &b, workspace: filter.makeWorkspace())
                for y in 0..<height {
                    for x in 0..<width {
                        let i = y * width + x
                        values[c * plane + i] += weight * (upsample(a, x, y) * guide[i] + upsample(b, x, y))
                    }
                }
            }
        }
        return values.withUnsafeBufferPointer { LabelMap(argmaxOf: $0, classes: classes, width: width, height: height) }
    }
}

/// The mean of each `factor` x `factor` block of a `width x height` plane (clipped at the far borders).
func areaDownsample(_ plane: [Float], width: Int, height: Int, factor: Int) -> [Float] {
    let lowWidth = (width + factor - 1) / factor, lowHeight = (height + factor - 1) / factor
    var output = [Float](repeating: 0, count: lowWidth * lowHeight)
    for ly in 0..<lowHeight {
        let y0 = ly * factor, y1 = min(height, y0 + factor)
        for lx in 0..<lowWidth {
            let x0 = lx * factor, x1 = min(width, x0 + factor)
            var sum: Float = 0
            for y in y0..<y1 {
                for x in x0..<x1 { sum += plane[y * width + x] }
            }
            output[ly * lowWidth + lx] = sum / Float((y1 - y0) * (x1 - x0))
        }
    }
    return output
}
