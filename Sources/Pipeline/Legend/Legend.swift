import Segmentation
import VideoIO

/// Draws a legend in the top-left corner of a yuv420p picture: a dark box with one line per
/// class present, a colour swatch and the class name.
final class Legend {
    private let renderer: TextRenderer
    private let names: [String]
    private let colours: [(y: Int, u: Int, v: Int)]
    private var rendered: [Int: TextBitmap] = [:]

    /// - Parameter textHeight: font size in pixels.
    init(labels: LabelSet, colours: [(y: Int, u: Int, v: Int)], textHeight: Int) throws {
        renderer = try TextRenderer(pixelHeight: textHeight)
        names = labels.names
        self.colours = colours
    }

    /// Draws the legend for `classes` (ids, in display order).
    func draw(classes: [Int], into planes: YUV420Planes) {
        guard !classes.isEmpty else { return }
        let line = renderer.lineHeight, margin = max(2, line / 2), swatch = line * 4 / 5
        let texts = classes.map { id in
            if let text = rendered[id] { return text }
            let text = renderer.render(names[id])
            rendered[id] = text
            return text
        }
        let boxWidth = margin * 3 + swatch + (texts.map(\.width).max() ?? 0)
        let boxHeight = margin * 2 + classes.count * line
        shade(x: margin / 2, y: margin / 2, width: boxWidth, height: boxHeight, planes)
        for (row, (id, text)) in zip(classes, texts).enumerated() {
            let top = margin / 2 + margin + row * line
            fill(x: margin / 2 + margin, y: top + (line - swatch) / 2, size: swatch, colour: colours[id], planes)
            ink(text, x: margin / 2 + margin * 2 + swatch, y: top, planes)
        }
    }

    /// Darkens a rectangle (luma to 35%, chroma toward neutral).
    private func shade(x: Int, y: Int, width: Int, height: Int, _ p: YUV420Planes) {
        for row in max(0, y)..<min(p.height, y + height) {
            for column in max(0, x)..<min(p.width, x + width) {
                let luma = p.y + row * p.yStride + column
                luma.pointee = UInt8(16 + (Int(luma.pointee) - 16) * 35 / 100)
            }
        }
        for row in max(0, y / 2)..<min((p.height + 1) / 2, (y + height) / 2) {
            for column in max(0, x / 2)..<min((p.width + 1) / 2, (x + width) / 2) {
                for plane in [p.u + row * p.uStride + column, p.v + row * p.vStride + column] {
                    plane.pointee = UInt8(128 + (Int(plane.pointee) - 128) * 35 / 100)
                }
            }
        }
    }

    private func fill(x: Int, y: Int, size: Int, colour: (y: Int, u: Int, v: Int), _ p: YUV420Planes) {
        for row in max(0, y)..<min(p.height, y + size) {
            for column in max(0, x)..<min(p.width, x + size) { p.y[row * p.yStride + column] = UInt8(colour.y) }
        }
        for row in max(0, (y + 1) / 2)..<min((p.height + 1) / 2, (y + size) / 2) {
            for column in max(0, (x + 1) / 2)..<min((p.width + 1) / 2, (x + size) / 2) {
                p.u[row * p.uStride + column] = UInt8(colour.u)
                p.v[row * p.vStride + column] = UInt8(colour.v)
            }
        }
    }

    /// Paints white text by its coverage.
    private func ink(_ text: TextBitmap, x: Int, y: Int, _ p: YUV420Planes) {
        for row in 0..<text.height where y + row >= 0 && y + row < p.height {
            for column in 0..<text.width where x + column >= 0 && x + column < p.width {
                let cover = Int(text.coverage[row * text.width + column])
                guard cover > 0 else { continue }
                let luma = p.y + (y + row) * p.yStride + x + column
                luma.pointee = UInt8((Int(luma.pointee) * (255 - cover) + 235 * cover) / 255)
            }
        }
    }
}
