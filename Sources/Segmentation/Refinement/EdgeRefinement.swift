import Foundation

/// CRF-style edge refinement of one image's class scores: mean-field iterations of a dense CRF
/// with a Potts pairwise term, where the message each class receives is its probability map
/// smoothed by an edge-aware filter — a guided filter with the picture as guide, standing in for
/// the bilateral kernel of a fully connected CRF. Labels move to the picture's edges: a class
/// gains pixels its neighbours on the same side of an edge hold, and loses them across it.
///
/// The iterations run at the scores' resolution (the network's own, usually below the
/// picture's): probabilities = softmax(logits + weight * messages) (messages start at 0),
/// block-averaged to the filter's grid, where each class's guided-filter coefficients are
/// computed against the block-averaged guide; the message is `a * guide + b` with `a`, `b`
/// brought up bilinearly (He and Sun's fast guided filter). The labels are the arg max of the
/// logits + weight * messages brought up to the output size, with the output-size guide.
public struct EdgeRefinement: Sendable, Equatable {
    /// Window radius of the guided filter, in output (picture) pixels.
    public var radius = 8
    /// Guided filter regularisation (guide values 0–1): edges with a variance well above it stop
    /// the smoothing.
    public var epsilon: Float = 1e-3
    /// Weight of the pairwise term against the model's logits.
    public var weight: Float = 6
    /// Mean-field iterations.
    public var iterations = 1
    /// The filter grid's pixel size, in output pixels (at least one score pixel).
    public var subsampling = 4

    public init() {}

    /// Classes whose block-averaged probability stays below this everywhere get no message.
    static let inactiveProbability: Float = 0.01

    /// The filter grid for scores `scoreWidth` wide refined to `outputWidth`: score pixels per
    /// grid pixel, and the window radius in grid pixels.
    func plan(scoreWidth: Int, outputWidth: Int) -> (factor: Int, radius: Int) {
        let scale = Float(scoreWidth) / Float(outputWidth)
        let factor = max(1, Int((Float(subsampling) * scale).rounded()))
        return (factor, max(1, Int((Float(radius) * scale / Float(factor)).rounded())))
    }

    /// Refined labels from plain planes, the test oracle for `EdgeRefiner`.
    /// - Parameters:
    ///   - scores: `classes x height x width` logits (pixel centres on the output's).
    ///   - guide: the picture in gray 0–1 at `outputWidth x outputHeight`.
    public func reference(scores: [Float], classes: Int, width: Int, height: Int, guide: [Float],
                          outputWidth: Int, outputHeight: Int) -> LabelMap {
        let plane = width * height, (s, r) = plan(scoreWidth: width, outputWidth: outputWidth)
        let (gridWidth, gridHeight) = ((width + s - 1) / s, (height + s - 1) / s), gridPlane = gridWidth * gridHeight
        let scoreGuide = bilinearResize(guide, width: outputWidth, height: outputHeight, toWidth: width, height: height)
        let gridGuide = areaDownsample(scoreGuide, width: width, height: height, factor: s)
        let filter = GuidedFilter(guide: gridGuide, width: gridWidth, height: gridHeight, radius: r, epsilon: epsilon)
        let logits = (0..<classes).map { c in Array(scores[(c * plane)..<((c + 1) * plane)]) }
        let gridLogits = logits.map { areaDownsample($0, width: width, height: height, factor: s) }
        var coefficients = [(a: [Float], b: [Float])?](repeating: nil, count: classes)
        for _ in 0..<iterations {
            var values = gridLogits
            for c in 0..<classes {
                guard let (a, b) = coefficients[c] else { continue }
                for i in 0..<gridPlane { values[c][i] += weight * (a[i] * gridGuide[i] + b[i]) }
            }
            var probabilities = values
            for i in 0..<gridPlane {
                let top = (0..<classes).map { values[$0][i] }.max()!
                let exps = (0..<classes).map { Foundation.exp(Double(values[$0][i] - top)) }, total = exps.reduce(0, +)
                for c in 0..<classes { probabilities[c][i] = Float(exps[c] / total) }
            }
            for c in 0..<classes {
                coefficients[c] = nil
                guard probabilities[c].max()! >= Self.inactiveProbability else { continue }
                var a = [Float](repeating: 0, count: gridPlane), b = a
                filter.coefficients(of: probabilities[c], a: &a, b: &b, workspace: filter.makeWorkspace())
                coefficients[c] = (a, b)
            }
        }
        // Offsets and slopes at the scores' resolution, then the decision at the output's.
        func up(_ plane: [Float]) -> [Float] {
            bilinearResizeByFactor(plane, width: gridWidth, height: gridHeight, factor: s, toWidth: width, height: height)
        }
        var offsets = logits, slopes = [[Float]?](repeating: nil, count: classes)
        for c in 0..<classes {
            guard let (a, b) = coefficients[c] else { continue }
            let (upA, upB) = (up(a), up(b))
            for i in 0..<plane { offsets[c][i] += weight * upB[i] }
            slopes[c] = upA.map { weight * $0 }
        }
        let offsetsUp = offsets.map { bilinearResize($0, width: width, height: height, toWidth: outputWidth, height: outputHeight) }
        let slopesUp = slopes.map { $0.map { bilinearResize($0, width: width, height: height, toWidth: outputWidth, height: outputHeight) } }
        var labels = [UInt8](repeating: 0, count: outputWidth * outputHeight)
        for i in labels.indices {
            var best = -Float.infinity
            for c in 0..<classes {
                let v = offsetsUp[c][i] + (slopesUp[c].map { $0[i] * guide[i] } ?? 0)
                if v > best { (best, labels[i]) = (v, UInt8(c)) }
            }
        }
        return LabelMap(width: outputWidth, height: outputHeight, pixels: labels)
    }
}

/// `plane` on a grid of `factor`-pixel blocks brought up bilinearly to `width x height`, grid
/// pixel centres on block centres.
func bilinearResizeByFactor(_ plane: [Float], width: Int, height: Int, factor: Int, toWidth: Int, height toHeight: Int) -> [Float] {
    let columns = BilinearTap.taps(count: toWidth, sourceCount: width, scale: 1 / Float(factor))
    let rows = BilinearTap.taps(count: toHeight, sourceCount: height, scale: 1 / Float(factor))
    return rows.flatMap { r in
        columns.map { c in
            func at(_ v: Int, _ u: Int) -> Float { plane[v * width + u] }
            let top = at(r.first, c.first) + c.weight * (at(r.first, c.second) - at(r.first, c.first))
            let bottom = at(r.second, c.first) + c.weight * (at(r.second, c.second) - at(r.second, c.first))
            return top + r.weight * (bottom - top)
        }
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
