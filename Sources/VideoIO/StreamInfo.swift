import CFFmpeg

/// Facts about the video stream a reader decodes.
public struct VideoStreamInfo: Sendable {
    /// Index of the stream in the container.
    public var index: Int
    /// Short codec name, e.g. `h264`.
    public var codec: String
    public var width: Int
    public var height: Int
    /// Pixel format name, e.g. `yuv420p10le`.
    public var pixelFormat: String
    /// Clockwise rotation in degrees a player applies (0, 90, 180 or 270).
    public var rotation: Int
    /// The raw 3x3 display matrix, when the stream has one; carried to outputs unchanged.
    public var displayMatrix: [Int32]?
    /// Average frame rate; 0/0 when unknown.
    public var frameRate: Rational
    public var timeBase: Rational
    /// Duration in seconds, when known.
    public var duration: Double?
    /// Number of frames, when the container says.
    public var frameCount: Int?
}

/// Facts about an audio stream; writers copy its packets unchanged.
public struct AudioStreamInfo: Sendable {
    public var index: Int
    public var codec: String
    public var sampleRate: Int
    public var channels: Int
    public var timeBase: Rational
    /// The codec parameters a writer needs to copy this stream.
    public var parameters: CodecParameters
}

/// Facts about an opened input.
public struct MediaInfo: Sendable {
    /// The path or URL that was opened.
    public var url: String
    /// Container format name, e.g. `mov,mp4,m4a,3gp,3g2,mj2`.
    public var format: String
    /// Container duration in seconds, when known.
    public var duration: Double?
    public var video: VideoStreamInfo
    public var audio: [AudioStreamInfo]

    /// Best estimate of the number of video frames: the container's count, else duration x fps.
    public var estimatedFrameCount: Int? {
        if let count = video.frameCount { return count }
        guard let seconds = video.duration ?? duration, video.frameRate.doubleValue > 0 else { return nil }
        return Int((seconds * video.frameRate.doubleValue).rounded())
    }
}

extension VideoStreamInfo {
    init(stream: UnsafeMutablePointer<AVStream>, index: Int) {
        let parameters = stream.pointee.codecpar!.pointee
        self.index = index
        codec = String(cString: avcodec_get_name(parameters.codec_id))
        width = Int(parameters.width)
        height = Int(parameters.height)
        pixelFormat = av_get_pix_fmt_name(AVPixelFormat(parameters.format)).map { String(cString: $0) } ?? "unknown"
        displayMatrix = DisplayMatrix.read(from: stream)
        rotation = displayMatrix.map(DisplayMatrix.rotation) ?? 0
        frameRate = Rational(stream.pointee.avg_frame_rate)
        timeBase = Rational(stream.pointee.time_base)
        duration = stream.pointee.duration > 0
            ? Double(stream.pointee.duration) * timeBase.doubleValue : nil
        frameCount = stream.pointee.nb_frames > 0 ? Int(stream.pointee.nb_frames) : nil
    }
}

extension AudioStreamInfo {
    init(stream: UnsafeMutablePointer<AVStream>, index: Int) throws {
        let parameters = stream.pointee.codecpar!
        self.index = index
        codec = String(cString: avcodec_get_name(parameters.pointee.codec_id))
        sampleRate = Int(parameters.pointee.sample_rate)
        channels = Int(parameters.pointee.ch_layout.nb_channels)
        timeBase = Rational(stream.pointee.time_base)
        self.parameters = try CodecParameters(copying: parameters)
    }
}
