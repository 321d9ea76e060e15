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
/// - overlay:
///     alpha: 0.5
///     contours: true
///     legend: true
///     palette: colours.json   # optional: see LabelSet.recoloured(byJSON:)
/// ```
public final class OverlayStage: Stage {
    public let name = "overlay"
    private let terms: BlendTerms
    private let colours: [(y: Int, u: Int, v: Int)]
    private let contours: Bool
    private let legend: Legend?
    private let converter: PixelConverter

    /// - Parameters:
    ///   - alpha: colour weight, 0 (picture only) to 1 (colour only).
    ///   - contours: also draw class boundaries in full colour.
    ///   - legendHeight: when set, draw a legend of the classes present with text this many
    ///     pixels high (see `legendTextHeight(frameHeight:)`).
    /// - Throws: `PipelineError` when the legend's font is missing.
    public init(labels: LabelSet, alpha: Double, contours: Bool = false, legendHeight: Int? = nil) throws {
        precondition((0...1).contains(alpha), "alpha must be within 0...1")
        let colours = labels.palette.map(Self.yuv)
        self.colours = colours
        terms = BlendTerms(colours: colours, alpha: Int((alpha * 256).rounded()))
        self.contours = contours
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
                terms.blend(labels, into: planes)
                if contours { drawContours(labels, into: planes) }
                legend?.draw(classes: labels.presentClasses.filter { $0 < colours.count }, into: planes)
            }
            frame.picture = picture
        }
        try emit(item)
    }

    /// Paints class boundaries in full colour: luma at each boundary pixel, chroma of each 2x2
    /// block holding boundary pixels from the mean of their colours.
    private func drawContours(_ labels: LabelMap, into planes: YUV420Planes) {
        let edge = labels.boundary(), width = planes.width, count = colours.count
        for cy in 0..<((planes.height + 1) / 2) {
            for cx in 0..<((width + 1) / 2) {
                var u = 0, v = 0, marked = 0
                for dy in 0..<2 where cy * 2 + dy < planes.height {
                    for dx in 0..<2 where cx * 2 + dx < width {
                        let y = cy * 2 + dy, x = cx * 2 + dx, i = y * width + x, id = Int(labels.pixels[i])
                        guard edge[i], id < count else { continue }
                        planes.y[y * planes.yStride + x] = UInt8(colours[id].y)
                        u += colours[id].u
                        v += colours[id].v
                        marked += 1
                    }
                }
                guard marked > 0 else { continue }
                planes.u[cy * planes.uStride + cx] = UInt8(u / marked)
                planes.v[cy * planes.vStride + cx] = UInt8(v / marked)
            }
        }
    }
}

/// The blend as per-id table look-ups (256 entries, so any `UInt8` id indexes them): a labelled
/// luma sample becomes `(y * (256 - alpha) + colour.y * alpha + 128) >> 8`, an unlabelled one
/// `(y * 256 + 128) >> 8`, i.e. stays; a chroma sample mixes its block's colours, each
/// unlabelled pixel of the block standing in with the sample's own value.
private struct BlendTerms {
    private let alpha: Int
    /// Per id: luma weight of the picture (256 - alpha, or 256 unlabelled), luma addend
    /// (colour.y * alpha + 128, or 128), colour chroma (0 unlabelled), 1 if unlabelled.
    private let lumaWeight, lumaAddend, u, v, unlabelled: [Int]

    init(colours: [(y: Int, u: Int, v: Int)], alpha: Int) {
        self.alpha = alpha
        let labelled = (0..<256).map { $0 < colours.count }
        lumaWeight = labelled.map { $0 ? 256 - alpha : 256 }
        lumaAddend = (0..<256).map { labelled[$0] ? colours[$0].y * alpha + 128 : 128 }
        u = (0..<256).map { labelled[$0] ? colours[$0].u : 0 }
        v = (0..<256).map { labelled[$0] ? colours[$0].v : 0 }
        unlabelled = labelled.map { $0 ? 0 : 1 }
    }

    func blend(_ labels: LabelMap, into planes: YUV420Planes) {
        let width = planes.width, height = planes.height, keep = 256 - alpha
        labels.pixels.withUnsafeBufferPointer { ids in
            lumaWeight.withUnsafeBufferPointer { weight in
                lumaAddend.withUnsafeBufferPointer { addend in
                    for y in 0..<height {
                        let row = planes.y + y * planes.yStride, idRow = ids.baseAddress! + y * width
                        for x in 0..<width {
                            let id = Int(idRow[x])
                            row[x] = UInt8(truncatingIfNeeded: (Int(row[x]) * weight[id] + addend[id]) >> 8)
                        }
                    }
                }
            }
            u.withUnsafeBufferPointer { u in
                v.withUnsafeBufferPointer { v in
                    unlabelled.withUnsafeBufferPointer { unlabelled in
                        for cy in 0..<((height + 1) / 2) {
                            let uRow = planes.u + cy * planes.uStride, vRow = planes.v + cy * planes.vStride
                            let top = ids.baseAddress! + cy * 2 * width
                            let rows = cy * 2 + 1 < height ? 2 : 1
                            for cx in 0..<((width + 1) / 2) {
                                let columns = cx * 2 + 1 < width ? 2 : 1
                                var uSum = 0, vSum = 0, stand = 0
                                for dy in 0..<rows {
                                    for dx in 0..<columns {
                                        let id = Int(top[dy * width + cx * 2 + dx])
                                        uSum += u[id]
                                        vSum += v[id]
                                        stand += unlabelled[id]
                                    }
                                }
                                let pixels = rows * columns, ownU = Int(uRow[cx]), ownV = Int(vRow[cx])
                                uSum += stand * ownU
                                vSum += stand * ownV
                                uRow[cx] = UInt8(truncatingIfNeeded: (ownU * keep * pixels + uSum * alpha + 128 * pixels) / (256 * pixels))
                                vRow[cx] = UInt8(truncatingIfNeeded: (ownV * keep * pixels + vSum * alpha + 128 * pixels) / (256 * pixels))
                            }
                        }
                    }
                }
            }
        }
    }
}

/// `overlay`: colour weight, contours, legend and palette.
public struct OverlaySpec: FileStageSpec {
    public static let name = "overlay"
    static let keys = ["alpha", "contours", "legend", "palette"]
    /// Colour weight, 0 (picture only) to 1 (colour only).
    public var alpha = 0.5
    public var contours = false
    public var legend = false
    /// A palette file recolouring the model's classes; nil: the model's colours.
    public var palette: String?

    public init(alpha: Double = 0.5, contours: Bool = false, legend: Bool = false, palette: String? = nil) {
        self.alpha = alpha
        self.contours = contours
        self.legend = legend
        self.palette = palette
    }

    mutating func read(_ options: Fields) throws {
        alpha = try options.double("alpha") ?? alpha
        contours = try options.bool("contours") ?? contours
        legend = try options.bool("legend") ?? legend
        palette = try options.string("palette") ?? palette
    }

    public func validate() throws(OptionError) {
        try OptionError.check("alpha", alpha, in: 0...1)
    }

    public func contract(later: Set<FrameField>) -> StageContract {
        StageContract(takes: [.picture, .labels], gives: [.overlay])
    }

    public func make(_ context: StageContext, contract: StageContract) throws -> Stage {
        try OverlayStage(labels: context.labels(), alpha: alpha, contours: contours,
                         legendHeight: legend ? OverlayStage.legendTextHeight(frameHeight: context.info.video.height) : nil)
    }
}
