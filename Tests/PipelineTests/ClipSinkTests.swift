import Foundation
import Segmentation
import Testing
import TestSupport
import VideoIO
@testable import Pipeline

/// Gives each frame labels whose "person" share follows a script: `areas[index]` or none.
final class ScriptedLabels: Stage {
    let name = "script"
    let areas: [Int: Double]

    init(areas: [Int: Double]) { self.areas = areas }

    func process(_ item: PipelineItem, emit: (PipelineItem) throws -> Void) throws {
        if case .frame(let frame) = item {
            let total = frame.picture.width * frame.picture.height
            let people = Int((areas[frame.picture.index] ?? 0) * Double(total))
            frame.labels = LabelMap(width: frame.picture.width, height: frame.picture.height,
                                    pixels: (0..<total).map { $0 < people ? 11 : 0 })
        }
        try emit(item)
    }
}

@Suite struct ClipSinkTests {
    @Test func oneClipPerLongEnoughEventWithPaddingAndIndex() throws {
        let folder = try TemporaryFolder()
        // cfr.mp4: 50 frames at 25 fps. Event A: frames 10-24 (0.40-0.96 s), peak at frame 20.
        // Event B: frames 40-44 (0.16 s) and C: 46-49 are shorter than `min` and give no clip.
        var areas: [Int: Double] = [:]
        for i in 10...24 { areas[i] = 0.1 }
        areas[20] = 0.5
        for i in [40, 41, 42, 43, 44, 46, 47, 48, 49] { areas[i] = 0.2 }
        let source = try VideoSource(url: Fixtures.clip("cfr.mp4"))
        var options = WriterOptions()
        options.preset = "ultrafast"
        let clips = try ClipSink(folder: folder.path("clips"), trigger: ClipTrigger(parsing: "person>0.05", labels: .cityscapes),
                                 minimum: 0.3, pre: 0.3, post: 0.3, source: source.reader.info, options: options)
        _ = try PipelineRunner(source: source, stages: [ScriptedLabels(areas: areas), clips]).run()

        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path("clips")).sorted() == ["clip-001.mp4", "index.json"])
        // Padding: from the first frame at or after 0.40 - 0.3 s (frame 3, 0.12 s) to the last
        // within 0.3 s after the event (frame 31, 1.24 s).
        let times = try FFprobe.framePTS(folder.path("clips/clip-001.mp4"))
        #expect(times.count == 29)
        #expect(abs((times.first ?? -1) - 0) < 1e-3, "clips start at 0")
        let index = try JSONDecoder().decode([[String: ClipValue]].self, from: Data(contentsOf: URL(fileURLWithPath: folder.path("clips/index.json"))))
        #expect(index.count == 1)
        let event = try #require(index.first)
        #expect(event["file"] == .text("clip-001.mp4") && event["class_name"] == .text("person"))
        #expect(event["start"]?.number.map { abs($0 - 0.40) < 1e-6 } == true)
        #expect(event["end"]?.number.map { abs($0 - 0.96) < 1e-6 } == true)
        #expect(event["peak_time"]?.number.map { abs($0 - 0.80) < 1e-6 } == true)
        #expect(event["peak_area"]?.number.map { abs($0 - 0.5) < 0.01 } == true)
        #expect(event["clip_start"]?.number.map { abs($0 - 0.12) < 1e-6 } == true)
        #expect(event["clip_end"]?.number.map { abs($0 - 1.24) < 1e-6 } == true)
    }

    @Test func unknownTriggerClassIsAClearError() {
        #expect { try ClipTrigger(parsing: "unicorn>0.1", labels: .cityscapes) } throws: { "\($0)".contains("unknown class 'unicorn'") }
        #expect(throws: ClipTriggerError.self) { try ClipTrigger(parsing: "person>2", labels: .cityscapes) }
    }
}

/// A JSON scalar from the clips index.
enum ClipValue: Decodable, Equatable {
    case text(String)
    case number(Double)

    init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let text = try? container.decode(String.self) { self = .text(text) } else { self = .number(try container.decode(Double.self)) }
    }

    var number: Double? { if case .number(let value) = self { value } else { nil } }
}
