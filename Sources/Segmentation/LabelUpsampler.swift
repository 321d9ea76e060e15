import CSegmentationKernels
import Dispatch

/// Labels at a picture's size from class values at a lower resolution (the network's own),
/// without writing a full-size plane per class: label = arg max over classes of `T` brought up
/// bilinearly (as the model's own final Resize would bring up the scores), plus, when refining,
/// `A` brought up the same way times the full-size gray guide (the fast guided filter's output).
///
/// The output is decided in tiles. Bounds of each class's value follow from its values at the
/// low-resolution pixels a tile reads (bilinear weights are convex) and the guide's range: a
/// tile whose low-resolution pixels all have the same leading class, clear of every other
/// class's bound, is filled without interpolating anything (one pass over the low-resolution
/// planes finds those pixels); in other tiles, classes that the leading class beats at every
/// pixel read are skipped. The labels equal those of evaluating every class at every pixel
/// (ties aside). Not for concurrent use: it keeps its buffers between calls.
public final class LabelUpsampler {
    /// Refinement terms: per class, a slope plane `A` (laid out as the values) and whether it
    /// has one, and the guide at the output size.
    struct Slopes {
        let planes: UnsafePointer<Float>
        let present: [Bool]
        let guide: UnsafePointer<Float>
    }

    static let tileWidth = 32, tileHeight = 8
    /// Margin of the bounds test, above the rounding of bilinear interpolation.
    static let margin: Float = 1e-3
    private let threads: Int
    /// Per low-resolution pixel: the leading class and its clearance (see `ss_lead_classes`).
    private var lead: [UInt8] = []
    private var clearance: [Float] = []

    /// - Parameter threads: tile rows worked on at once.
    public init(threads: Int) { self.threads = max(1, threads) }

    /// Each low-resolution pixel's leading class and its clearance (see `ss_lead_classes`).
    struct Leads {
        let lead: UnsafeMutablePointer<UInt8>
        let clearance: UnsafeMutablePointer<Float>
    }

    /// The arg max of `scores` brought up bilinearly to `width x height`.
    public func labels(_ scores: ClassScores, width: Int, height: Int) -> LabelMap {
        let plane = scores.width * scores.height
        return scores.withUnsafeBufferPointer { values in
            withLeads(plane: plane) { leads in
                Self.findLeads(values.baseAddress!, slopes: nil, classes: scores.classes, plane: plane, threads: threads, into: leads)
                return labels(values.baseAddress!, slopes: nil, leads: leads, classes: scores.classes, sourceWidth: scores.width,
                              sourceHeight: scores.height, alignsCorners: scores.alignsCorners, width: width, height: height)
            }
        }
    }

    /// Runs `body` with this upsampler's lead buffers for `plane` low-resolution pixels.
    func withLeads<R>(plane: Int, _ body: (Leads) -> R) -> R {
        if lead.count < plane {
            lead = [UInt8](repeating: 0, count: plane)
            clearance = [Float](repeating: 0, count: plane)
        }
        return lead.withUnsafeMutableBufferPointer { lead in
            clearance.withUnsafeMutableBufferPointer { clearance in
                body(Leads(lead: lead.baseAddress!, clearance: clearance.baseAddress!))
            }
        }
    }

    /// Labels at `width x height` from `values` (`classes x sourceHeight x sourceWidth`), the
    /// slopes when given, and `leads` found for both.
    func labels(_ values: UnsafePointer<Float>, slopes: Slopes?, leads: Leads, classes: Int, sourceWidth: Int, sourceHeight: Int,
                alignsCorners: Bool, width: Int, height: Int) -> LabelMap {
        let columns = ColumnTaps(BilinearTap.taps(count: width, sourceCount: sourceWidth, alignsCorners: alignsCorners))
        let rows = BilinearTap.taps(count: height, sourceCount: sourceHeight, alignsCorners: alignsCorners)
        let tileRows = (height + Self.tileHeight - 1) / Self.tileHeight, workers = min(threads, tileRows)
        let grid = Grid(values: values, slopes: slopes, classes: classes, sourceWidth: sourceWidth, plane: sourceWidth * sourceHeight,
                        columns: columns, rows: rows, width: width, lead: leads.lead, clearance: leads.clearance)
        var pixels = [UInt8](repeating: 0, count: width * height)
        pixels.withUnsafeMutableBufferPointer { pixels in
            Self.decide(grid, tileRows: tileRows, workers: workers, width: width, height: height, into: pixels.baseAddress!)
        }
        return LabelMap(width: width, height: height, pixels: pixels)
    }

    /// Each low-resolution pixel's leading class and clearance, in chunks on up to `threads` threads.
    static func findLeads(_ values: UnsafePointer<Float>, slopes: Slopes?, classes: Int, plane: Int, threads: Int, into leads: Leads) {
        let chunk = 4096, chunks = (plane + chunk - 1) / chunk, workers = max(1, min(threads, chunks))
        let present = slopes?.present.map { UInt8($0 ? 1 : 0) } ?? []
        present.withUnsafeBufferPointer { present in
            DispatchQueue.concurrentPerform(iterations: workers) { worker in
                for k in stride(from: worker, to: chunks, by: workers) {
                    let start = k * chunk
                    ss_lead_classes(values + start, slopes.map { $0.planes + start }, present.baseAddress, Int64(classes), Int64(plane),
                                    Int64(min(chunk, plane - start)), leads.lead + start, leads.clearance + start)
                }
            }
        }
    }

