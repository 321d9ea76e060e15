import Dispatch
import Synchronization
import VideoIO

/// Source stage: decodes a file or stream into frames and audio packets. A live stream
/// (`isLiveStream`) given a reconnect policy is read by a `LiveReader`, which reconnects when it
/// is lost.
///
/// Gives: `.frame` for each decoded picture, `.audio` for each audio packet (in file order),
/// `.gap` where a live stream was lost and came back, and with `splitEvery`, `.piece` before the
/// first frame of each piece after the first (pieces are slots of that many seconds counted from
/// the first frame; a slot without frames, in a gap, has no piece).
public final class VideoSource: SourceStage {
    public let name = "decode"
    public let reader: any MediaReading
    public let expectedFrames: Int?
    private let splitEvery: Double?
    /// The first frame's seconds and the slot of the piece being written.
    private var pieceClock: (origin: Double, slot: Int)?
    private var pieceCount = 0
    private var heldFrame: FrameItem?
    private let lastFrame = Atomic<UInt64>(0)

    /// Opens `url`; see `VideoReader` for the errors.
    /// - Parameters:
    ///   - reconnect: how a live stream comes back when lost; nil: it ends the input.
    ///   - splitEvery: seconds of media per piece of the outputs; nil: no pieces.
    ///   - warn: told of each reconnect attempt.
    public init(url: String, options: ReaderOptions = ReaderOptions(), reconnect: ReconnectPolicy? = nil, splitEvery: Double? = nil,
                warn: @escaping @Sendable (String) -> Void = { _ in }) throws {
        self.splitEvery = splitEvery
        if let reconnect, isLiveStream(url) {
            reader = try LiveReader(url: url, options: options, policy: reconnect, warn: warn)
            expectedFrames = options.maxFrames
        } else {
            reader = try VideoReader(url: url, options: options)
            expectedFrames = Self.expectedFrames(info: reader.info, options: options)
        }
    }

    /// Why a live stream was given up (the run still finalises its outputs); nil otherwise.
    public var failure: String? { (reader as? LiveReader)?.failure }
    /// Times a live stream was reconnected (safe to read from any thread).
    public var reconnects: Int { (reader as? LiveReader)?.reconnects ?? 0 }
    /// Whether a live stream is lost and being reconnected now (safe to read from any thread).
    public var isReconnecting: Bool { (reader as? LiveReader)?.isReconnecting ?? false }
    /// Seconds since the last frame left the decoder; nil before the first (safe to read from any thread).
    public var secondsSinceLastFrame: Double? {
        let last = lastFrame.load(ordering: .relaxed)
        return last == 0 ? nil : Double(DispatchTime.now().uptimeNanoseconds - last) / 1e9
    }

    public func next() throws -> PipelineItem? {
        if let frame = heldFrame {
            heldFrame = nil
            return .frame(frame)
        }
        switch try reader.next() {
        case .video(let picture)?:
            let frame = FrameItem(picture: picture)
            lastFrame.store(frame.arrival, ordering: .relaxed)
            guard let piece = pieceStarted(by: picture) else { return .frame(frame) }
            heldFrame = frame
            return .piece(piece)
        case .audio(let packet)?: return .audio(packet)
        case .gap(let gap)?: return .gap(gap)
        case nil: return nil
        }
    }

    public func cancel() { reader.cancel() }

    /// The piece `picture` starts, when it is the first frame of a new slot.
    private func pieceStarted(by picture: VideoFrame) -> PieceStart? {
        guard let splitEvery else { return nil }
        guard let clock = pieceClock else {
            pieceClock = (picture.seconds, 0)
            return nil
        }
        let slot = Int(((picture.seconds - clock.origin) / splitEvery).rounded(.down))
        guard slot > clock.slot else { return nil }
        pieceClock?.slot = slot
        pieceCount += 1
        return PieceStart(index: pieceCount, seconds: picture.seconds)
    }

    /// Frames in the requested range, when the input's length is known.
    private static func expectedFrames(info: MediaInfo, options: ReaderOptions) -> Int? {
        guard var frames = info.estimatedFrameCount else { return options.maxFrames }
        let fps = info.video.frameRate.doubleValue
        if fps > 0 {
            let start = Int(((options.start ?? 0) * fps).rounded())
            let end = options.end.map { Int(($0 * fps).rounded()) } ?? frames
            frames = max(0, min(frames, end) - start)
        }
        return options.maxFrames.map { min($0, frames) } ?? frames
    }
}
