import Foundation
import Synchronization

/// Runs a source and a chain of stages, each on its own Dispatch queue, connected by bounded
/// queues.
///
/// Items keep their order. A full queue blocks its producer, so memory stays flat however long
/// the input. The first error cancels every queue; each stage is still closed (with `.failed`)
/// so sinks can clean up, and `run()` rethrows that error. `interrupt()` ends the input early:
/// queued items drain and stages close with `.interrupted`; a second call abandons the queues.
public final class PipelineRunner: @unchecked Sendable {
    /// Frames that reached the last stage so far (safe to read from any thread).
    public var framesCompleted: Int { completed.load(ordering: .relaxed) }
    /// Frames the source expects to deliver, when known.
    public var expectedFrames: Int? { source.expectedFrames }
    /// Told, on the last stage's thread, each frame's latency in seconds (from leaving the
    /// decoder to leaving the last stage). Set before `run()`.
    public var onFrameCompleted: (@Sendable (Double) -> Void)?

    private let source: SourceStage
    private let stages: [Stage]
    private let queues: [BoundedQueue<PipelineItem>]
    private let completed = Atomic<Int>(0)
    private let lock = NSLock()
    private var firstError: Error?
    private var interruptions = 0
    private var statistics: [StageStatistics]

    /// - Parameters:
    ///   - queueCapacity: items each queue holds before its producer waits (or drops).
    ///   - queuePolicy: what the intake queue (from the source to the first stage) does when
    ///     full. The queues after it always wait: a live source loses frames only at intake, so
    ///     every sink gets the same frames, and the waits there bound the latency.
    public init(source: SourceStage, stages: [Stage], queueCapacity: Int = 8, queuePolicy: QueuePolicy = .block) {
        precondition(!stages.isEmpty, "a pipeline needs at least one stage after its source")
        self.source = source
        self.stages = stages
        queues = stages.enumerated().map { index, stage in
            BoundedQueue(name: "→ \(stage.name)", capacity: queueCapacity, policy: index == 0 ? queuePolicy : .block, keeps: \.isMarker)
        }
        statistics = [StageStatistics(name: source.name)] + stages.map { StageStatistics(name: $0.name) }
    }

    /// Ends the input early; a second call also abandons queued work.
    public func interrupt() {
        lock.lock()
        interruptions += 1
        let hard = interruptions > 1
        lock.unlock()
        source.cancel()
        if hard { queues.forEach { $0.cancel() } }
    }

    /// Runs to the end of the input, an interruption, or the first error.
    /// - Throws: the first error any stage threw, after every stage has been closed.
    public func run() throws -> RunReport {
        let started = DispatchTime.now()
        for (index, stage) in stages.enumerated() {
            do { try stage.open() } catch {
                for opened in stages[..<index] { try? opened.close(.failed, emit: { _ in }) }
                throw error
            }
        }
        let group = DispatchGroup()
        DispatchQueue(label: "segstream.\(source.name)").async(group: group) { self.runSource() }
        for index in stages.indices {
            DispatchQueue(label: "segstream.\(stages[index].name)").async(group: group) { self.runStage(index) }
        }
        group.wait()
        let wall = Double(DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1e9
        lock.lock()
        defer { lock.unlock() }
        if let firstError { throw firstError }
        return RunReport(ending: interruptions > 0 ? .interrupted : .finished, frames: framesCompleted,
                         wallSeconds: wall, stages: statistics, queues: queues.map(\.statistics), notes: stages.flatMap(\.notes))
    }

    /// The figures so far, safe to read from any thread while the pipeline runs: per-stage
    /// statistics (the source first), and per queue its statistics and current depth.
    public func snapshot() -> (stages: [StageStatistics], queues: [(statistics: QueueStatistics, depth: Int)]) {
        lock.lock()
        let stages = statistics
        lock.unlock()
        return (stages, queues.map { ($0.statistics, $0.depth) })
    }

    private var ending: RunEnding {
        lock.lock()
        defer { lock.unlock() }
        return firstError != nil ? .failed : interruptions > 0 ? .interrupted : .finished
    }

    private func fail(_ error: Error) {
        lock.lock()
        let isFirst = firstError == nil
        if isFirst { firstError = error }
        lock.unlock()
        guard isFirst else { return }
        source.cancel()
        queues.forEach { $0.cancel() }
    }

    private func record(_ index: Int, busy: Double, frames: Int) {
        lock.lock()
        statistics[index].busySeconds += busy
        statistics[index].frames += frames
        lock.unlock()
    }

    private func runSource() {
        let output = queues[0]
        defer { output.close() }
        do {
            while ending == .finished {
                let started = DispatchTime.now()
                guard let item = try source.next() else { break }
                record(0, busy: Self.seconds(since: started), frames: item.isFrame ? 1 : 0)
                guard output.push(item) else { break }
            }
        } catch {
            if ending == .finished { fail(error) }
        }
    }

    private func runStage(_ index: Int) {
        let stage = stages[index]
        let input = queues[index]
        let output = index + 1 < queues.count ? queues[index + 1] : nil
        defer { output?.close() }
        var waited = 0.0   // seconds inside `emit`, waiting for room downstream: not busy time
        let emit: (PipelineItem) throws -> Void = { item in
            if let output {
                let started = DispatchTime.now()
                defer { waited += Self.seconds(since: started) }
                guard output.push(item) else { throw CancellationError() }
            }
        }
        var closed = false
        do {
            while let item = input.pop() {
                let started = DispatchTime.now()
                waited = 0
                try stage.process(item, emit: emit)
                record(index + 1, busy: Self.seconds(since: started) - waited, frames: item.isFrame ? 1 : 0)
                if output == nil, case .frame(let frame) = item {
                    onFrameCompleted?(Double(DispatchTime.now().uptimeNanoseconds - frame.arrival) / 1e9)
                    completed.add(1, ordering: .relaxed)
                }
            }
            let started = DispatchTime.now()
            waited = 0
            closed = true
            try stage.close(ending, emit: emit)
            record(index + 1, busy: Self.seconds(since: started) - waited, frames: 0)
        } catch is CancellationError where ending == .interrupted {
            if !closed { try? stage.close(.interrupted, emit: { _ in }) }
        } catch {
            fail(error)
            if !closed { try? stage.close(.failed, emit: { _ in }) }
        }
    }

    private static func seconds(since start: DispatchTime) -> Double {
        Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
    }
}
