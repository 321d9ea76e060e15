/// Where a coordinate of a resampled line reads its source line (pixel centres aligned, clamped
/// at the ends): between `first` and `second`, `weight` of the way.
struct BilinearTap {
    let first: Int
    let second: Int
    let weight: Float

    /// Taps for `count` positions over a line of `sourceCount`, `scale` source pixels per position.
    static func taps(count: Int, sourceCount: Int, scale: Float) -> [BilinearTap] {
        (0..<count).map { i in tap(at: (Float(i) + 0.5) * scale - 0.5, sourceCount: sourceCount) }
    }

    /// Taps bringing a line of `sourceCount` to `count`: corners on corners (align_corners), or
    /// pixel centres on pixel centres.
    static func taps(count: Int, sourceCount: Int, alignsCorners: Bool) -> [BilinearTap] {
        alignsCorners ? cornerTaps(count: count, sourceCount: sourceCount)
                      : taps(count: count, sourceCount: sourceCount, scale: Float(sourceCount) / Float(count))
    }

    /// Taps for `count` positions over a line of `sourceCount` whose end pixels' centres meet
    /// the line's end positions (align_corners).
    static func cornerTaps(count: Int, sourceCount: Int) -> [BilinearTap] {
        let scale = count > 1 ? Float(sourceCount - 1) / Float(count - 1) : 0
        return (0..<count).map { i in tap(at: Float(i) * scale, sourceCount: sourceCount) }
    }

    private static func tap(at position: Float, sourceCount: Int) -> BilinearTap {
        let p = min(Float(sourceCount - 1), max(0, position)), first = Int(p)
        return BilinearTap(first: first, second: min(first + 1, sourceCount - 1), weight: p - Float(first))
    }
}

/// Taps along a row as three arrays, the C row kernels' form (`ss_upsample_row`,
/// `ss_guided_argmax_span`): first, second, weight.
final class ColumnTaps: @unchecked Sendable {
    let first: UnsafeMutablePointer<Int32>
    let second: UnsafeMutablePointer<Int32>
    let weight: UnsafeMutablePointer<Float>

    init(_ taps: [BilinearTap]) {
        first = .allocate(capacity: taps.count)
        second = .allocate(capacity: taps.count)
        weight = .allocate(capacity: taps.count)
        for (i, tap) in taps.enumerated() {
            (first + i).initialize(to: Int32(tap.first))
            (second + i).initialize(to: Int32(tap.second))
            (weight + i).initialize(to: tap.weight)
        }
    }

    deinit {
        first.deallocate()
        second.deallocate()
        weight.deallocate()
    }
}

/// `plane` (`width x height`, row-major) resampled bilinearly to `newWidth x newHeight`.
public func bilinearResize(_ plane: [Float], width: Int, height: Int, toWidth newWidth: Int, height newHeight: Int) -> [Float] {
    precondition(plane.count == width * height, "plane does not match \(width)x\(height)")
    if newWidth == width && newHeight == height { return plane }
    let columns = BilinearTap.taps(count: newWidth, sourceCount: width, scale: Float(width) / Float(newWidth))
    let rows = BilinearTap.taps(count: newHeight, sourceCount: height, scale: Float(height) / Float(newHeight))
    var output = [Float](repeating: 0, count: newWidth * newHeight)
    for (y, row) in rows.enumerated() {
        for (x, column) in columns.enumerated() {
            func at(_ v: Int, _ u: Int) -> Float { plane[v * width + u] }
            let top = at(row.first, column.first) + column.weight * (at(row.first, column.second) - at(row.first, column.first))
            let bottom = at(row.second, column.first) + column.weight * (at(row.second, column.second) - at(row.second, column.first))
            output[y * newWidth + x] = top + row.weight * (bottom - top)
        }
    }
    return output
}
