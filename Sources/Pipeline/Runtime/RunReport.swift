/// Busy time of one stage.
public struct StageStatistics: Sendable {
    public var name: String
    /// Frames the stage processed.
    public var frames = 0
    /// Seconds spent inside `process` and `close` (the source: inside `next`; audio packets
    /// included), less the time spent handing items on to a full queue (that shows as the next
    /// queue's blocked time).
    public var busySeconds: Double = 0
}

/// What a pipeline run did, for `--stats` and for callers.
public struct RunReport: Sendable {
    public var ending: RunEnding
    /// Frames that reached the last stage.
    public var frames: Int
    public var wallSeconds: Double
    /// The source first, then each stage in order.
    public var stages: [StageStatistics]
    /// The queue in front of each stage, in order.
    public var queues: [QueueStatistics]
    /// The stages' own figures (`Stage.notes`), one line each.
    public var notes: [String] = []

    public var framesPerSecond: Double { wallSeconds > 0 ? Double(frames) / wallSeconds : 0 }

    /// A plain-text table of per-stage busy time and queue figures.
    public var table: String {
        var lines = [String(format: "%d frames in %.2f s (%.1f fps)", frames, wallSeconds, framesPerSecond)]
        lines.append("stage                frames    busy s   busy %  ms/frame")
        for stage in stages {
            let share = wallSeconds > 0 ? 100 * stage.busySeconds / wallSeconds : 0
            let perFrame = stage.frames > 0 ? 1000 * stage.busySeconds / Double(stage.frames) : 0
            lines.append(pad(stage.name, 20) + String(format: "%7d  %8.2f  %7.1f  %8.2f", stage.frames, stage.busySeconds, share, perFrame))
        }
        lines.append("queue                 capacity  max depth  mean depth  blocked s  dropped")
        for queue in queues {
            lines.append(pad(queue.name, 20) + String(format: "%10d  %9d  %10.2f  %9.2f  %7d", queue.capacity,
                                                     queue.maxDepth, queue.meanDepth, queue.blockedSeconds, queue.dropped))
        }
        return (lines + notes).joined(separator: "\n")
    }

    private func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text : text + String(repeating: " ", count: width - text.count)
    }
}
