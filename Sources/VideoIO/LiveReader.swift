import Dispatch
import Foundation
import Synchronization

/// Reads a live stream (RTSP, RTMP, SRT, UDP) and reconnects when it is lost.
///
/// When the stream ends, fails, or stalls (`ReconnectPolicy.stallTimeout` without data), the
/// reader reconnects with backoff within `ReconnectPolicy.window`, calling `warn` before each
/// attempt. Frames after a reconnect continue the first connection's timeline: indices keep
/// counting and timestamps resume after the wall-clock time that was lost, announced by a
/// `.gap` item. Audio of a new connection is delivered from its first video frame on. When the
/// window passes without the stream, or it comes back at another picture size, reading ends and
/// `failure` says why.
public final class LiveReader: MediaReading {
    public let info: MediaInfo
    /// Why the stream was given up; nil while it plays or after it ended normally.
    public private(set) var failure: String?
    /// Connections re-established so far (safe to read from any thread).
    public var reconnects: Int { reconnectCount.load(ordering: .relaxed) }
    /// Whether the stream is lost and being reconnected now (safe to read from any thread).
    public var isReconnecting: Bool { reconnecting.load(ordering: .relaxed) }

    private let url: String
    private let options: ReaderOptions
    private let policy: ReconnectPolicy
    private let warn: @Sendable (String) -> Void
    private let interrupt = InterruptFlag()
    private let errors = SharedCounter()
    private let wake = DispatchSemaphore(value: 0)
    private let reconnectCount = Atomic<Int>(0)
    private let reconnecting = Atomic<Bool>(false)
    private var reader: VideoReader?
    private var pastDamage: [String] = []
    private var delivered = 0
    /// The last frame delivered: its timestamp and when it was delivered (uptime, ns).
    private var lastFrame: (pts: Int64, uptime: UInt64)?
    /// Ticks added to this connection's timestamps; nil until its first frame.
    private var offset: Int64? = 0
    private var pendingGap: StreamGap?
    private var held: MediaItem?

    /// Opens `url`; a first connection that fails throws as `VideoReader` does.
    /// - Parameter warn: told of each loss and reconnect attempt (one line, credentials hidden).
    public init(url: String, options: ReaderOptions, policy: ReconnectPolicy, warn: @escaping @Sendable (String) -> Void) throws {
        var options = options
        options.stallTimeout = policy.stallTimeout
        options.networkTimeout = min(options.networkTimeout, policy.stallTimeout)
        self.url = url
        self.options = options
        self.policy = policy
        self.warn = warn
        let reader = try VideoReader(url: url, options: options, interrupt: interrupt, errors: errors)
        self.reader = reader
        info = reader.info
    }

    public var decodeErrors: Int { errors.value }

    public var damage: String? {
        let parts = pastDamage + (reader?.decodeDamage.map { [$0] } ?? [])
        return parts.isEmpty ? nil : parts.joined(separator: "; ")
    }

    public func cancel() {
        interrupt.raise()
        wake.signal()
    }

    public func next() throws -> MediaItem? {
        if let item = held {
            held = nil
            return item
        }
        while let current = reader {
            let item: MediaItem?
            do {
                item = try current.next()
            } catch where !interrupt.isRaised {
                reconnect(after: describe(error))
                continue
            }
            switch item {
            case .video(let frame):
                return continuing(frame)
            case .audio(let packet):
                if continuing(packet) { return .audio(packet) }
            case .gap, nil:
                if interrupt.isRaised || current.reachedLimit { return nil }
                reconnect(after: current.readError.map { "\(info.displayURL): \($0)" } ?? "\(info.displayURL): the stream ended")
            }
        }
        return nil
    }

