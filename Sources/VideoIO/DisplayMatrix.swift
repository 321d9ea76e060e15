import CFFmpeg

/// Reads and writes the display matrix that tells players how to rotate a video.
enum DisplayMatrix {
    /// The 9 Int32 entries of a stream's display matrix side data, if present.
    static func read(from stream: UnsafeMutablePointer<AVStream>) -> [Int32]? {
        var size: Int = 0
        guard let data = av_stream_get_side_data(stream, AV_PKT_DATA_DISPLAYMATRIX, &size), size >= 36 else {
            return nil
        }
        return data.withMemoryRebound(to: Int32.self, capacity: 9) { Array(UnsafeBufferPointer(start: $0, count: 9)) }
    }

    /// Attaches `matrix` to `stream` so the muxer writes it (e.g. the MP4 `tkhd` matrix).
    static func write(_ matrix: [Int32], to stream: UnsafeMutablePointer<AVStream>) throws {
        guard let data = av_stream_new_side_data(stream, AV_PKT_DATA_DISPLAYMATRIX, 36) else {
            throw VideoIOError("out of memory attaching the display matrix")
        }
        data.withMemoryRebound(to: Int32.self, capacity: 9) { target in
            for i in 0..<9 { target[i] = matrix[i] }
        }
    }

    /// Clockwise rotation in degrees (0, 90, 180, 270) a player applies for `matrix`.
    static func rotation(_ matrix: [Int32]) -> Int {
        let counterClockwise = matrix.withUnsafeBufferPointer { av_display_rotation_get($0.baseAddress) }
        guard counterClockwise.isFinite else { return 0 }
        let clockwise = Int((-counterClockwise).rounded())
        return ((clockwise % 360) + 360) % 360
    }
}