    /// Decides every tile, tile rows spread over `workers` threads.
    private static func decide(_ grid: Grid, tileRows: Int, workers: Int, width: Int, height: Int, into labels: UnsafeMutablePointer<UInt8>) {
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            var scratch = Grid.Scratch(classes: grid.classes)
            for tileRow in stride(from: worker, to: tileRows, by: workers) {
                let y0 = tileRow * tileHeight, y1 = min(height, y0 + tileHeight)
                for x0 in stride(from: 0, to: width, by: tileWidth) {
                    grid.decide(rows: y0..<y1, columns: x0..<min(width, x0 + tileWidth), into: labels, scratch: &scratch)
                }
            }
        }
    }

    /// One upsampling's sources and taps, and how it decides a tile.
    private struct Grid {
        let values: UnsafePointer<Float>
        let slopes: Slopes?
        let classes: Int
        let sourceWidth: Int
        /// Floats per class plane of the sources.
        let plane: Int
        let columns: ColumnTaps
        let rows: [BilinearTap]
        let width: Int
        let lead: UnsafePointer<UInt8>
        let clearance: UnsafePointer<Float>

        /// Per-worker buffers.
        struct Scratch {
            var lowest: [Float] = []
            var candidates: [Int] = []
            var best = [Float](repeating: 0, count: LabelUpsampler.tileWidth)

            init(classes: Int) { candidates.reserveCapacity(classes) }
        }

        /// The class every pixel of these low-resolution rows and columns leads with clearance, if any.
        private func settled(_ sourceRows: ClosedRange<Int>, _ sourceColumns: ClosedRange<Int>) -> UInt8? {
            let only = lead[sourceRows.lowerBound * sourceWidth + sourceColumns.lowerBound]
            for r in sourceRows {
                for c in sourceColumns where lead[r * sourceWidth + c] != only || clearance[r * sourceWidth + c] <= LabelUpsampler.margin {
                    return nil
                }
            }
            return only
        }

        /// Labels of output rows `ys` x columns `xs`.
        func decide(rows ys: Range<Int>, columns xs: Range<Int>, into labels: UnsafeMutablePointer<UInt8>, scratch: inout Scratch) {
            let sourceRows = rows[ys.lowerBound].first...rows[ys.upperBound - 1].second
            let sourceColumns = Int(columns.first[xs.lowerBound])...Int(columns.second[xs.upperBound - 1])
            if let only = settled(sourceRows, sourceColumns) {
                for y in ys { (labels + y * width + xs.lowerBound).update(repeating: only, count: xs.count) }
                return
            }
            var (low, high): (Float, Float) = (0, 0)
            if let slopes {
                (low, high) = (.infinity, -.infinity)
                for y in ys {
                    for x in xs { low = min(low, slopes.guide[y * width + x]); high = max(high, slopes.guide[y * width + x]) }
                }
            }
            func bounds(_ c: Int, _ i: Int) -> (Float, Float) {
                let t = values[c * plane + i]
                guard let slopes, slopes.present[c] else { return (t, t) }
                let a = slopes.planes[c * plane + i]
                return (t + min(a * low, a * high), t + max(a * low, a * high))
            }
            // The leading class at the first pixel read, and its lowest value at each pixel read.
            let corner = sourceRows.lowerBound * sourceWidth + sourceColumns.lowerBound
            let lead = (0..<classes).max { bounds($0, corner).0 < bounds($1, corner).0 }!
            scratch.lowest.removeAll(keepingCapacity: true)
            for r in sourceRows {
                for c in sourceColumns { scratch.lowest.append(bounds(lead, r * sourceWidth + c).0 - LabelUpsampler.margin) }
            }
            scratch.candidates.removeAll(keepingCapacity: true)
            for c in 0..<classes {
                if c == lead { scratch.candidates.append(c); continue }
                var k = 0, beaten = true
                search: for r in sourceRows {
                    for column in sourceColumns {
                        if bounds(c, r * sourceWidth + column).1 >= scratch.lowest[k] { beaten = false; break search }
                        k += 1
                    }
                }
                if !beaten { scratch.candidates.append(c) }
            }
            if scratch.candidates.count == 1 {
                for y in ys { (labels + y * width + xs.lowerBound).update(repeating: UInt8(lead), count: xs.count) }
                return
            }
            scratch.best.withUnsafeMutableBufferPointer { best in
                for y in ys {
                    let tap = rows[y], x0 = xs.lowerBound
                    for (k, c) in scratch.candidates.enumerated() {
                        let t = values + c * plane
                        let a = slopes.flatMap { $0.present[c] ? $0.planes + c * plane : nil }
                        ss_guided_argmax_span(t + tap.first * sourceWidth, t + tap.second * sourceWidth,
                                              a.map { $0 + tap.first * sourceWidth }, a.map { $0 + tap.second * sourceWidth }, tap.weight,
                                              columns.first + x0, columns.second + x0, columns.weight + x0,
                                              slopes.map { $0.guide + y * width + x0 }, Int64(xs.count), k == 0 ? 1 : 0, UInt8(c),
                                              best.baseAddress!, labels + y * width + x0)
                    }
                }
            }
        }
    }
}
