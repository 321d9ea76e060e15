import CFreeType
import Foundation

/// A rendered line of text: an 8-bit coverage mask (255 = ink), row-major.
struct TextBitmap {
    var width: Int
    var height: Int
    var coverage: [UInt8]
}

/// Renders single lines of text with FreeType (DejaVu Sans from Debian's fonts-dejavu-core).
final class TextRenderer {
    static let fontPaths = ["/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
                            "/usr/share/fonts/TTF/DejaVuSans.ttf", "/usr/share/fonts/dejavu/DejaVuSans.ttf"]
    private var library: FT_Library?
    private var face: FT_Face?
    /// Line height in pixels.
    let lineHeight: Int
    private let ascent: Int

    /// Loads the font at `pixelHeight` pixels per em.
    /// - Throws: `PipelineError` when no font is installed.
    init(pixelHeight: Int) throws {
        guard FT_Init_FreeType(&library) == 0 else { throw PipelineError("cannot start FreeType") }
        guard let path = Self.fontPaths.first(where: FileManager.default.fileExists(atPath:)),
              FT_New_Face(library, path, 0, &face) == 0, let face else {
            FT_Done_FreeType(library)
            throw PipelineError("the legend needs the DejaVu Sans font; install fonts-dejavu-core")
        }
        FT_Set_Pixel_Sizes(face, 0, FT_UInt(pixelHeight))
        let metrics = face.pointee.size.pointee.metrics
        ascent = Int(metrics.ascender >> 6)
        lineHeight = Int((metrics.ascender - metrics.descender) >> 6)
    }

    deinit {
        FT_Done_Face(face)
        FT_Done_FreeType(library)
    }

    /// `text` drawn in one line, with antialiasing.
    func render(_ text: String) -> TextBitmap {
        guard let face else { return TextBitmap(width: 0, height: 0, coverage: []) }
        var glyphs: [(x: Int, top: Int, width: Int, rows: Int, pitch: Int, pixels: [UInt8])] = []
        var pen = 0
        for scalar in text.unicodeScalars {
            guard FT_Load_Char(face, FT_ULong(scalar.value), FT_Int32(FT_LOAD_RENDER)) == 0 else { continue }
            let slot = face.pointee.glyph.pointee
            let bitmap = slot.bitmap
            let size = Int(bitmap.pitch) * Int(bitmap.rows)
            let pixels = size > 0 && bitmap.buffer != nil ? Array(UnsafeBufferPointer(start: bitmap.buffer, count: size)) : []
            glyphs.append((pen + Int(slot.bitmap_left), ascent - Int(slot.bitmap_top), Int(bitmap.width), Int(bitmap.rows), Int(bitmap.pitch), pixels))
            pen += Int(slot.advance.x >> 6)
        }
        var result = TextBitmap(width: max(pen, 1), height: lineHeight, coverage: [UInt8](repeating: 0, count: max(pen, 1) * lineHeight))
        for glyph in glyphs {
            for row in 0..<glyph.rows {
                let y = glyph.top + row
                guard y >= 0, y < result.height else { continue }
                for column in 0..<glyph.width {
                    let x = glyph.x + column
                    guard x >= 0, x < result.width else { continue }
                    let value = glyph.pixels[row * glyph.pitch + column]
                    result.coverage[y * result.width + x] = max(result.coverage[y * result.width + x], value)
                }
            }
        }
        return result
    }
}
