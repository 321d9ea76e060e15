import Foundation

/// A one-line progress display on stderr (frames, fps, ETA), redrawn twice a second.
///
/// Shown only when stderr is a terminal and the user did not ask for quiet output.
public final class ProgressLine: @unchecked Sendable {
    private let timer: DispatchSourceTimer
    private let started = DispatchTime.now()
    private let frames: @Sendable () -> Int
    private let expected: Int?

    /// Starts drawing; returns nil when progress should not be shown.
    public init?(quiet: Bool, expectedFrames: Int?, frames: @escaping @Sendable () -> Int) {
        guard !quiet, isatty(STDERR_FILENO) != 0 else { return nil }
        self.frames = frames
        expected = expectedFrames
        timer = DispatchSource.makeTimerSource(queue: DispatchQueue(label: "segstream.progress"))
        timer.schedule(deadline: .now() + 0.5, repeating: 0.5)
        timer.setEventHandler { [unowned self] in draw() }
        timer.resume()
    }

    /// Stops drawing and clears the line. Returns once no redraw is running (the timer's
    /// handler holds this line unowned, so the caller may drop it right after).
    public func stop() {
        let cancelled = DispatchSemaphore(value: 0)
        timer.setCancelHandler { cancelled.signal() }
        timer.cancel()
        cancelled.wait()
        FileHandle.standardError.write("\r\u{1B}[K".data(using: .utf8)!)
    }

    private func draw() {
        let done = frames()
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1e9
        let fps = seconds > 0 ? Double(done) / seconds : 0
        var line = "frame \(done)"
        if let expected { line += "/\(expected)" }
        line += String(format: "  %.1f fps", fps)
        if let expected, fps > 0, expected > done {
            let remaining = Int(Double(expected - done) / fps)
            line += String(format: "  ETA %d:%02d", remaining / 60, remaining % 60)
        }
        FileHandle.standardError.write("\r\u{1B}[K\(line)".data(using: .utf8)!)
    }
}
