import CFFmpeg
import Foundation

/// What a reader delivers: decoded video frames and, interleaved in file order, audio packets.
public enum MediaItem: @unchecked Sendable {
    case video(VideoFrame)
    case audio(AudioPacket)
    /// A live input was lost and came back (from `LiveReader` only); the frames after it
    /// continue the timeline with the gap kept.
    case gap(StreamGap)
}

/// Demuxes and decodes the best video stream of a file or URL (`rtsp://`, `http://`, ...).
///
/// Frames come out in presentation order with their PTS and time base. Packets the decoder
/// rejects are skipped and counted in `damage`; reading stops at the first unrecoverable
/// read error, which is recorded there too, so a damaged input yields what is decodable.
public final class VideoReader {
    public let info: MediaInfo
    /// What could not be read or decoded so far; nil while the input is intact.
    public var damage: String? {
        var parts = decodeDamage.map { [$0] } ?? []
        if let missing = missingFrames { parts.append("the input ended after \(delivered) of \(missing) frames; it looks truncated") }
        if let readError { parts.append("reading stopped early: \(readError)") }
        return parts.isEmpty ? nil : parts.joined(separator: "; ")
    }

    /// Packets and frames that could not be decoded cleanly so far; nil when there were none.
    public var decodeDamage: String? {
        var parts: [String] = []
        if undecodablePackets > 0 { parts.append("\(undecodablePackets) video packet(s) could not be decoded") }
        if corruptPackets > 0 { parts.append("\(corruptPackets) video packet(s) were marked corrupt by the demuxer") }
        if damagedFrames > 0 { parts.append("\(damagedFrames) frame(s) were damaged (the decoder concealed errors)") }
        return parts.isEmpty ? nil : parts.joined(separator: "; ")
    }

    private var format: UnsafeMutablePointer<AVFormatContext>?
    private let decoder: LibavCodecContext
    private let packet: LibavPacket
    private let interrupt: InterruptFlag
    private let options: ReaderOptions
    private var unlimited: Bool { options.start == nil && options.end == nil && options.maxFrames == nil }
    /// The container's frame count, when a complete read of the whole input delivered fewer.
    private var missingFrames: Int? {
        guard reachedEnd, unlimited, let stated = info.video.frameCount, delivered < stated else { return nil }
        return stated
    }
    private let startTicks: Int64?
    /// Where pre-roll frames start (`startTicks` less the pre-roll).
    private let prerollTicks: Int64?
    private let endTicks: Int64?
    private var delivered = 0
    private var draining = false
    private var finished = false
    private var lastPts: Int64?
    private var undecodablePackets = 0
    private var damagedFrames = 0
    private var corruptPackets = 0
    private var reachedEnd = false
    /// Packets and frames that could not be decoded cleanly so far (safe to read from any thread).
    public var decodeErrors: Int { errorCount.value }
    private let errorCount: SharedCounter

    private func countError(_ kind: inout Int) {
        kind += 1
        errorCount.add(1)
    }

    /// Whether reading stopped at the end of the requested range or frame count.
    public var reachedLimit: Bool { finished && !reachedEnd }
    /// Why reading stopped before the end of the input (a read error or a stall); nil otherwise.
    public private(set) var readError: String?

    /// Opens `url` and its video decoder.
    /// - Throws: `VideoIOError` naming the input when it cannot be opened, has no video stream,
    ///   or uses a codec this libavcodec cannot decode.
    public convenience init(url: String, options: ReaderOptions = ReaderOptions()) throws {
        try self.init(url: url, options: options, interrupt: InterruptFlag(), errors: SharedCounter())
    }

