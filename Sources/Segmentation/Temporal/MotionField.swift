/// Where the content of a picture was in the previous picture: for each block of
/// `blockSize` x `blockSize` pixels, the displacement (dx, dy) from a pixel of this picture to
/// the same content in the previous one, in pixels of a `width x height` picture.
public struct MotionField: Sendable, Equatable {
    public let width: Int
    public let height: Int
    public let blockSize: Int
    /// Blocks per row and per column (the last ones may be cut by the picture's edge).
    public let columns: Int
    public let rows: Int
    /// Displacements, row-major by block.
    public var dx: [Float]
    public var dy: [Float]

    /// A field of zero motion.
    public init(width: Int, height: Int, blockSize: Int) {
        precondition(width > 0 && height > 0 && blockSize > 0, "empty motion field")
        self.width = width
        self.height = height
        self.blockSize = blockSize
        columns = (width + blockSize - 1) / blockSize
        rows = (height + blockSize - 1) / blockSize
        dx = [Float](repeating: 0, count: columns * rows)
        dy = dx
    }

    /// The displacement at pixel (x, y), bilinear between block centres (constant beyond the
    /// outer centres), so that motion varies smoothly across block borders.
    public func displacement(x: Float, y: Float) -> (dx: Float, dy: Float) {
        let (c0, c1, cw) = Self.cell((x + 0.5) / Float(blockSize) - 0.5, count: columns)
        let (r0, r1, rw) = Self.cell((y + 0.5) / Float(blockSize) - 0.5, count: rows)
        func mix(_ v: [Float]) -> Float {
            let top = v[r0 * columns + c0] + cw * (v[r0 * columns + c1] - v[r0 * columns + c0])
            let bottom = v[r1 * columns + c0] + cw * (v[r1 * columns + c1] - v[r1 * columns + c0])
            return top + rw * (bottom - top)
        }
        return (mix(dx), mix(dy))
    }

    /// For each row y of a `width x height` plane (the field scaled to it), where each of its
    /// pixels was in the previous picture: `body(y, px, py)` with source coordinates clamped to
    /// the plane. The same positions as `displacement(x:y:)` gives, computed separably.
    func forEachRow(width: Int, height: Int, _ body: (Int, UnsafeBufferPointer<Float>, UnsafeBufferPointer<Float>) -> Void) {
        let sx = Float(self.width) / Float(width), sy = Float(self.height) / Float(height)
        let across = (0..<width).map { Self.cell((Float($0) + 0.5) * sx / Float(blockSize) - 0.5, count: columns) }
        var rowDx = [Float](repeating: 0, count: columns), rowDy = rowDx
        var px = [Float](repeating: 0, count: width), py = px
        across.withUnsafeBufferPointer { across in
            for y in 0..<height {
                let (r0, r1, rw) = Self.cell((Float(y) + 0.5) * sy / Float(blockSize) - 0.5, count: rows)
                for c in 0..<columns {
                    let a = r0 * columns + c, b = r1 * columns + c
                    rowDx[c] = dx[a] + rw * (dx[b] - dx[a])
                    rowDy[c] = dy[a] + rw * (dy[b] - dy[a])
                }
                rowDx.withUnsafeBufferPointer { rowDx in
                    rowDy.withUnsafeBufferPointer { rowDy in
                        px.withUnsafeMutableBufferPointer { px in
                            py.withUnsafeMutableBufferPointer { py in
                                let (right, bottom) = (Float(width - 1), Float(height - 1))
                                for x in 0..<width {
                                    let (c0, c1, cw) = across[x]
                                    let mx = rowDx[c0] + cw * (rowDx[c1] - rowDx[c0]), my = rowDy[c0] + cw * (rowDy[c1] - rowDy[c0])
                                    px[x] = min(right, max(0, Float(x) + mx / sx))
                                    py[x] = min(bottom, max(0, Float(y) + my / sy))
                                }
                            }
                        }
                    }
                }
                px.withUnsafeBufferPointer { px in py.withUnsafeBufferPointer { py in body(y, px, py) } }
            }
        }
    }

    /// The two grid cells around `position` (in cells) and the weight of the second.
    static func cell(_ position: Float, count: Int) -> (Int, Int, Float) {
        let p = min(Float(count - 1), max(0, position))
        let first = Int(p)
        return (first, min(first + 1, count - 1), p - Float(first))
    }
}
