import Foundation
import Segmentation
import VideoIO

/// One recorded event, as listed in the clips index.
public struct ClipEvent: Codable, Sendable, Equatable {
    /// The clip's file name in the clips folder.
    public var file: String
    public var className: String
    /// First and last time (seconds, input timeline) the trigger held.
    public var start: Double
    public var end: Double
    /// Time and area share of the event's largest area.
    public var peakTime: Double
    public var peakArea: Double
    /// Times of the clip's first and last frame (input timeline), padding included.
    public var clipStart: Double
    public var clipEnd: Double
}

/// Sink stage: writes one annotated clip (H.264, with audio) per event where the trigger class's
/// area share exceeds the threshold for at least `minimum` seconds, padded by `pre` seconds
/// before and `post` after, plus `index.json` listing the events.
///
/// Takes: `.frame` with `labels` (and the overlay picture, when an overlay stage ran before);
/// `.audio`. Passes every item on. Frames are held for `pre + minimum` seconds so a clip can
/// start before its event is confirmed. Events closer than `pre + post` share a clip.
///
/// ```yaml
/// - clips:
///     folder: out/clips
///     when: person>0.02   # CLASS>AREA: the class covers more than this share of the frame
///     min: 1              # seconds the trigger must hold
///     pre: 2              # seconds of padding before each event
///     post: 2             # and after it
///     preset: veryfast
///     crf: 23
/// ```
public final class ClipSink: Stage {
    public let name = "clips"
    public private(set) var events: [ClipEvent] = []
    public private(set) var warnings: [String] = []

    private let folder: URL
    private let trigger: ClipTrigger
    private let minimum: Double, pre: Double, post: Double
    private let source: MediaInfo
    private let writerOptions: WriterOptions
    /// Items not yet written: the last `pre` seconds, and the pending event's frames.
    private var held: [(item: PipelineItem, seconds: Double)] = []
    private var recording: (writer: VideoWriter, event: ClipEvent)?
    private var candidate: (start: Double, peakTime: Double, peakArea: Double)?
    private var lastTriggered: Double?

    public init(folder: String, trigger: ClipTrigger, minimum: Double, pre: Double, post: Double,
                source: MediaInfo, options: WriterOptions) throws {
        self.folder = URL(fileURLWithPath: folder)
        self.trigger = trigger
        self.minimum = minimum
        self.pre = pre
        self.post = post
        self.source = source
        writerOptions = options
        do {
            try FileManager.default.createDirectory(at: self.folder, withIntermediateDirectories: true)
        } catch {
            throw PipelineError("\(folder): cannot create the folder: \(error.localizedDescription)")
        }
    }

    public func process(_ item: PipelineItem, emit: (PipelineItem) throws -> Void) throws {
        let seconds: Double
        switch item {
        case .frame(let frame):
            seconds = frame.picture.seconds
            if let labels = frame.labels { try observe(area: trigger.area(in: labels), at: seconds) }
        case .audio(let packet):
            seconds = Double(packet.pts) * packet.timeBase.doubleValue
        case .gap, .piece:
            return try emit(item)
        }
        if recording != nil, case .frame = item, let last = lastTriggered, seconds - last > post { try finishClip() }
        if let writer = recording?.writer {
            try write(item, to: writer)
            if case .frame = item { recording?.event.clipEnd = seconds }
        } else {
            held.append((item, seconds))
            let keepFrom = (candidate?.start ?? seconds) - pre
            held.removeAll { $0.seconds < keepFrom }
        }
        try emit(item)
    }

    public func close(_ ending: RunEnding, emit: (PipelineItem) throws -> Void) throws {
        if ending == .failed {
            recording?.writer.abort()
        } else if recording != nil {
            try finishClip()
        }
        let encoder = JSONEncoder.segstream(pretty: true)
        let index = folder.appendingPathComponent("index.json").path
        let output = try OutputFile(path: index, inputs: [source.url])
        guard FileManager.default.createFile(atPath: output.temporaryPath, contents: try encoder.encode(events)) else {
            throw PipelineError("\(index): cannot write the file")
        }
        try output.commit()
    }

