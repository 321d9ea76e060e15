import Segmentation
import VideoIO

/// Draws each frame's labels over its picture in the class colours.
///
/// Takes: `.frame` with `labels`. Gives: the frame with `picture` replaced by a yuv420p copy where
/// each labelled pixel is `(1 - alpha) * pixel + alpha * colour` (blended in BT.601 YUV; chroma
/// per 2x2 block from the mean of its pixels' blends). Ids outside the label set are left as is.
/// With `contours`, pixels on a class boundary get the full class colour; with a legend, the
/// classes present are listed top left.
///
/// ```yaml
/// - stage: overlay
///   alpha: 0.5
///   contours: true
///   legend: true
/// ```
public final class OverlayStage: Stage {
    public let name = "overlay"
    private let alpha: Int
    private let contours: Bool
    private let legend: Legend?
    private let colours: [(y: Int, u: Int, v: Int)]
    private let converter: PixelConverter

    /// - Parameters:
    ///   - alpha: colour weight, 0 (picture only) to 1 (colour only).
    ///   - contours: also draw class boundaries in full colour.
    ///   - legendHeight: when set, draw a legend of the classes present with text this many
    ///     pixels high (see `legendTextHeight(frameHeight:)`).
    /// - Throws: `PipelineError` when the legend's font is missing.
    public init(labels: LabelSet, alpha: Double, contours: Bool = false, legendHeight: Int? = nil) throws {
        precondition((0...1).contains(alpha), "alpha must be within 0...1")
        self.alpha = Int((alpha * 256).rounded())
        self.contours = contours
        let colours = labels.palette.map(Self.yuv)
        self.colours = colours
        legend = try legendHeight.map { try Legend(labels: labels, colours: colours, textHeight: $0) }
        converter = try PixelConverter()
    }

    /// A legend text size that reads well on a `frameHeight`-pixel picture.
    public static func legendTextHeight(frameHeight: Int) -> Int { max(10, frameHeight / 40) }

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
            picture.withYUV420Planes { planes in
                blend(labels, into: planes)
                legend?.draw(classes: labels.presentClasses.filter { $0 < colours.count }, into: planes)
            }
            frame.picture = picture
        }
        try emit(item)
    }

    /// Blends in place. Each pixel's colour weight (of 256) is `alpha` where labelled, 256 on a
    /// contour, 0 where unlabelled; chroma takes the mean of its 2x2 block's blends.
    private func blend(_ labels: LabelMap, into planes: YUV420Planes) {
        let count = colours.count, width = planes.width, height = planes.height
        let edge = contours ? labels.boundary() : []
        labels.pixels.withUnsafeBufferPointer { ids in
            func weight(_ i: Int) -> Int {
                Int(ids[i]) >= count ? 0 : contours && edge[i] ? 256 : alpha
            }
            for y in 0..<height {
                let row = planes.y + y * planes.yStride
                for x in 0..<width {
                    let i = y * width + x, w = weight(i)
                    guard w > 0 else { continue }
                    row[x] = UInt8((Int(row[x]) * (256 - w) + colours[Int(ids[i])].y * w + 128) >> 8)
                }
            }
            for cy in 0..<((height + 1) / 2) {
                let uRow = planes.u + cy * planes.uStride, vRow = planes.v + cy * planes.vStride
                for cx in 0..<((width + 1) / 2) {
                    var u = 0, v = 0, weights = 0, pixels = 0
                    for (dy, dx) in [(0, 0), (0, 1), (1, 0), (1, 1)] where cy * 2 + dy < height && cx * 2 + dx < width {
                        let i = (cy * 2 + dy) * width + cx * 2 + dx, w = weight(i)
                        pixels += 1
                        guard w > 0 else { continue }
                        u += w * colours[Int(ids[i])].u
                        v += w * colours[Int(ids[i])].v
                        weights += w
                    }
                    guard weights > 0 else { continue }
                    let total = 256 * pixels
                    uRow[cx] = UInt8((Int(uRow[cx]) * (total - weights) + u + total / 2) / total)
                    vRow[cx] = UInt8((Int(vRow[cx]) * (total - weights) + v + total / 2) / total)
                }
            }
        }
    }
}
