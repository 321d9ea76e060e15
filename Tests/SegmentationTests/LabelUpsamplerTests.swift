import Testing
@testable import Segmentation

@Suite struct LabelUpsamplerTests {
    /// Every class evaluated at every output pixel: the oracle the tiled, pruned decision must equal.
    private func plainLabels(_ values: [Float], slopes: [[Float]?], guide: [Float], classes: Int, width: Int, height: Int,
                             alignsCorners: Bool, outputWidth: Int, outputHeight: Int) -> [UInt8] {
        let plane = width * height
        func up(_ p: [Float]) -> [Float] {
            let columns = BilinearTap.taps(count: outputWidth, sourceCount: width, alignsCorners: alignsCorners)
            let rows = BilinearTap.taps(count: outputHeight, sourceCount: height, alignsCorners: alignsCorners)
            return rows.flatMap { r in columns.map { c in
                let top = p[r.first * width + c.first] + c.weight * (p[r.first * width + c.second] - p[r.first * width + c.first])
                let bottom = p[r.second * width + c.first] + c.weight * (p[r.second * width + c.second] - p[r.second * width + c.first])
                return top + r.weight * (bottom - top)
            } }
        }
        let t = (0..<classes).map { up(Array(values[($0 * plane)..<(($0 + 1) * plane)])) }, a = slopes.map { $0.map(up) }
        return (0..<outputWidth * outputHeight).map { i in
            UInt8((0..<classes).max { c, d in
                let u = t[c][i] + (a[c].map { $0[i] * guide[i] } ?? 0), v = t[d][i] + (a[d].map { $0[i] * guide[i] } ?? 0)
                return u < v || (u == v && c > d)
            }!)
        }
    }

    @Test func tiledDecisionEqualsEveryClassAtEveryPixel() {
        var generator = SystemRandomNumberGenerator()
        for (classes, width, height, outputWidth, outputHeight, corners) in
            [(4, 20, 12, 40, 24, false), (6, 33, 17, 66, 34, false), (3, 25, 14, 97, 53, true), (5, 16, 16, 16, 16, false), (2, 9, 30, 72, 240, false)] {
            // Smooth planes (regions) from a few random blobs per class.
            let blobs = (0..<classes * 2).map { _ in (Float.random(in: 0..<Float(width), using: &generator), Float.random(in: 0..<Float(height), using: &generator)) }
            let values = (0..<classes * width * height).map { i -> Float in
                let c = i / (width * height), x = Float(i % width), y = Float(i / width % height)
                return (0..<2).map { k in -((x - blobs[c * 2 + k].0) * (x - blobs[c * 2 + k].0) + (y - blobs[c * 2 + k].1) * (y - blobs[c * 2 + k].1)) / 40 }.max()!
            }
            let guide = (0..<outputWidth * outputHeight).map { _ in Float.random(in: 0...1, using: &generator) }
            let slopes: [[Float]?] = (0..<classes).map { c in c % 2 == 0 ? (0..<width * height).map { _ in Float.random(in: -2...2, using: &generator) } : nil }
            let upsampler = LabelUpsampler(threads: 2)
            for guided in [false, true] {
                let expected = plainLabels(values, slopes: guided ? slopes : Array(repeating: nil, count: classes), guide: guide, classes: classes,
                                           width: width, height: height, alignsCorners: corners, outputWidth: outputWidth, outputHeight: outputHeight)
                let labels: LabelMap
                if guided {
                    let planes = slopes.flatMap { $0 ?? [Float](repeating: 0, count: width * height) }
                    labels = values.withUnsafeBufferPointer { values in
                        planes.withUnsafeBufferPointer { planes in
                            guide.withUnsafeBufferPointer { guide in
                                let terms = LabelUpsampler.Slopes(planes: planes.baseAddress!, present: slopes.map { $0 != nil }, guide: guide.baseAddress!)
                                return upsampler.withLeads(plane: width * height) { leads in
                                    LabelUpsampler.findLeads(values.baseAddress!, slopes: terms, classes: classes, plane: width * height, threads: 2, into: leads)
                                    return upsampler.labels(values.baseAddress!, slopes: terms, leads: leads, classes: classes, sourceWidth: width,
                                                            sourceHeight: height, alignsCorners: corners, width: outputWidth, height: outputHeight)
                                }
                            }
                        }
                    }
                } else {
                    var scores = ClassScores(storage: values, offset: 0, classes: classes, width: width, height: height)
                    scores.alignsCorners = corners
                    labels = upsampler.labels(scores, width: outputWidth, height: outputHeight)
                }
                let differing = zip(labels.pixels, expected).filter { $0 != $1 }.count
                #expect(differing == 0, "\(classes) classes \(width)x\(height) -> \(outputWidth)x\(outputHeight) guided \(guided): \(differing) differ")
            }
        }
    }

    @Test func halfPixelUpsamplingOfARampSplitsBetweenPixelCentres() {
        // Two classes over 4 columns: class 1's lead grows left to right, crossing zero between
        // columns 1 and 2; brought up x4, the boundary falls halfway, at output column 8.
        let values: [Float] = [1.5, 0.5, -0.5, -1.5] + [-1.5, -0.5, 0.5, 1.5]
        let labels = LabelUpsampler(threads: 1).labels(ClassScores(storage: values, offset: 0, classes: 2, width: 4, height: 1), width: 16, height: 2)
        #expect(labels.pixels == [UInt8](repeating: 0, count: 8) + [UInt8](repeating: 1, count: 8) + [UInt8](repeating: 0, count: 8) + [UInt8](repeating: 1, count: 8))
    }
}
