import CFFmpeg
import Foundation

/// Encodes 8-bit indexed pictures as palette PNGs (pixel value = palette index) with libavcodec.
public final class PalettePNGEncoder {
    private var encoder: LibavCodecContext?
    private let frame: LibavFrame
    private let packet: LibavPacket

    public init() throws {
        frame = try LibavFrame()
        packet = try LibavPacket()
    }

    /// The PNG file bytes for `pixels` (row-major, `width * height`) with `palette` (up to 256
    /// [r, g, b] entries; missing entries are black).
    public func encode(pixels: [UInt8], width: Int, height: Int, palette: [[UInt8]]) throws -> Data {
        precondition(pixels.count == width * height, "pixels do not match \(width)x\(height)")
        let context = try encoder(width: width, height: height)
        let picture = frame.pointer
        try frame.allocate(width: width, height: height, format: AV_PIX_FMT_PAL8)
        frame.fillPlane0(from: pixels, rowBytes: width)
        picture.pointee.data.1!.withMemoryRebound(to: UInt32.self, capacity: 256) { entries in
            for i in 0..<256 {
                let rgb = i < palette.count ? palette[i] : [0, 0, 0]
                entries[i] = 0xFF00_0000 | UInt32(rgb[0]) << 16 | UInt32(rgb[1]) << 8 | UInt32(rgb[2])
            }
        }
        var status = avcodec_send_frame(context.pointer, picture)
        if status < 0 { throw VideoIOError("PNG encoding failed: \(avErrorString(status))") }
        status = avcodec_receive_packet(context.pointer, packet.pointer)
        if status < 0 { throw VideoIOError("PNG encoding failed: \(avErrorString(status))") }
        defer { av_packet_unref(packet.pointer) }
        return Data(bytes: packet.pointer.pointee.data, count: Int(packet.pointer.pointee.size))
    }

    /// A PNG encoder opened for this size, reusing the last one when the size is the same.
    private func encoder(width: Int, height: Int) throws -> LibavCodecContext {
        if let encoder, encoder.pointer.pointee.width == Int32(width), encoder.pointer.pointee.height == Int32(height) {
            return encoder
        }
        guard let codec = avcodec_find_encoder(AV_CODEC_ID_PNG) else {
            throw VideoIOError("this FFmpeg build has no PNG encoder")
        }
        let context = try LibavCodecContext(codec: codec)
        context.pointer.pointee.width = Int32(width)
        context.pointer.pointee.height = Int32(height)
        context.pointer.pointee.pix_fmt = AV_PIX_FMT_PAL8
        context.pointer.pointee.time_base = AVRational(num: 1, den: 25)
        let status = avcodec_open2(context.pointer, codec, nil)
        if status < 0 { throw VideoIOError("cannot open the PNG encoder: \(avErrorString(status))") }
        encoder = context
        return context
    }
}
