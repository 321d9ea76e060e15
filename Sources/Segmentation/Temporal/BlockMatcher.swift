import CSegmentationKernels

/// Motion between two gray pictures by block matching on an image pyramid: a full search
/// over ±`searchRadius` pixels on the coarsest level, then ±1 pixel around the doubled vector
/// on each finer level. The cost is the mean absolute difference plus a small penalty per
/// pixel of displacement, so that flat areas (sky, road) keep zero motion instead of noise.
public struct BlockMatcher: Sendable, Equatable {
    /// Block side on the full-resolution picture, in pixels.
    public var blockSize = 32
    /// Radius of the full search on the coarsest level, in full-resolution pixels (each finer
    /// level may add a pixel); 0 turns motion off.
    public var searchRadius = 24
    /// Added to a block's mean absolute difference (gray 0–1) per pixel of displacement.
    public var penalty: Float = 0.0005

    public init() {}

    /// Levels of the pyramid: halvings while blocks stay at least 8 pixels and the picture 16.
    func levels(width: Int, height: Int) -> Int {
        var levels = 1
        while levels < 4, blockSize >> levels >= 8, min(width, height) >> levels >= 16 { levels += 1 }
        return levels
    }

    /// The levels block matching reads of a `width x height` gray picture (row-major): the
    /// picture, then each level halved by 2x2 means. Built once per frame and used against both
    /// its neighbours.
    public func pyramid(of picture: [Float], width: Int, height: Int) -> [GrayLevel] {
        precondition(picture.count == width * height, "picture does not match \(width)x\(height)")
        var pyramid = [GrayLevel(values: picture, width: width, height: height)]
        for _ in 1..<levels(width: width, height: height) {
            let top = pyramid[pyramid.count - 1]
            pyramid.append(GrayLevel(values: areaDownsample(top.values, width: top.width, height: top.height, factor: 2),
                                     width: (top.width + 1) / 2, height: (top.height + 1) / 2))
        }
        return pyramid
    }

    /// The motion from `previous` to `current` (both `width x height`, row-major gray): for
    /// each block of `current`, where its content lies in `previous`.
    public func motion(from previous: [Float], to current: [Float], width: Int, height: Int) -> MotionField {
        motion(from: pyramid(of: previous, width: width, height: height), to: pyramid(of: current, width: width, height: height))
    }

    /// The motion between two pictures given as their pyramids (from `pyramid(of:width:height:)`).
    public func motion(from previous: [GrayLevel], to current: [GrayLevel]) -> MotionField {
        precondition(previous.count == current.count && previous[0].width == current[0].width && previous[0].height == current[0].height,
                     "pyramids of pictures of different sizes")
        var field = MotionField(width: current[0].width, height: current[0].height, blockSize: blockSize)
        guard searchRadius > 0 else { return field }
        let levelCount = current.count
        for level in stride(from: levelCount - 1, through: 0, by: -1) {
            let p = current[level], coarsest = level == levelCount - 1
            let radius = coarsest ? (searchRadius + (1 << level) - 1) >> level : 1
            let reach = coarsest ? radius : 2 * Int(zip(field.dx, field.dy).map { max(abs($0), abs($1)) }.max() ?? 0) + radius
            let reference = EdgePadded(previous[level].values, width: p.width, height: p.height, margin: reach)
            for by in 0..<field.rows {
                for bx in 0..<field.columns {
                    let i = by * field.columns + bx
                    // The block's full-resolution extent, scaled to this level (never empty: the pyramid rounds up).
                    let x0 = (bx * blockSize) >> level, y0 = (by * blockSize) >> level
                    let x1 = min(p.width, ((bx + 1) * blockSize) >> level), y1 = min(p.height, ((by + 1) * blockSize) >> level)
                    let centre = coarsest ? (0, 0) : (Int(field.dx[i]) * 2, Int(field.dy[i]) * 2)
                    let best = search(p.values, width: p.width, reference: reference, x0: x0, y0: y0, x1: x1, y1: y1,
                                      around: centre, radius: radius, scale: Float(1 << level))
                    field.dx[i] = Float(best.0)
                    field.dy[i] = Float(best.1)
                }
            }
        }
        return field
    }

    /// The displacement within `radius` of `around` with the lowest cost for block [x0, x1) x [y0, y1).
    private func search(_ current: [Float], width: Int, reference: EdgePadded, x0: Int, y0: Int, x1: Int, y1: Int,
                        around: (Int, Int), radius: Int, scale: Float) -> (Int, Int) {
        var best = around, bestCost = Float.infinity
        let pixels = Float((x1 - x0) * (y1 - y0))
        current.withUnsafeBufferPointer { cur in
            reference.values.withUnsafeBufferPointer { ref in
                let block = cur.baseAddress! + y0 * width + x0
                for dy in (around.1 - radius)...(around.1 + radius) {
                    for dx in (around.0 - radius)...(around.0 + radius) {
                        let sum = ss_block_sad(block, Int64(width), ref.baseAddress! + reference.index(x: x0 + dx, y: y0 + dy),
                                               Int64(reference.stride), Int64(x1 - x0), Int64(y1 - y0))
                        let cost = sum / pixels + penalty * scale * Float(abs(dx) + abs(dy))
                        if cost < bestCost { (best, bestCost) = ((dx, dy), cost) }
                    }
                }
            }
        }
        return best
    }
}

/// One level of a gray picture's pyramid.
public struct GrayLevel: Sendable {
    public let values: [Float]
    public let width: Int
    public let height: Int
}

/// A picture extended by `margin` pixels on every side, repeating its edge pixels, so that
/// displaced blocks read it without bounds checks.
struct EdgePadded {
    let values: [Float]
    let margin: Int
    let stride: Int

    init(_ plane: [Float], width: Int, height: Int, margin: Int) {
        self.margin = margin
        stride = width + 2 * margin
        let stride = stride
        values = [Float](unsafeUninitializedCapacity: stride * (height + 2 * margin)) { values, initialized in
            plane.withUnsafeBufferPointer { plane in
                for y in 0..<(height + 2 * margin) {
                    let source = plane.baseAddress! + min(height - 1, max(0, y - margin)) * width, row = values.baseAddress! + y * stride
                    row.initialize(repeating: source[0], count: margin)
                    (row + margin).initialize(from: source, count: width)
                    (row + margin + width).initialize(repeating: source[width - 1], count: margin)
                }
            }
            initialized = stride * (height + 2 * margin)
        }
    }

    /// Index of pixel (x, y) of the picture, for x and y within `margin` outside it.
    func index(x: Int, y: Int) -> Int { (y + margin) * stride + x + margin }
}