    /// Opens `url`; `interrupt` cancels it and `errors` counts its decode errors (both shared by
    /// the readers of one live input).
    init(url: String, options: ReaderOptions, interrupt: InterruptFlag, errors: SharedCounter) throws {
        self.options = options
        self.interrupt = interrupt
        errorCount = errors
        let shown = redactingCredentials(url)
        guard let context = avformat_alloc_context() else { throw VideoIOError("out of memory opening \(shown)") }
        context.pointee.interrupt_callback = interrupt.callback
        format = context
        var dictionary: OpaquePointer?
        defer { av_dict_free(&dictionary) }
        let timeout = String(Int64(options.networkTimeout * 1_000_000))
        av_dict_set(&dictionary, "rw_timeout", timeout, 0)
        if url.hasPrefix("rtsp://") || url.hasPrefix("rtsps://") {
            av_dict_set(&dictionary, "timeout", timeout, 0)
            av_dict_set(&dictionary, "rtsp_transport", options.rtspTransport.rawValue, 0)
        }
        interrupt.setDeadline(in: options.stallTimeout)
        defer { interrupt.setDeadline(in: nil) }
        var status = avformat_open_input(&format, url, nil, &dictionary)
        guard status >= 0, let format else {
            if interrupt.isPastDeadline { throw VideoIOError("\(shown): no answer within \(options.stallTimeout!.formatted()) s") }
            throw VideoIOError(path: shown, "cannot open input", code: status, unusableInput: isLocalFile(url))
        }
        status = avformat_find_stream_info(format, nil)
        if status < 0 {
            avformat_close_input(&self.format)
            if interrupt.isPastDeadline { throw VideoIOError("\(shown): no stream information within \(options.stallTimeout!.formatted()) s") }
            throw VideoIOError(path: shown, "cannot read stream information", code: status, unusableInput: isLocalFile(url))
        }
        do {
            (info, decoder) = try Self.openVideo(format: format, url: url, options: options)
            packet = try LibavPacket()
        } catch {
            avformat_close_input(&self.format)
            throw error
        }
        let stream = format.pointee.streams[info.video.index]!.pointee
        let origin = stream.start_time == ss_nopts() ? 0 : stream.start_time
        startTicks = options.start.map { origin + Self.ticks(seconds: $0, timeBase: stream.time_base) }
        prerollTicks = options.start.map { origin + Self.ticks(seconds: max(0, $0 - options.preroll), timeBase: stream.time_base) }
        endTicks = options.end.map { origin + Self.ticks(seconds: $0, timeBase: stream.time_base) }
        if let start = options.start.map({ max(0, $0 - options.preroll) }), start > 0 {
            let target = Int64(start * Double(AV_TIME_BASE)) + (format.pointee.start_time == ss_nopts() ? 0 : format.pointee.start_time)
            if av_seek_frame(format, -1, target, AVSEEK_FLAG_BACKWARD) >= 0 {
                avcodec_flush_buffers(decoder.pointer)
            }
        }
    }

    deinit { avformat_close_input(&format) }

    /// Makes a blocked or future `next()` return promptly; safe from any thread.
    public func cancel() { interrupt.raise() }

    /// The next frame or audio packet, or nil at the end of the input (or of the requested range).
    /// - Throws: `VideoIOError` when decoding fails in a way that is not the input's fault.
    public func next() throws -> MediaItem? {
        while !finished {
            if let frame = try receiveFrame() {
                if let prerollTicks, frame.pts < prerollTicks { continue }
                if let startTicks, frame.pts < startTicks {
                    (frame.index, frame.isPreroll) = (-1, true)
                    return .video(frame)
                }
                if let endTicks, frame.pts >= endTicks { finished = true; break }
                delivered += 1
                if let maxFrames = options.maxFrames, delivered >= maxFrames { finished = true }
                return .video(frame)
            }
            if draining { finished = true; reachedEnd = true; break }
            if let audio = try readPacket() { return .audio(audio) }
        }
        return nil
    }

    /// Receives one decoded frame, or nil when the decoder needs more input (or is drained).
    private func receiveFrame() throws -> VideoFrame? {
        while true {
            let frame = try LibavFrame()
            let status = avcodec_receive_frame(decoder.pointer, frame.pointer)
            if status == ss_eagain() || status == ss_eof() { return nil }
            if status == ss_averror(ENOMEM) { throw VideoIOError(path: info.displayURL, "decoding failed", code: status) }
            if status < 0 { countError(&undecodablePackets); continue }
            return makeVideoFrame(frame)
        }
    }

    private func makeVideoFrame(_ frame: LibavFrame) -> VideoFrame {
        var pts = frame.pointer.pointee.best_effort_timestamp
        if pts == ss_nopts() {
            let fps = info.video.frameRate
            let step = fps.num > 0 ? max(1, Rational(fps.den, fps.num).rescale(1, to: info.video.timeBase)) : 1
            pts = (lastPts ?? -step) + step
        }
        lastPts = pts
        if frame.pointer.pointee.decode_error_flags != 0 || frame.pointer.pointee.flags & AV_FRAME_FLAG_CORRUPT != 0 {
            countError(&damagedFrames)
        }
        return VideoFrame(frame: frame, index: delivered, pts: pts, timeBase: info.video.timeBase,
                          motionVectors: options.exportMotionVectors ? MotionVector.vectors(of: frame.pointer) ?? [] : nil)
    }

