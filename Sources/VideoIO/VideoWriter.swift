import CFFmpeg
import Foundation

/// Encodes frames as H.264 (yuv420p) or lossless FFV1 (gray8) and muxes them, with copied audio,
/// into a file.
///
/// Every input PTS is kept (variable frame rate stays variable), audio packets are copied
/// unchanged, and the input's display matrix is carried so players show the video upright.
/// Odd widths or heights are cropped by one pixel, never stretched. The file is written under
/// a temporary name and appears at `path` only when `finish()` succeeds; `abort()` (or
/// dropping an unfinished writer) removes it.
public final class VideoWriter {
    public var path: String { output.path }
    /// Things the user should know that did not stop the write (skipped streams, fixed timestamps).
    public private(set) var warnings: [String] = []
    public private(set) var framesWritten = 0

    private let output: OutputFile
    private let source: MediaInfo
    private var format: UnsafeMutablePointer<AVFormatContext>?
    private let encoder: LibavCodecContext
    private let videoStream: UnsafeMutablePointer<AVStream>
    private var audioStreams: [Int: UnsafeMutablePointer<AVStream>] = [:]
    private let packet: LibavPacket
    private let converted: LibavFrame
    private let converter = FrameConverter()
    private let pixelFormat: AVPixelFormat
    private let originTicks: Int64
    private let timeOrigin: Double
    private var lastPts: Int64?
    /// Frame durations by PTS (encoder time base), attached to the packets the encoder returns.
    private var durations: [Int64: Int64] = [:]
    private var adjustedTimestamps = 0
    private var done = false

    /// Creates the output for video like `source`'s, and opens the encoder.
    /// - Throws: `VideoIOError` when the output would overwrite the input, its format is unknown,
    ///   no H.264 encoder exists, or the file cannot be created.
    public init(path: String, source: MediaInfo, options: WriterOptions = WriterOptions()) throws {
        output = try OutputFile(path: path, inputs: [source.url])
        self.source = source
        timeOrigin = options.timeOrigin
        pixelFormat = options.codec.pixelFormat
        originTicks = Int64((options.timeOrigin / source.video.timeBase.doubleValue).rounded())
        guard let container = av_guess_format(nil, path, nil) else {
            throw VideoIOError("\(path): cannot tell the output format from the file name; use .mp4, .mov or .mkv")
        }
        var context: UnsafeMutablePointer<AVFormatContext>?
        var status = avformat_alloc_output_context2(&context, container, nil, output.temporaryPath)
        guard status >= 0, let context else { throw VideoIOError(path: path, "cannot create the output", code: status) }
        format = context
        let origin = MediaOrigin(ticks: originTicks, timeBase: source.video.timeBase)
        av_dict_set(&context.pointee.metadata, MediaOrigin.metadataKey, origin.text, 0)
        do {
            encoder = try Self.openEncoder(source: source.video, container: container, options: options, path: path)
            guard let stream = avformat_new_stream(context, nil) else { throw VideoIOError("\(path): out of memory") }
            videoStream = stream
            status = avcodec_parameters_from_context(stream.pointee.codecpar, encoder.pointer)
            if status < 0 { throw VideoIOError(path: path, "cannot configure the video stream", code: status) }
            stream.pointee.time_base = encoder.pointer.pointee.time_base
            if let matrix = source.video.displayMatrix { try DisplayMatrix.write(matrix, to: stream) }
            packet = try LibavPacket()
            converted = try LibavFrame()
            if options.copyAudio { try addAudioStreams(container: container) }
            try openFile(container: container)
        } catch {
            avformat_free_context(context)
            format = nil
            output.discard()
            throw error
        }
    }

    deinit {
        if !done { abort() }
    }

    /// Encodes one frame; its PTS is kept (less `timeOrigin`).
    public func write(_ frame: VideoFrame) throws {
        var pts = frame.pts - originTicks
        if let lastPts, pts <= lastPts {
            pts = lastPts + 1
            adjustedTimestamps += 1
        }
        lastPts = pts
        durations[pts] = duration(of: frame)
        let picture = try encodable(frame)
        picture.pointee.pts = pts
        picture.pointee.pict_type = AV_PICTURE_TYPE_NONE
        let status = avcodec_send_frame(encoder.pointer, picture)
        if status < 0 { throw VideoIOError(path: path, "encoding failed", code: status) }
        framesWritten += 1
        try drainEncoder()
    }

