import CKernels
import Dispatch

/// One pass of `EdgeRefiner` over the logits, a row of low-resolution blocks per step: each
/// row's values are logits + weight * messages (messages upsampled from the coefficients of the
/// `active` classes), then either their softmax is block-averaged into `lowProbabilities` or
/// their arg max is written to `labels`.
struct RowPass {
    let geometry: Geometry
    let scores: UnsafePointer<Float>
    let guide: UnsafePointer<Float>
    let weight: Float
    let meanA: UnsafePointer<Float>
    let meanB: UnsafePointer<Float>
    let lowProbabilities: UnsafeMutablePointer<Float>
    let labels: UnsafeMutablePointer<UInt8>
    /// Classes with messages; nil before the first filtering.
    var active: [Bool]?

    /// Runs the pass on up to `threads` threads; with `softmax`, returns each class's highest
    /// block-averaged probability.
    func run(threads: Int, softmax: Bool) -> [Float] {
        let g = geometry, workers = max(1, min(threads, g.lowHeight))
        let peaks = UnsafeMutablePointer<Float>.allocate(capacity: workers * g.classes)
        peaks.initialize(repeating: 0, count: workers * g.classes)
        defer { peaks.deallocate() }
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            // Class rows, then two low-resolution rows of coefficients, then a row of best values.
            let size = g.classes * g.paddedWidth + 2 * g.lowWidth + g.width
            let values = UnsafeMutablePointer<Float>.allocate(capacity: size)
            values.initialize(repeating: 0, count: size)
            defer { values.deallocate() }
            for lowRow in (g.lowHeight * worker / workers)..<(g.lowHeight * (worker + 1) / workers) {
                let rows = (lowRow * g.factor)..<min(g.height, (lowRow + 1) * g.factor)
                if softmax {
                    for c in 0..<g.classes { (lowProbabilities + c * g.lowWidth * g.lowHeight + lowRow * g.lowWidth).update(repeating: 0, count: g.lowWidth) }
                }
                for y in rows {
                    fillValues(row: y, into: values, scratch: values + g.classes * g.paddedWidth)
                    if softmax {
                        ss_softmax_columns(values, Int64(g.classes), Int64(g.paddedWidth), Int64(g.width))
                        accumulate(values, lowRow: lowRow)
                    } else {
                        LabelMap.argmax(values, classes: g.classes, classStride: g.paddedWidth, count: g.width,
                                        best: values + g.classes * g.paddedWidth + 2 * g.lowWidth, into: labels + y * g.width)
                    }
                }
                if softmax { scaleBlocks(lowRow: lowRow, rowCount: rows.count, peaks: peaks + worker * g.classes) }
            }
        }
        return (0..<g.classes).map { c in (0..<workers).map { peaks[$0 * g.classes + c] }.max()! }
    }

    /// Row `y` of logits + weight * messages, class after class, `paddedWidth` apart.
    private func fillValues(row y: Int, into values: UnsafeMutablePointer<Float>, scratch: UnsafeMutablePointer<Float>) {
        let g = geometry, plane = g.width * g.height, lowPlane = g.lowWidth * g.lowHeight, tap = g.rowTaps[y]
        let rowA = scratch, rowB = scratch + g.lowWidth
        for c in 0..<g.classes {
            let target = values + c * g.paddedWidth
            target.update(from: scores + c * plane + y * g.width, count: g.width)
            guard let active, active[c] else { continue }
            let a0 = meanA + c * lowPlane + tap.first * g.lowWidth, a1 = meanA + c * lowPlane + tap.second * g.lowWidth
            let b0 = meanB + c * lowPlane + tap.first * g.lowWidth, b1 = meanB + c * lowPlane + tap.second * g.lowWidth
            for x in 0..<g.lowWidth {
                rowA[x] = a0[x] + tap.weight * (a1[x] - a0[x])
                rowB[x] = b0[x] + tap.weight * (b1[x] - b0[x])
            }
            ss_add_message_row(rowA, rowB, g.columnFirst, g.columnSecond, g.columnWeight, guide + y * g.width, weight,
                               Int64(g.width), target)
        }
    }

    /// Adds a row of probabilities into its low-resolution row (block sums).
    private func accumulate(_ probabilities: UnsafeMutablePointer<Float>, lowRow: Int) {
        let g = geometry, lowPlane = g.lowWidth * g.lowHeight
        for c in 0..<g.classes {
            ss_add_block_sums(probabilities + c * g.paddedWidth, Int64(g.width), Int64(g.factor),
                              lowProbabilities + c * lowPlane + lowRow * g.lowWidth)
        }
    }

    /// Turns a low-resolution row of block sums into block means and raises the classes' peaks.
    private func scaleBlocks(lowRow: Int, rowCount: Int, peaks: UnsafeMutablePointer<Float>) {
        let g = geometry, lowPlane = g.lowWidth * g.lowHeight
        for c in 0..<g.classes {
            let low = lowProbabilities + c * lowPlane + lowRow * g.lowWidth
            var peak = peaks[c]
            for x in 0..<g.lowWidth {
                low[x] /= Float(rowCount * (min(g.width, (x + 1) * g.factor) - x * g.factor))
                peak = max(peak, low[x])
            }
            peaks[c] = peak
        }
    }
}