    /// Tries to connect again until the window passes; leaves `reader` nil when it does (or
    /// when cancelled).
    private func reconnect(after loss: String) {
        if let damage = reader?.decodeDamage { pastDamage.append(damage) }
        reader = nil
        reconnecting.store(true, ordering: .relaxed)
        defer { reconnecting.store(false, ordering: .relaxed) }
        let lost = DispatchTime.now().uptimeNanoseconds
        var reason = loss, delay = policy.firstDelay, attempts = 0
        while true {
            let elapsed = Double(DispatchTime.now().uptimeNanoseconds - lost) / 1e9
            guard elapsed < policy.window else {
                failure = "\(reason); gave up after \(policy.window.formatted()) s without the stream (\(attempts) reconnect attempt(s))"
                return
            }
            attempts += 1
            let wait = min(delay, policy.window - elapsed)
            warn("\(reason); reconnecting in \(((wait * 10).rounded() / 10).formatted()) s (attempt \(attempts))")
            if wake.wait(timeout: .now() + wait) == .success || interrupt.isRaised { return }
            do {
                let next = try VideoReader(url: url, options: remainingOptions, interrupt: interrupt, errors: errors)
                let (was, now) = (info.video, next.info.video)
                guard (now.width, now.height) == (was.width, was.height) else {
                    failure = "\(info.displayURL): came back at \(now.width)x\(now.height) instead of \(was.width)x\(was.height); "
                        + "outputs keep one size, so run again to follow it"
                    return
                }
                reader = next
                reconnectCount.add(1, ordering: .relaxed)
                offset = nil
                pendingGap = StreamGap(from: lastFrame.map { Double($0.pts) * info.video.timeBase.doubleValue }, to: 0, reason: loss, attempts: attempts)
                return
            } catch {
                if interrupt.isRaised { return }
                reason = describe(error)
            }
            delay = min(delay * 2, policy.longestDelay)
        }
    }

    /// The options of a later connection: the frames still wanted, no time range.
    private var remainingOptions: ReaderOptions {
        var remaining = options
        remaining.start = nil
        remaining.end = nil
        remaining.maxFrames = options.maxFrames.map { max(1, $0 - delivered) }
        return remaining
    }

    /// `frame` on the first connection's timeline; after a reconnect, the gap comes first.
    private func continuing(_ frame: VideoFrame) -> MediaItem {
        let timeBase = info.video.timeBase
        let now = DispatchTime.now().uptimeNanoseconds
        var pts = frame.timeBase == timeBase ? frame.pts : frame.timeBase.rescale(frame.pts, to: timeBase)
        if offset == nil, let lastFrame {
            let frameRate = info.video.frameRate
            let step = frameRate.num > 0 ? max(1, Rational(frameRate.den, frameRate.num).rescale(1, to: timeBase)) : 1
            let lost = Int64((Double(now - lastFrame.uptime) / 1e9 / timeBase.doubleValue).rounded())
            offset = lastFrame.pts + max(step, lost) - pts
        }
        pts += offset ?? 0
        if let lastFrame, pts <= lastFrame.pts { pts = lastFrame.pts + 1 }
        frame.pts = pts
        frame.timeBase = timeBase
        frame.index = delivered
        delivered += 1
        lastFrame = (pts, now)
        guard var gap = pendingGap else { return .video(frame) }
        pendingGap = nil
        gap.to = frame.seconds
        held = .video(frame)
        return .gap(gap)
    }

    /// Moves `packet` onto the first connection's timeline; false when it cannot be placed
    /// (before this connection's first frame, or a stream the first connection did not have).
    private func continuing(_ packet: AudioPacket) -> Bool {
        guard let offset, info.audio.contains(where: { $0.index == packet.streamIndex && $0.timeBase == packet.timeBase }) else { return false }
        if offset != 0 { packet.shift(by: info.video.timeBase.rescale(offset, to: packet.timeBase)) }
        return true
    }

    /// An error's line, naming the input once.
    private func describe(_ error: Error) -> String {
        let text = "\(error)"
        return text.hasPrefix(info.displayURL) ? text : "\(info.displayURL): \(text)"
    }
}