    /// Tracks the trigger; starts a clip once it has held for `minimum` seconds.
    private func observe(area: Double, at seconds: Double) throws {
        guard area > trigger.threshold else {
            candidate = nil
            return
        }
        lastTriggered = seconds
        if var event = recording?.event {
            event.end = seconds
            if area > event.peakArea { (event.peakTime, event.peakArea) = (seconds, area) }
            recording?.event = event
            return
        }
        var pending = candidate ?? (seconds, seconds, area)
        if area > pending.peakArea { (pending.peakTime, pending.peakArea) = (seconds, area) }
        candidate = pending
        if seconds - pending.start >= minimum { try startClip(pending, now: seconds) }
    }

    private func startClip(_ pending: (start: Double, peakTime: Double, peakArea: Double), now: Double) throws {
        let file = String(format: "clip-%03d.mp4", events.count + 1)
        let clipStart = held.first { if case .frame = $0.item { return true } else { return false } }?.seconds ?? pending.start
        var options = writerOptions
        options.timeOrigin = clipStart
        let writer = try VideoWriter(path: folder.appendingPathComponent(file).path, source: source, options: options)
        for entry in held where entry.seconds >= clipStart { try write(entry.item, to: writer) }
        held.removeAll()
        candidate = nil
        recording = (writer, ClipEvent(file: file, className: trigger.className, start: pending.start, end: now,
                                       peakTime: pending.peakTime, peakArea: pending.peakArea, clipStart: clipStart, clipEnd: now))
    }

    private func finishClip() throws {
        guard let (writer, event) = recording else { return }
        recording = nil
        try writer.finish()
        warnings += writer.warnings
        events.append(event)
    }

    private func write(_ item: PipelineItem, to writer: VideoWriter) throws {
        switch item {
        case .frame(let frame): try writer.write(frame.picture)
        case .audio(let packet): try writer.write(packet)
        case .gap, .piece: break
        }
    }
}

/// `clips`: one annotated clip per event where a class's area share exceeds a threshold.
public struct ClipsSpec: FileStageSpec, SinkSpec {
    public static let name = "clips"
    public static let writesFolder = true
    static let keys = ["folder", "when", "min", "pre", "post", "preset", "crf"]
    /// The clips folder.
    public var path: String
    /// The trigger, `NAME>FRACTION` (e.g. `person>0.02`).
    public var when: String
    /// Seconds the trigger must hold; seconds of padding before and after an event.
    public var minimum: Double = 1
    public var pre: Double = 2
    public var post: Double = 2
    public var preset = "medium"
    public var crf = 23

    public init(folder: String, when: String) {
        path = folder
        self.when = when
    }

    mutating func read(_ options: Fields) throws {
        path = try options.required("folder")
        when = try options.required("when")
        minimum = try options.double("min") ?? minimum
        pre = try options.double("pre") ?? pre
        post = try options.double("post") ?? post
        preset = try options.string("preset") ?? preset
        crf = try options.int("crf") ?? crf
    }

    public func validate() throws(OptionError) {
        try OptionError.check("min", minimum, in: 0...)
        try OptionError.check("pre", pre, in: 0...)
        try OptionError.check("post", post, in: 0...)
        try OptionError.check("preset", preset, oneOf: x264Presets)
        try OptionError.check("crf", crf, in: 0...51)
    }

    public func contract(later: Set<FrameField>) -> StageContract {
        StageContract(takes: [.labels], gives: [], repeatable: true)
    }

    public func make(_ context: StageContext, contract: StageContract) throws -> Stage {
        let trigger: ClipTrigger
        do { trigger = try ClipTrigger(parsing: when, labels: context.labels()) } catch let error as ClipTriggerError {
            throw PipelineError("clips: \(error)")
        }
        var options = WriterOptions()
        options.preset = preset
        options.crf = crf
        let sink = try ClipSink(folder: path, trigger: trigger, minimum: minimum, pre: pre, post: post,
                                source: context.info, options: options)
        context.reportWarnings { sink.warnings }
        return sink
    }
}
