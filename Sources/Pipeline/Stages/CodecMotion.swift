import Segmentation
import VideoIO

extension MotionField {
    /// The motion a decoder exported for a `width x height` picture, on a grid of `blockSize`
    /// cells: each cell takes the area-weighted mean of the vectors of the blocks over it that
    /// refer to a past frame (cells of intra-coded blocks keep zero motion). The vectors are
    /// taken as motion from the previous frame, whatever past frame they refer to.
    /// - Returns: nil when the picture has no such vectors (intra frames, codecs that export none).
    init?(codecVectors vectors: [MotionVector], width: Int, height: Int, blockSize: Int = 16) {
        let past = vectors.filter(\.fromPast)
        guard !past.isEmpty else { return nil }
        self.init(width: width, height: height, blockSize: blockSize)
        var weights = [Float](repeating: 0, count: columns * rows)
        for vector in past {
            let x0 = max(0, vector.x), y0 = max(0, vector.y)
            let x1 = min(width, vector.x + vector.width), y1 = min(height, vector.y + vector.height)
            guard x0 < x1, y0 < y1 else { continue }
            for row in (y0 / blockSize)...((y1 - 1) / blockSize) {
                for column in (x0 / blockSize)...((x1 - 1) / blockSize) {
                    let overlapX = min(x1, (column + 1) * blockSize) - max(x0, column * blockSize)
                    let overlapY = min(y1, (row + 1) * blockSize) - max(y0, row * blockSize)
                    let weight = Float(overlapX * overlapY), i = row * columns + column
                    dx[i] += weight * vector.dx
                    dy[i] += weight * vector.dy
                    weights[i] += weight
                }
            }
        }
        for i in weights.indices where weights[i] > 0 {
            dx[i] /= weights[i]
            dy[i] /= weights[i]
        }
    }
}