    /// Copies one audio packet unchanged (its timestamps shifted by `timeOrigin` only); with a
    /// `timeOrigin`, packets from before it are left out.
    public func write(_ audio: AudioPacket) throws {
        guard let stream = audioStreams[audio.streamIndex] else { return }
        let status = av_packet_ref(packet.pointer, audio.packet.pointer)
        if status < 0 { throw VideoIOError(path: path, "cannot copy an audio packet", code: status) }
        let shift = Int64((timeOrigin / audio.timeBase.doubleValue).rounded())
        if packet.pointer.pointee.pts != ss_nopts() { packet.pointer.pointee.pts -= shift }
        if packet.pointer.pointee.dts != ss_nopts() { packet.pointer.pointee.dts -= shift }
        if timeOrigin > 0, packet.pointer.pointee.pts != ss_nopts(), packet.pointer.pointee.pts < 0 {
            av_packet_unref(packet.pointer)
            return
        }
        av_packet_rescale_ts(packet.pointer, audio.timeBase.av, stream.pointee.time_base)
        packet.pointer.pointee.stream_index = stream.pointee.index
        packet.pointer.pointee.pos = -1
        try mux()
    }

    /// Flushes the encoder, writes the trailer and moves the file into place.
    /// - Throws: `VideoIOError` when nothing was written or the file cannot be completed; the
    ///   partial file is removed then.
    public func finish() throws {
        guard !done else { return }
        do {
            guard framesWritten > 0 else { throw VideoIOError("\(path): no video frames to write") }
            avcodec_send_frame(encoder.pointer, nil)
            try drainEncoder()
            let status = av_write_trailer(format)
            if status < 0 { throw VideoIOError(path: path, "cannot finish the file", code: status) }
            closeFile()
            try output.commit()
            done = true
            if adjustedTimestamps > 0 {
                warnings.append("\(path): \(adjustedTimestamps) frame(s) had repeated or backward timestamps; each was moved one tick later")
            }
        } catch {
            abort()
            throw error
        }
    }

    /// Stops writing and removes the partial file.
    public func abort() {
        done = true
        closeFile()
        output.discard()
    }

    /// The frame to hand the encoder: the given one when it already has the encoder's size and
    /// pixel format, else a converted copy.
    private func encodable(_ frame: VideoFrame) throws -> UnsafeMutablePointer<AVFrame> {
        let source = frame.frame.pointer
        let width = encoder.pointer.pointee.width, height = encoder.pointer.pointee.height
        if source.pointee.format == pixelFormat.rawValue,
           source.pointee.width == width, source.pointee.height == height {
            return source
        }
        let target = converted.pointer
        if target.pointee.width != width || target.pointee.height != height {
            try converted.allocate(width: Int(width), height: Int(height), format: pixelFormat)
        }
        let status = av_frame_make_writable(target)
        if status < 0 { throw VideoIOError(path: path, "cannot allocate a frame", code: status) }
        let cropWidth = source.pointee.width == width + 1 ? width : source.pointee.width
        let cropHeight = source.pointee.height == height + 1 ? height : source.pointee.height
        try converter.convert(source, sourceWidth: cropWidth, sourceHeight: cropHeight, into: target)
        return target
    }

    /// How long `frame` shows, in its time base: the container's figure, else one frame period.
    /// (Muxers need it for the last frame; MP4 edit lists would otherwise cut that frame.)
    private func duration(of frame: VideoFrame) -> Int64 {
        let stated = frame.frame.pointer.pointee.pkt_duration
        if stated > 0 { return stated }
        let fps = source.video.frameRate
        return fps.num > 0 ? max(1, Rational(fps.den, fps.num).rescale(1, to: frame.timeBase)) : 1
    }

    private func drainEncoder() throws {
        while true {
            let status = avcodec_receive_packet(encoder.pointer, packet.pointer)
            if status == ss_eagain() || status == ss_eof() { return }
            if status < 0 { throw VideoIOError(path: path, "encoding failed", code: status) }
            if let duration = durations.removeValue(forKey: packet.pointer.pointee.pts) {
                packet.pointer.pointee.duration = duration
            }
            av_packet_rescale_ts(packet.pointer, encoder.pointer.pointee.time_base, videoStream.pointee.time_base)
            packet.pointer.pointee.stream_index = videoStream.pointee.index
            try mux()
        }
    }

