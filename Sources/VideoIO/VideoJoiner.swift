import CFFmpeg

/// Joins videos that segstream wrote from consecutive parts of one input (shards cut with
/// `--from`/`--to`, pieces of `--split-every`) into one file, without re-encoding.
///
/// Each part's timeline is put back where it was on the input's (its `MediaOrigin`), so the
/// joined file has the timestamps a single run would have written; parts are taken in the
/// order of their origins, and audio a part holds beyond the next part's start is left out.
/// The output is written under a temporary name and moved into place when complete.
public enum VideoJoiner {
    /// Joins `parts` into `path`.
    /// - Returns: the number of video frames written.
    /// - Throws: `VideoIOError` when a part cannot be read, was not written by segstream, was
    ///   encoded differently from the first, or two parts start at the same time.
    public static func join(_ parts: [String], into path: String) throws -> Int {
        guard !parts.isEmpty else { throw VideoIOError("\(path): nothing to join") }
        let inputs = try parts.map(JoinedPart.init).sorted { $0.origin.isEarlier(than: $1.origin) }
        for (earlier, later) in zip(inputs, inputs.dropFirst()) where !earlier.origin.isEarlier(than: later.origin) {
            throw VideoIOError("\(later.path): starts where \(earlier.path) does; join parts of one run, each once", unusableInput: true)
        }
        for part in inputs.dropFirst() { try part.checkMatches(inputs[0]) }
        let output = try OutputFile(path: path, inputs: parts)
        let muxer = try JoinMuxer(path: path, output: output, like: inputs[0])
        do {
            for (i, part) in inputs.enumerated() {
                try muxer.copy(part, from: inputs[0].origin, until: i + 1 < inputs.count ? inputs[i + 1].origin : nil)
            }
            try muxer.finish()
        } catch {
            muxer.abort()
            throw error
        }
        return muxer.videoFrames
    }
}

/// One part to join, opened for reading.
private final class JoinedPart {
    let path: String
    var format: UnsafeMutablePointer<AVFormatContext>?
    let origin: MediaOrigin

    init(path: String) throws {
        self.path = path
        var context: UnsafeMutablePointer<AVFormatContext>?
        var status = avformat_open_input(&context, path, nil, nil)
        guard status >= 0, let context else { throw VideoIOError(path: path, "cannot open", code: status, unusableInput: true) }
        format = context
        status = avformat_find_stream_info(context, nil)
        if status < 0 { throw VideoIOError(path: path, "cannot read stream information", code: status, unusableInput: true) }
        guard let entry = av_dict_get(context.pointee.metadata, MediaOrigin.metadataKey, nil, 0),
              let origin = MediaOrigin(text: String(cString: entry.pointee.value)) else {
            throw VideoIOError("\(path): not written by segstream (no \(MediaOrigin.metadataKey) in its metadata); join only segstream's outputs",
                               unusableInput: true)
        }
        self.origin = origin
    }

    deinit { avformat_close_input(&format) }

    var streams: [UnsafeMutablePointer<AVStream>] {
        guard let format else { return [] }
        return (0..<Int(format.pointee.nb_streams)).map { format.pointee.streams[$0]! }
    }

    /// Throws unless this part has the streams and encoder settings of `first`.
    func checkMatches(_ first: JoinedPart) throws {
        let mine = streams.map { $0.pointee.codecpar.pointee }, theirs = first.streams.map { $0.pointee.codecpar.pointee }
        let same = mine.count == theirs.count && zip(mine, theirs).allSatisfy { a, b in
            a.codec_type == b.codec_type && a.codec_id == b.codec_id && a.width == b.width && a.height == b.height
                && a.sample_rate == b.sample_rate && a.format == b.format
                && bytes(a.extradata, a.extradata_size) == bytes(b.extradata, b.extradata_size)
        }
        if !same { throw VideoIOError("\(path): its streams or encoder settings differ from \(first.path)'s; join outputs of one command", unusableInput: true) }
    }
}

private func bytes(_ start: UnsafeMutablePointer<UInt8>?, _ count: Int32) -> [UInt8] {
    start.map { Array(UnsafeBufferPointer(start: $0, count: Int(count))) } ?? []
}

/// The joined file being written.
private final class JoinMuxer {
    private let path: String
    private let output: OutputFile
    private var format: UnsafeMutablePointer<AVFormatContext>?
    private let packet: LibavPacket
    private var lastDts: [Int64?]
    private(set) var videoFrames = 0

