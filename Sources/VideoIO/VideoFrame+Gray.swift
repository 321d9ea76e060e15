import CFFmpeg

extension VideoFrame {
    /// A gray8 picture made from `pixels` (row-major, `width * height` bytes), e.g. a label map.
    public convenience init(gray pixels: [UInt8], width: Int, height: Int, index: Int, pts: Int64,
                            timeBase: Rational) throws {
        precondition(pixels.count == width * height, "gray pixels do not match \(width)x\(height)")
        let frame = try LibavFrame()
        try frame.allocate(width: width, height: height, format: AV_PIX_FMT_GRAY8)
        frame.fillPlane0(from: pixels, rowBytes: width)
        self.init(frame: frame, index: index, pts: pts, timeBase: timeBase, motionVectors: nil)
    }

    /// The 8-bit gray plane, row-major without padding; nil unless the picture is gray8.
    public func grayPixels() -> [UInt8]? {
        guard frame.pointer.pointee.format == AV_PIX_FMT_GRAY8.rawValue else { return nil }
        return frame.plane0Bytes(rowBytes: width, rows: height)
    }
}
