import CFFmpeg

/// Owns an `AVFrame`; frees it (and drops its buffer references) on deinit.
final class LibavFrame {
    let pointer: UnsafeMutablePointer<AVFrame>

    init() throws {
        guard let frame = av_frame_alloc() else { throw VideoIOError("out of memory allocating a frame") }
        pointer = frame
    }

    deinit {
        var frame: UnsafeMutablePointer<AVFrame>? = pointer
        av_frame_free(&frame)
    }

    /// Drops any old buffers and allocates new ones for `width`x`height` in `format`.
    func allocate(width: Int, height: Int, format: AVPixelFormat) throws {
        av_frame_unref(pointer)
        pointer.pointee.width = Int32(width)
        pointer.pointee.height = Int32(height)
        pointer.pointee.format = format.rawValue
        let status = av_frame_get_buffer(pointer, 0)
        if status < 0 { throw VideoIOError("cannot allocate a \(width)x\(height) frame: \(avErrorString(status))") }
    }

    /// Copies `bytes` (rows of `rowBytes`, no padding) into plane 0.
    func fillPlane0(from bytes: [UInt8], rowBytes: Int) {
        let stride = Int(pointer.pointee.linesize.0), plane = pointer.pointee.data.0!
        bytes.withUnsafeBufferPointer { source in
            for row in 0..<(bytes.count / rowBytes) {
                (plane + row * stride).update(from: source.baseAddress! + row * rowBytes, count: rowBytes)
            }
        }
    }

    /// Plane 0 as `rows` rows of `rowBytes`, without padding.
    func plane0Bytes(rowBytes: Int, rows: Int) -> [UInt8] {
        let stride = Int(pointer.pointee.linesize.0), plane = pointer.pointee.data.0!
        return [UInt8](unsafeUninitializedCapacity: rowBytes * rows) { buffer, count in
            for row in 0..<rows { (buffer.baseAddress! + row * rowBytes).update(from: plane + row * stride, count: rowBytes) }
            count = rowBytes * rows
        }
    }
}

/// Owns an `AVPacket`; frees it on deinit.
final class LibavPacket {
    let pointer: UnsafeMutablePointer<AVPacket>

    init() throws {
        guard let packet = av_packet_alloc() else { throw VideoIOError("out of memory allocating a packet") }
        pointer = packet
    }

    deinit {
        var packet: UnsafeMutablePointer<AVPacket>? = pointer
        av_packet_free(&packet)
    }
}

/// Owns an `AVCodecContext`; frees it on deinit.
final class LibavCodecContext {
    let pointer: UnsafeMutablePointer<AVCodecContext>

    init(codec: UnsafePointer<AVCodec>) throws {
        guard let context = avcodec_alloc_context3(codec) else {
            throw VideoIOError("out of memory allocating a codec context")
        }
        pointer = context
    }

    deinit {
        var context: UnsafeMutablePointer<AVCodecContext>? = pointer
        avcodec_free_context(&context)
    }
}

/// Owns a copy of an `AVCodecParameters`, so stream facts outlive the file they came from.
public final class CodecParameters: @unchecked Sendable {
    let pointer: UnsafeMutablePointer<AVCodecParameters>

    init(copying source: UnsafePointer<AVCodecParameters>) throws {
        guard let copy = avcodec_parameters_alloc() else {
            throw VideoIOError("out of memory allocating codec parameters")
        }
        pointer = copy
        let status = avcodec_parameters_copy(copy, source)
        if status < 0 { throw VideoIOError("cannot copy codec parameters: \(avErrorString(status))") }
    }

    deinit {
        var parameters: UnsafeMutablePointer<AVCodecParameters>? = pointer
        avcodec_parameters_free(&parameters)
    }
}