    private func mux() throws {
        let status = av_interleaved_write_frame(format, packet.pointer)
        if status < 0 { throw VideoIOError(path: path, "cannot write to the output", code: status) }
    }

    private func addAudioStreams(container: UnsafePointer<AVOutputFormat>) throws {
        for audio in source.audio {
            let codecID = audio.parameters.pointer.pointee.codec_id
            guard avformat_query_codec(container, codecID, FF_COMPLIANCE_NORMAL) == 1 else {
                warnings.append("\(path): audio stream \(audio.index) (\(audio.codec)) cannot be stored in this container and was left out")
                continue
            }
            guard let stream = avformat_new_stream(format, nil) else { throw VideoIOError("\(path): out of memory") }
            let status = avcodec_parameters_copy(stream.pointee.codecpar, audio.parameters.pointer)
            if status < 0 { throw VideoIOError(path: path, "cannot copy audio stream \(audio.index)", code: status) }
            stream.pointee.codecpar.pointee.codec_tag = 0
            stream.pointee.time_base = audio.timeBase.av
            audioStreams[audio.index] = stream
        }
    }

    private func openFile(container: UnsafePointer<AVOutputFormat>) throws {
        guard let format else { return }
        if container.pointee.flags & AVFMT_NOFILE == 0 {
            let status = avio_open(&format.pointee.pb, output.temporaryPath, AVIO_FLAG_WRITE)
            if status < 0 { throw VideoIOError(path: path, "cannot create the file", code: status) }
        }
        var options: OpaquePointer?
        defer { av_dict_free(&options) }
        if String(cString: container.pointee.name).contains("mp4") || String(cString: container.pointee.name) == "mov" {
            av_dict_set(&options, "movflags", "+faststart+use_metadata_tags", 0)
        }
        let status = avformat_write_header(format, &options)
        if status < 0 {
            avio_closep(&format.pointee.pb)
            throw VideoIOError(path: path, "cannot write the file header", code: status)
        }
    }

    private func closeFile() {
        guard let format else { return }
        if format.pointee.oformat.pointee.flags & AVFMT_NOFILE == 0 { avio_closep(&format.pointee.pb) }
        avformat_free_context(format)
        self.format = nil
    }

    private static func openEncoder(source: VideoStreamInfo, container: UnsafePointer<AVOutputFormat>,
                                    options: WriterOptions, path: String) throws -> LibavCodecContext {
        let h264 = options.codec == .h264
        let found = h264 ? avcodec_find_encoder_by_name("libx264") ?? avcodec_find_encoder(AV_CODEC_ID_H264)
                         : avcodec_find_encoder(AV_CODEC_ID_FFV1)
        guard let codec = found else {
            throw VideoIOError("\(path): this FFmpeg build has no \(h264 ? "H.264" : "FFV1") encoder; install libavcodec with it")
        }
        guard source.width >= 2, source.height >= 2 else {
            throw VideoIOError("\(path): the video is \(source.width)x\(source.height); the encoder needs at least 2x2")
        }
        let encoder = try LibavCodecContext(codec: codec)
        let context = encoder.pointer
        context.pointee.width = Int32(h264 ? source.width & ~1 : source.width)
        context.pointee.height = Int32(h264 ? source.height & ~1 : source.height)
        context.pointee.pix_fmt = options.codec.pixelFormat
        context.pointee.time_base = source.timeBase.av
        if source.frameRate.num > 0 && source.frameRate.den > 0 { context.pointee.framerate = source.frameRate.av }
        context.pointee.thread_count = Int32(max(0, options.encodeThreads))
        if container.pointee.flags & AVFMT_GLOBALHEADER != 0 {
            context.pointee.flags |= AV_CODEC_FLAG_GLOBAL_HEADER
        }
        var settings: OpaquePointer?
        defer { av_dict_free(&settings) }
        if String(cString: codec.pointee.name) == "libx264" {
            av_dict_set(&settings, "preset", options.preset, 0)
            av_dict_set(&settings, "crf", String(options.crf), 0)
        }
        let status = avcodec_open2(context, codec, &settings)
        if status < 0 {
            throw VideoIOError(path: path, "cannot open the \(String(cString: codec.pointee.name)) encoder", code: status)
        }
        return encoder
    }
}