    /// Reads one packet: feeds video to the decoder and returns audio packets in range.
    /// At the end of the input (or on a read error) it starts draining the decoder.
    private func readPacket() throws -> AudioPacket? {
        guard let format else { return nil }
        interrupt.setDeadline(in: options.stallTimeout)
        let status = av_read_frame(format, packet.pointer)
        let stalled = status < 0 && interrupt.isPastDeadline
        interrupt.setDeadline(in: nil)
        if status < 0 {
            if interrupt.isRaised { throw VideoIOError("\(info.displayURL): reading was cancelled") }
            if stalled {
                readError = "no data for \(options.stallTimeout!.formatted()) s (stalled)"
            } else if status != ss_eof() {
                readError = avErrorString(status)
            }
            draining = true
            avcodec_send_packet(decoder.pointer, nil)
            return nil
        }
        defer { av_packet_unref(packet.pointer) }
        let streamIndex = Int(packet.pointer.pointee.stream_index)
        if streamIndex == info.video.index {
            if packet.pointer.pointee.flags & AV_PKT_FLAG_CORRUPT != 0 { countError(&corruptPackets) }
            let sent = avcodec_send_packet(decoder.pointer, packet.pointer)
            if sent == ss_averror(ENOMEM) { throw VideoIOError(path: info.displayURL, "decoding failed", code: sent) }
            if sent < 0 { countError(&undecodablePackets) }
            return nil
        }
        guard options.includeAudio, let audio = info.audio.first(where: { $0.index == streamIndex }),
              audioPacketInRange(audio) else { return nil }
        let copy = try LibavPacket()
        av_packet_move_ref(copy.pointer, packet.pointer)
        return AudioPacket(packet: copy, streamIndex: streamIndex, timeBase: audio.timeBase)
    }

    private func audioPacketInRange(_ audio: AudioStreamInfo) -> Bool {
        let pts = packet.pointer.pointee.pts
        guard pts != ss_nopts() else { return startTicks == nil && endTicks == nil }
        let video = info.video.timeBase
        if let startTicks, pts < video.rescale(startTicks, to: audio.timeBase) { return false }
        if let endTicks, pts >= video.rescale(endTicks, to: audio.timeBase) { return false }
        return true
    }

    private static func ticks(seconds: Double, timeBase: AVRational) -> Int64 {
        Int64((seconds * Double(timeBase.den) / Double(timeBase.num)).rounded())
    }

    /// Finds the best video stream and opens its decoder; collects the audio streams.
    private static func openVideo(format: UnsafeMutablePointer<AVFormatContext>, url: String,
                                  options: ReaderOptions) throws -> (MediaInfo, LibavCodecContext) {
        var codec: UnsafePointer<AVCodec>?
        let best = av_find_best_stream(format, AVMEDIA_TYPE_VIDEO, -1, -1, &codec, 0)
        if best == ss_decoder_not_found() {
            let video = (0..<Int(format.pointee.nb_streams)).first {
                format.pointee.streams[$0]!.pointee.codecpar.pointee.codec_type == AVMEDIA_TYPE_VIDEO
            }
            let name = video.map { String(cString: avcodec_get_name(format.pointee.streams[$0]!.pointee.codecpar.pointee.codec_id)) } ?? "unknown"
            throw VideoIOError("\(redactingCredentials(url)): unsupported video codec '\(name)': this FFmpeg build has no decoder for it",
                               unusableInput: true)
        }
        guard best >= 0, let codec else {
            throw VideoIOError("\(redactingCredentials(url)): no video stream (the input has \(format.pointee.nb_streams) stream(s), none of them video)",
                               unusableInput: true)
        }
        let stream = format.pointee.streams[Int(best)]!
        let video = VideoStreamInfo(stream: stream, index: Int(best))
        var audio: [AudioStreamInfo] = []
        for i in 0..<Int(format.pointee.nb_streams) {
            let candidate = format.pointee.streams[i]!
            if candidate.pointee.codecpar.pointee.codec_type == AVMEDIA_TYPE_AUDIO {
                audio.append(try AudioStreamInfo(stream: candidate, index: i))
            }
        }
        let duration = format.pointee.duration > 0 ? Double(format.pointee.duration) / Double(AV_TIME_BASE) : nil
        let info = MediaInfo(url: url, format: String(cString: format.pointee.iformat.pointee.name),
                             duration: duration, video: video, audio: audio)
        let decoder = try LibavCodecContext(codec: codec)
        var status = avcodec_parameters_to_context(decoder.pointer, stream.pointee.codecpar)
        if status < 0 { throw VideoIOError(path: redactingCredentials(url), "cannot configure the \(video.codec) decoder", code: status,
                                            unusableInput: true) }
        decoder.pointer.pointee.pkt_timebase = stream.pointee.time_base
        decoder.pointer.pointee.thread_count = Int32(max(1, options.decodeThreads))
        decoder.pointer.pointee.thread_type = FF_THREAD_FRAME | FF_THREAD_SLICE
        var decoderOptions: OpaquePointer?
        defer { av_dict_free(&decoderOptions) }
        if options.exportMotionVectors { av_dict_set(&decoderOptions, "flags2", "+export_mvs", 0) }
        status = avcodec_open2(decoder.pointer, codec, &decoderOptions)
        if status < 0 { throw VideoIOError(path: redactingCredentials(url), "cannot open the \(video.codec) decoder", code: status,
                                            unusableInput: true) }
        return (info, decoder)
    }
}
