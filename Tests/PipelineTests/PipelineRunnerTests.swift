import Foundation
import Testing
import TestSupport
import VideoIO
@testable import Pipeline

/// Passes items on, recording frame indices and how it was closed; optionally slow or failing.
final class RecordingStage: Stage, @unchecked Sendable {
    struct Boom: Error {}
    let name: String
    var indices: [Int] = []
    var ending: RunEnding?
    var failAt: Int?
    var delay: TimeInterval = 0
    /// Called with each frame's index before the frame is passed on.
    var onFrame: ((Int) -> Void)?

    init(name: String) { self.name = name }

    func process(_ item: PipelineItem, emit: (PipelineItem) throws -> Void) throws {
        if case .frame(let frame) = item {
            if frame.picture.index == failAt { throw Boom() }
            indices.append(frame.picture.index)
            onFrame?(frame.picture.index)
            if delay > 0 { Thread.sleep(forTimeInterval: delay) }
        }
        try emit(item)
    }

    func close(_ ending: RunEnding, emit: (PipelineItem) throws -> Void) throws { self.ending = ending }
}

@Suite struct PipelineRunnerTests {
    @Test func everyFrameArrivesInOrderThroughEveryStage() throws {
        let stages = (0..<3).map { RecordingStage(name: "stage\($0)") }
        let source = try VideoSource(url: Fixtures.clip("audio.mp4"))
        let report = try PipelineRunner(source: source, stages: stages, queueCapacity: 2).run()
        #expect(report.ending == .finished)
        #expect(report.frames == 50)
        for stage in stages {
            #expect(stage.indices == Array(0..<50))
            #expect(stage.ending == .finished)
        }
        #expect(report.queues.allSatisfy { $0.maxDepth <= 2 })
        #expect(report.stages.map(\.name) == ["decode", "stage0", "stage1", "stage2"])
        #expect(report.table.contains("stage2"))
        #expect(source.expectedFrames == 50)
    }

    @Test func firstErrorCancelsAllAndSinksRemoveTheirOutput() throws {
        let folder = try TemporaryFolder()
        let failing = RecordingStage(name: "failing")
        failing.failAt = 10
        let after = RecordingStage(name: "after")
        let source = try VideoSource(url: Fixtures.clip("cfr.mp4"))
        let sink = try VideoSink(path: folder.path("out.mp4"), source: source.reader.info)
        #expect(throws: RecordingStage.Boom.self) {
            try PipelineRunner(source: source, stages: [failing, after, sink]).run()
        }
        #expect(failing.ending == .failed && after.ending == .failed)
        #expect(after.indices == Array(0..<10) || after.indices.count < 10)
        #expect(folder.contents.isEmpty, "the partial output is removed")
    }

    // A hang guard: the limit also counts time spent waiting for a free test worker.
    @Test(.timeLimit(.minutes(5))) func interruptionFinalisesAPlayableOutput() throws {
        let folder = try TemporaryFolder()
        let slow = RecordingStage(name: "slow")
        slow.delay = 0.02
        let source = try VideoSource(url: Fixtures.clip("cfr.mp4"))
        var options = WriterOptions()
        options.preset = "ultrafast"
        let sink = try VideoSink(path: folder.path("out.mp4"), source: source.reader.info, options: options)
        let runner = PipelineRunner(source: source, stages: [slow, sink], queueCapacity: 2)
        // Interrupted from inside the run once frame 10 arrives: a timer on a dispatch queue
        // could fire only after the run ended on a machine busy with other tests.
        slow.onFrame = { [weak runner] in if $0 == 10 { runner?.interrupt() } }
        let report = try runner.run()
        #expect(report.ending == .interrupted)
        #expect(report.frames > 0 && report.frames < 50)
        #expect(folder.contents == ["out.mp4"])
        #expect(try FFprobe.framePTS(folder.path("out.mp4")).count == report.frames)
    }
}
