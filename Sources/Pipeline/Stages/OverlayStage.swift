import Segmentation
import VideoIO

/// Draws each frame's labels over its picture in the class colours.
///
/// Takes: `.frame` with `labels`. Gives: the frame with `picture` replaced by a yuv420p copy where
/// each labelled pixel is `(1 - alpha) * pixel + alpha * colour` (blended in BT.601 YUV; chroma
/// per 2x2 block from the mean of its pixels' blends). Ids outside the label set are left as is.
///
/// ```yaml
/// - stage: overlay
///   alpha: 0.5
/// ```
public final class OverlayStage: Stage {
    public let name = "overlay"
    private let alpha: Int
    private let colours: [(y: Int, u: Int, v: Int)]
    private let converter: PixelConverter

    /// - Parameter alpha: colour weight, 0 (picture only) to 1 (colour only).
    public init(labels: LabelSet, alpha: Double) throws {
        precondition((0...1).contains(alpha), "alpha must be within 0...1")
        self.alpha = Int((alpha * 256).rounded())
        colours = labels.palette.map(Self.yuv)
        converter = try PixelConverter()
    }

    /// BT.601 limited-range YUV of an RGB colour.
    static func yuv(_ rgb: [UInt8]) -> (y: Int, u: Int, v: Int) {
        let r = Double(rgb[0]), g = Double(rgb[1]), b = Double(rgb[2])
        return (Int((16 + (65.481 * r + 128.553 * g + 24.966 * b) / 255).rounded()),
                Int((128 + (-37.797 * r - 74.203 * g + 112.0 * b) / 255).rounded()),
                Int((128 + (112.0 * r - 93.786 * g - 18.214 * b) / 255).rounded()))
    }

    public func process(_ item: PipelineItem, emit: (PipelineItem) throws -> Void) throws {
        if case .frame(let frame) = item, let labels = frame.labels {
            let picture = try converter.yuv420Copy(of: frame.picture)
            picture.withYUV420Planes { blend(labels, into: $0) }
            frame.picture = picture
        }
        try emit(item)
    }

    private func blend(_ labels: LabelMap, into planes: YUV420Planes) {
        let keep = 256 - alpha, count = colours.count
        labels.pixels.withUnsafeBufferPointer { ids in
            for y in 0..<planes.height {
                let row = planes.y + y * planes.yStride
                for x in 0..<planes.width {
                    let id = Int(ids[y * planes.width + x])
                    guard id < count else { continue }
                    row[x] = UInt8((Int(row[x]) * keep + colours[id].y * alpha + 128) >> 8)
                }
            }
            for cy in 0..<((planes.height + 1) / 2) {
                let uRow = planes.u + cy * planes.uStride, vRow = planes.v + cy * planes.vStride
                for cx in 0..<((planes.width + 1) / 2) {
                    var u = 0, v = 0, pixels = 0
                    for (dy, dx) in [(0, 0), (0, 1), (1, 0), (1, 1)] {
                        let py = cy * 2 + dy, px = cx * 2 + dx
                        guard py < planes.height, px < planes.width else { continue }
                        let id = Int(ids[py * planes.width + px])
                        u += id < count ? colours[id].u : Int(uRow[cx])
                        v += id < count ? colours[id].v : Int(vRow[cx])
                        pixels += 1
                    }
                    uRow[cx] = UInt8((Int(uRow[cx]) * keep * pixels + u * alpha + 128 * pixels) / (256 * pixels))
                    vRow[cx] = UInt8((Int(vRow[cx]) * keep * pixels + v * alpha + 128 * pixels) / (256 * pixels))
                }
            }
        }
    }
}