    /// Creates `path`'s output with the streams of `first`.
    init(path: String, output: OutputFile, like first: JoinedPart) throws {
        self.path = path
        self.output = output
        packet = try LibavPacket()
        guard let container = av_guess_format(nil, path, nil) else {
            throw VideoIOError("\(path): cannot tell the output format from the file name; use the parts' extension")
        }
        var context: UnsafeMutablePointer<AVFormatContext>?
        var status = avformat_alloc_output_context2(&context, container, nil, output.temporaryPath)
        guard status >= 0, let context else { throw VideoIOError(path: path, "cannot create the output", code: status) }
        format = context
        lastDts = Array(repeating: nil, count: first.streams.count)
        do {
            for source in first.streams {
                guard let stream = avformat_new_stream(context, nil) else { throw VideoIOError("\(path): out of memory") }
                status = avcodec_parameters_copy(stream.pointee.codecpar, source.pointee.codecpar)
                if status < 0 { throw VideoIOError(path: path, "cannot copy a stream's parameters", code: status) }
                stream.pointee.codecpar.pointee.codec_tag = 0
                stream.pointee.time_base = source.pointee.time_base
                if let matrix = DisplayMatrix.read(from: source) { try DisplayMatrix.write(matrix, to: stream) }
            }
            av_dict_set(&context.pointee.metadata, MediaOrigin.metadataKey, first.origin.text, 0)
            status = avio_open(&context.pointee.pb, output.temporaryPath, AVIO_FLAG_WRITE)
            if status < 0 { throw VideoIOError(path: path, "cannot create the file", code: status) }
            var options: OpaquePointer?
            defer { av_dict_free(&options) }
            let name = String(cString: container.pointee.name)
            if name.contains("mp4") || name == "mov" { av_dict_set(&options, "movflags", "+faststart+use_metadata_tags", 0) }
            status = avformat_write_header(context, &options)
            if status < 0 { throw VideoIOError(path: path, "cannot write the file header", code: status) }
        } catch {
            abort()
            throw error
        }
    }

    /// Copies every packet of `part`, moved onto the timeline that starts at `start`; packets at
    /// or after `end` (the next part's origin) are left out.
    func copy(_ part: JoinedPart, from start: MediaOrigin, until end: MediaOrigin?) throws {
        guard let input = part.format, let format else { return }
        let sources = part.streams
        // Per stream, in its time base: the shift onto the joined timeline and the next part's start.
        let shifts = sources.map { start.ticks(until: part.origin, in: $0.pointee.time_base) }
        let limits = sources.map { source in end.map { part.origin.ticks(until: $0, in: source.pointee.time_base) } }
        let intervals = sources.map(Self.frameInterval)
        while true {
            let status = av_read_frame(input, packet.pointer)
            if status == ss_eof() { break }
            if status < 0 { throw VideoIOError(path: part.path, "cannot read", code: status) }
            defer { av_packet_unref(packet.pointer) }
            let index = Int(packet.pointer.pointee.stream_index)
            let source = sources[index], target = format.pointee.streams[index]!
            let p = packet.pointer
            if let limit = limits[index], p.pointee.pts != ss_nopts(), p.pointee.pts >= limit { continue }
            if p.pointee.pts != ss_nopts() { p.pointee.pts += shifts[index] }
            if p.pointee.dts != ss_nopts() { p.pointee.dts += shifts[index] }
            if p.pointee.duration <= 0 { p.pointee.duration = intervals[index] }
            av_packet_rescale_ts(p, source.pointee.time_base, target.pointee.time_base)
            if p.pointee.dts != ss_nopts() {
                if let last = lastDts[index], p.pointee.dts <= last {
                    throw VideoIOError("\(part.path): overlaps the part before it; join consecutive parts of one run", unusableInput: true)
                }
                lastDts[index] = p.pointee.dts
            }
            p.pointee.pos = -1
            if source.pointee.codecpar.pointee.codec_type == AVMEDIA_TYPE_VIDEO { videoFrames += 1 }
            let written = av_interleaved_write_frame(format, p)
            if written < 0 { throw VideoIOError(path: path, "cannot write to the output", code: written) }
        }
    }

    /// A video stream's average frame interval in its time base (0 when unknown): the duration
    /// of packets the demuxer gives none, so that the joined file's last frame keeps its own.
    private static func frameInterval(of stream: UnsafeMutablePointer<AVStream>) -> Int64 {
        let rate = stream.pointee.avg_frame_rate
        guard stream.pointee.codecpar.pointee.codec_type == AVMEDIA_TYPE_VIDEO, rate.num > 0, rate.den > 0 else { return 0 }
        return av_rescale_q(1, AVRational(num: rate.den, den: rate.num), stream.pointee.time_base)
    }

    func finish() throws {
        let status = av_write_trailer(format)
        if status < 0 { throw VideoIOError(path: path, "cannot finish the file", code: status) }
        close()
        try output.commit()
    }

    func abort() {
        close()
        output.discard()
    }

    private func close() {
        guard let format else { return }
        avio_closep(&format.pointee.pb)
        avformat_free_context(format)
        self.format = nil
    }
}

extension MediaOrigin {
    func isEarlier(than other: MediaOrigin) -> Bool {
        ticks(until: other, in: AVRational(num: 1, den: 1_000_000)) > 0
    }
}
