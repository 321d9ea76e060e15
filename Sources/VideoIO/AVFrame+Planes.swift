import CFFmpeg

extension UnsafeMutablePointer where Pointee == AVFrame {
    /// The frame's plane pointers (`data[0..<8]`) as a C array.
    var planes: UnsafeMutablePointer<UnsafeMutablePointer<UInt8>?> {
        (UnsafeMutableRawPointer(self) + MemoryLayout<AVFrame>.offset(of: \AVFrame.data)!)
            .assumingMemoryBound(to: UnsafeMutablePointer<UInt8>?.self)
    }

    /// The frame's plane strides in bytes (`linesize[0..<8]`) as a C array.
    var strides: UnsafeMutablePointer<Int32> {
        (UnsafeMutableRawPointer(self) + MemoryLayout<AVFrame>.offset(of: \AVFrame.linesize)!)
            .assumingMemoryBound(to: Int32.self)
    }
}
