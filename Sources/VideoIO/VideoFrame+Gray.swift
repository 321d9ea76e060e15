import CFFmpeg

extension VideoFrame {
    /// A gray8 picture made from `pixels` (row-major, `width * height` bytes), e.g. a label map.
    public convenience init(gray pixels: [UInt8], width: Int, height: Int, index: Int, pts: Int64,
                            timeBase: Rational) throws {
        precondition(pixels.count == width * height, "gray pixels do not match \(width)x\(height)")
        let frame = try LibavFrame()
        let picture = frame.pointer
        picture.pointee.width = Int32(width)
        picture.pointee.height = Int32(height)
        picture.pointee.format = AV_PIX_FMT_GRAY8.rawValue
        let status = av_frame_get_buffer(picture, 0)
        if status < 0 { throw VideoIOError("cannot allocate a \(width)x\(height) frame: \(avErrorString(status))") }
        let stride = Int(picture.pointee.linesize.0)
        pixels.withUnsafeBufferPointer { source in
            for row in 0..<height {
                (picture.pointee.data.0! + row * stride).update(from: source.baseAddress! + row * width, count: width)
            }
        }
        self.init(frame: frame, index: index, pts: pts, timeBase: timeBase, motionVectors: nil)
    }

    /// The 8-bit gray plane, row-major without padding; nil unless the picture is gray8.
    public func grayPixels() -> [UInt8]? {
        let picture = frame.pointer
        guard picture.pointee.format == AV_PIX_FMT_GRAY8.rawValue, let plane = picture.pointee.data.0 else { return nil }
        let stride = Int(picture.pointee.linesize.0)
        return [UInt8](unsafeUninitializedCapacity: width * height) { buffer, count in
            for row in 0..<height {
                (buffer.baseAddress! + row * width).update(from: plane + row * stride, count: width)
            }
            count = width * height
        }
    }
}
