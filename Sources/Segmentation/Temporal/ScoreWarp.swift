import CSegmentationKernels

/// Carries planar class scores (`classes x height x width`) of the previous frame to the
/// current one along `field` (estimated on a picture of any size; it is scaled to the scores):
/// each output pixel reads the previous scores bilinearly where its content was, clamped at
/// the borders. With `fresh` scores (same layout), writes `keep` x fresh + (1 - `keep`) x the
/// carried scores instead.
public func warpScores(_ scores: UnsafeBufferPointer<Float>, classes: Int, width: Int, height: Int, along field: MotionField,
                       blendingWith fresh: UnsafeBufferPointer<Float>? = nil, keep: Float = 0,
                       into output: UnsafeMutableBufferPointer<Float>) {
    let plane = width * height
    precondition(scores.count == classes * plane && output.count == classes * plane && (fresh?.count ?? scores.count) == scores.count,
                 "scores do not match \(classes)x\(height)x\(width)")
    var first = [Int32](repeating: 0, count: width), right = first, down = first
    var fx = [Float](repeating: 0, count: width), fy = fx
    field.forEachRow(width: width, height: height) { y, px, py in
        for x in 0..<width {
            let x0 = Int(px[x]), y0 = Int(py[x])
            first[x] = Int32(y0 * width + x0)
            right[x] = Int32(min(x0 + 1, width - 1) - x0)
            down[x] = Int32((min(y0 + 1, height - 1) - y0) * width)
            fx[x] = px[x] - Float(x0)
            fy[x] = py[x] - Float(y0)
        }
        ss_warp_row(scores.baseAddress!, Int64(plane), Int64(classes), first, right, down, fx, fy, Int64(width),
                    fresh.map { $0.baseAddress! + y * width }, keep, output.baseAddress! + y * width)
    }
}

/// Carries a label map of the previous frame to the current one along `field` (scaled to the
/// map), nearest pixel, clamped at the borders.
public func warpLabels(_ labels: LabelMap, along field: MotionField) -> LabelMap {
    let (width, height) = (labels.width, labels.height)
    let pixels = [UInt8](unsafeUninitializedCapacity: width * height) { output, initialized in
        labels.pixels.withUnsafeBufferPointer { source in
            field.forEachRow(width: width, height: height) { y, px, py in
                let row = output.baseAddress! + y * width
                for x in 0..<width { row[x] = source[Int(py[x] + 0.5) * width + Int(px[x] + 0.5)] }
            }
        }
        initialized = width * height
    }
    return LabelMap(width: width, height: height, pixels: pixels)
}

/// `warpScores` computed plainly, pixel by pixel: the test oracle.
func warpScoresReference(_ scores: [Float], classes: Int, width: Int, height: Int, along field: MotionField) -> [Float] {
    let sx = Float(field.width) / Float(width), sy = Float(field.height) / Float(height)
    var output = [Float](repeating: 0, count: scores.count)
    for y in 0..<height {
        for x in 0..<width {
            let d = field.displacement(x: (Float(x) + 0.5) * sx - 0.5, y: (Float(y) + 0.5) * sy - 0.5)
            let px = min(Float(width - 1), max(0, Float(x) + d.dx / sx)), py = min(Float(height - 1), max(0, Float(y) + d.dy / sy))
            let x0 = Int(px), y0 = Int(py), x1 = min(x0 + 1, width - 1), y1 = min(y0 + 1, height - 1)
            let fx = px - Float(x0), fy = py - Float(y0)
            for c in 0..<classes {
                func at(_ v: Int, _ u: Int) -> Float { scores[c * width * height + v * width + u] }
                let top = at(y0, x0) + fx * (at(y0, x1) - at(y0, x0)), bottom = at(y1, x0) + fx * (at(y1, x1) - at(y1, x0))
                output[c * width * height + y * width + x] = top + fy * (bottom - top)
            }
        }
    }
    return output
}
