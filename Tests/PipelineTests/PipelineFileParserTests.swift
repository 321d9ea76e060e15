import Foundation
import Inference
import Segmentation
import Testing
import TestSupport
@testable import Pipeline

@Suite struct PipelineFileParserTests {
    private func error(_ yaml: String, settings: [String] = []) -> String {
        var overrides = PipelineFileParser.Overrides()
        overrides.settings = settings
        do {
            _ = try PipelineFileParser.parse(yaml, file: "p.yaml", overrides: overrides)
            return "no error"
        } catch {
            return "\(error)"
        }
    }

    @Test func readsEveryKey() throws {
        let spec = try PipelineFileParser.parse("""
            input: in.mp4
            model: m.onnx
            size: 256x512
            decode: {threads: 1, from: 1.5, to: 4, frames: 20, rtsp_transport: udp, stall_timeout: 2.5, reconnect_window: 30}
            queues: {capacity: 3, policy: dropOldest}
            stages:
              - preprocess
              - infer: {batch: 4, threads: 1}
              - temporal: {interval: 3, scene_cut: 0.2, blend: 0.8, search: 16, block: 24}
              - refine: {radius: 4, epsilon: 0.01, weight: 3, iterations: 2, subsampling: 1}
              - overlay: {alpha: 0.25, contours: yes, legend: true}
              - video: {path: o.mp4, preset: fast, crf: 20, threads: 1}
              - json: {path: o.jsonl, rle: true}
              - clips: {folder: c, when: car>0.1, min: 0.5}
            """, file: "p.yaml")
        #expect(spec.input == "in.mp4" && spec.model == "m.onnx" && spec.size == ModelSize(width: 512, height: 256))
        #expect(spec.decode.threads == 1 && spec.decode.from == 1.5 && spec.decode.to == 4 && spec.decode.frames == 20)
        #expect(spec.decode.rtspTransport == .udp && spec.decode.stallTimeout == 2.5 && spec.decode.reconnectWindow == 30)
        #expect(spec.queues.capacity == 3 && spec.queues.policy == .dropOldest)
        #expect(spec.stages.map(\.name) == ["preprocess", "infer", "temporal", "refine", "overlay", "video", "json", "clips"])
        if let t = (spec.stages[2] as? TemporalSpec)?.settings {
            #expect(t.keyframes == KeyframePolicy(interval: 3, sceneCut: 0.2) && t.blend == 0.8)
            #expect(t.matcher.searchRadius == 16 && t.matcher.blockSize == 24)
        } else { Issue.record("temporal") }
        if let r = (spec.stages[3] as? RefineSpec)?.settings {
            #expect(r.radius == 4 && r.epsilon == 0.01 && r.weight == 3 && r.iterations == 2 && r.subsampling == 1)
        } else { Issue.record("refine") }
        if let o = spec.stages[4] as? OverlaySpec { #expect(o.alpha == 0.25 && o.contours && o.legend) } else { Issue.record("overlay") }
        if let v = spec.stages[5] as? VideoSpec { #expect(v.path == "o.mp4" && v.preset == "fast" && v.crf == 20 && v.threads == 1) } else { Issue.record("video") }
        if let j = spec.stages[6] as? JSONSpec { #expect(j.path == "o.jsonl" && j.rle) } else { Issue.record("json") }
        if let clips = spec.stages[7] as? ClipsSpec { #expect(clips.path == "c" && clips.when == "car>0.1" && clips.minimum == 0.5 && clips.pre == 2) } else { Issue.record("clips") }
    }

    @Test func errorsNameTheFileLineAndKey() {
        let base = "input: a.mp4\nstages:\n  - preprocess\n  - infer:\n      batch: 2\n"
        #expect(error(base + "  - video: {path: o.mp4, presett: fast}\n") == "p.yaml:6: unknown key 'presett' in video; expected path, preset, crf, threads")
        #expect(error(base + "  - video: {path: o.mp4, crf: 99}\n") == "p.yaml:6: 'crf' in video must be a whole number in 0...51")
        #expect(error(base + "  - teleport\n").hasPrefix("p.yaml:6: unknown stage 'teleport'"))
        #expect(error("input: a.mp4\nstages:\n  - overlay\n  - video: {path: o.mp4}\n")
                == "p.yaml:3: 'overlay' takes labels, which 'infer', 'temporal' or 'refine' gives: put it before 'overlay'")
        #expect(error("input: a.mp4\nstages:\n  - preprocess\n  - infer\n").contains("no output"))
        #expect(error(base + "  - labels: {path: o.mkv}\n  - refine\n") == "p.yaml:7: 'refine' must come right after 'infer' or 'temporal'")
        #expect(error(base + "  - labels: {path: o.mkv}\n  - temporal\n") == "p.yaml:7: 'temporal' must come right after 'infer'")
        #expect(error(base + "  - temporal: {interval: 0}\n  - labels: {path: o.mkv}\n") == "p.yaml:6: 'interval' in temporal must be a whole number in 1...100")
        #expect(error(base + "  - refine: {weight: -1}\n  - labels: {path: o.mkv}\n") == "p.yaml:6: 'weight' in refine must be a number in 0.0...100.0")
        #expect(error("stages:\n  - video: {path: o.mp4}\n") == "p.yaml:1: the pipeline needs 'input'")
        #expect(error("input: a.mp4\nqueue: {capacity: 2}\nstages: [video: {path: o.mp4}]\n").hasPrefix("p.yaml:2: unknown key 'queue' in the pipeline"))
        #expect(error("input: [unclosed\n").hasPrefix("p.yaml: not valid YAML"))
    }

    @Test func commandLineOverridesApplyAndAreChecked() throws {
        var overrides = PipelineFileParser.Overrides()
        overrides.input = "other.mp4"
        overrides.output = "elsewhere.mp4"
        overrides.settings = ["infer.batch=8", "decode.frames=5", "preprocess.x=1"]
        let yaml = "input: a.mp4\nstages:\n  - preprocess\n  - infer\n  - overlay\n  - video: {path: o.mp4}\n"
        #expect(throws: PipelineFileError.self) { try PipelineFileParser.parse(yaml, file: "p.yaml", overrides: overrides) }
        overrides.settings.removeLast()
        let spec = try PipelineFileParser.parse(yaml, file: "p.yaml", overrides: overrides)
        #expect(spec.input == "other.mp4" && spec.decode.frames == 5)
        #expect((spec.stages[1] as? InferSpec)?.batch == 8)
        #expect((spec.stages[3] as? VideoSpec)?.path == "elsewhere.mp4")
        #expect(error(yaml, settings: ["refine.radius=2"]) == "p.yaml: --set: refine.radius: the pipeline has no 'refine' stage")
        #expect(error(yaml, settings: ["infer.batch=zero"]) == "p.yaml: --set: 'batch' in infer must be a whole number")
        #expect(error(yaml, settings: ["infer.batch=300"]) == "p.yaml: --set: 'batch' in infer must be a whole number in 1...256")
    }

    @Test func stagesThatCannotWorkWhereTheyStandAreRefusedWithTheirLine() {
        let head = "input: a.mp4\nstages:\n  - preprocess\n"
        #expect(error(head + "  - video: {path: o.mp4}\n  - infer\n  - overlay\n")
                == "p.yaml:4: 'video' takes the overlay picture, which 'overlay' gives: put it before 'video'")
        #expect(error(head + "  - infer\n  - video: {path: o.mp4}\n  - overlay\n")
                == "p.yaml:5: 'video' takes the overlay picture, which 'overlay' gives: put it before 'video'")
        #expect(error("input: a.mp4\nstages:\n  - infer\n  - preprocess\n  - labels: {path: o.mkv}\n")
                == "p.yaml:3: 'infer' takes the model input, which 'preprocess' gives: put it before 'infer'")
        #expect(error(head + "  - infer\n  - overlay\n  - overlay\n  - video: {path: o.mp4}\n")
                == "p.yaml:6: 'overlay' is given twice; a pipeline runs it once")
        #expect(error(head + "  - infer\n  - overlay\n  - refine\n  - video: {path: o.mp4}\n")
                == "p.yaml:6: 'refine' must come right after 'infer' or 'temporal'")
        #expect(error(head + "  - infer\n  - overlay\n  - video: {path: a.mp4}\n  - video: {path: b.mp4}\n  - json: {path: c.jsonl}\n") == "no error")
    }

    @Test func contractsDecideWhatEachStageKeeps() throws {
        let spec = try PipelineFileParser.parse("""
            input: a.mp4
            stages: [preprocess, infer, temporal, refine, overlay, {video: {path: o.mp4}}, {labels: {path: o.mkv}}]
            """, file: "p.yaml")
        let contracts = try spec.contracts()
        #expect(contracts.map(\.gives) == [[.modelInput, .guide], [.scores], [.scores], [.labels], [.overlay], [], []])
        #expect(contracts[2].takes == [.guide, .scores] && contracts[2].later.contains(.guide))
        let keyframesOnly = PipelineSpec(input: "a.mp4", stages: [PreprocessSpec(), InferSpec(), TemporalSpec({
            var settings = TemporalAggregation()
            settings.blend = 1
            return settings
        }()), LabelsSpec(path: "o.mkv")])
        let labelsCarried = try keyframesOnly.contracts()
        #expect(labelsCarried[1].gives == [.labels] && labelsCarried[2].takes == [.guide, .labels] && !labelsCarried[2].later.contains(.guide))
    }

    /// Each stage's doc example, put in place of its stage in a full pipeline, parses.
    @Test func everyStageDocExampleParses() throws {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../Sources/Pipeline/Stages")
        let chain = ["preprocess", "infer", "temporal", "refine", "overlay", "video: {path: o.mp4}"]
        var seen = Set<String>()
        for file in try FileManager.default.contentsOfDirectory(atPath: folder.path) where file.hasSuffix(".swift") {
            let text = try String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8)
            for example in YAMLExamples.inDocComments(text) {
                let name = String(example.dropFirst(2).prefix { $0.isLetter })
                let entry = example.split(separator: "\n").map { "  " + $0 }.joined(separator: "\n")
                var stages = chain.map { "  - " + $0 }
                if let index = chain.firstIndex(where: { $0.hasPrefix(name) }) { stages[index] = entry } else { stages.append(entry) }
                _ = try PipelineFileParser.parse("input: a.mp4\nstages:\n" + stages.joined(separator: "\n") + "\n", file: file)
                seen.insert(name)
            }
        }
        #expect(seen == Set(StageRegistry.names))
    }

    /// The pipeline files in pipelines/, the README's examples and the parser's own doc example parse.
    @Test func everyPipelineFileAndDocumentedPipelineParses() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../..").standardized
        let folder = root.appendingPathComponent("pipelines")
        var pipelines: [(String, String)] = []
        for file in try FileManager.default.contentsOfDirectory(atPath: folder.path) where file.hasSuffix(".yaml") {
            pipelines.append((file, try String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8)))
        }
        let readme = try String(contentsOf: root.appendingPathComponent("README.md"), encoding: .utf8)
        pipelines += YAMLExamples.inMarkdown(readme).map { ("README.md", $0) }
        let parser = try String(contentsOf: root.appendingPathComponent("Sources/Pipeline/PipelineFile/PipelineFileParser.swift"), encoding: .utf8)
        pipelines += YAMLExamples.inDocComments(parser).map { ("PipelineFileParser.swift", $0) }
        #expect(pipelines.count >= 5)
        for (file, text) in pipelines { _ = try PipelineFileParser.parse(text, file: file) }
    }

    /// Live network streams drop the oldest item of a full queue unless the file says otherwise;
    /// files wait.
    @Test func liveStreamsRunLiveByDefault() throws {
        func policy(_ input: String, _ queues: String = "") throws -> QueuePolicy {
            try PipelineFileParser.parse("input: \(input)\n\(queues)stages: [preprocess, infer, {labels: {path: o.mkv}}]\n", file: "p.yaml").queuePolicy
        }
        #expect(try policy("rtsp://cam/live") == .dropOldest)
        #expect(try policy("srt://cam:9000") == .dropOldest)
        #expect(try policy("clip.mp4") == .block)
        #expect(try policy("rtsp://cam/live", "queues: {policy: block}\n") == .block)
        #expect(try policy("clip.mp4", "queues: {policy: dropOldest}\n") == .dropOldest)
        #expect(error("input: a.mp4\ndecode: {rtsp_transport: quic}\nstages: [preprocess, infer, {labels: {path: o.mkv}}]\n")
                == "p.yaml:2: 'rtsp_transport' in 'decode' must be tcp or udp")
    }

    @Test func keyframesCanBeAdaptive() throws {
        let spec = try PipelineFileParser.parse("""
            input: a.mp4
            stages: [preprocess, infer, {temporal: {interval: auto, max_interval: 5, change: 0.04}}, {labels: {path: o.mkv}}]
            """, file: "p.yaml")
        let keyframes = try #require(spec.stages[2] as? TemporalSpec).settings.keyframes
        #expect(keyframes.adaptive && keyframes.interval == 5 && keyframes.change == 0.04)
        #expect(error("input: a.mp4\nstages: [preprocess, infer, {temporal: {interval: often}}, {labels: {path: o.mkv}}]\n")
                == "p.yaml:2: 'interval' in temporal must be a whole number")
        #expect(error("input: a.mp4\nstages: [preprocess, infer, {temporal: {interval: 3, max_interval: 5}}, {labels: {path: o.mkv}}]\n")
                == "p.yaml:2: 'max_interval' in temporal needs 'interval: auto'")
    }
}

@Suite struct PieceNamingTests {
    @Test func numbersPiecesBeforeTheExtensionUnlessThePathSaysWhere() {
        let piece = PieceStart(index: 7, seconds: 70, wallClock: Date(timeIntervalSince1970: 0))
        #expect(PieceNaming(splitting: "out/cam.mp4").path(for: piece) == "out/cam-000007.mp4")
        #expect(PieceNaming(splitting: "out/cam.labels.mkv").path(for: piece) == "out/cam.labels-000007.mkv")
        #expect(PieceNaming(splitting: "out/pngs").path(for: piece) == "out/pngs-000007")
        #expect(PieceNaming(splitting: "out/{n}/cam.mp4").path(for: piece) == "out/000007/cam.mp4")
        let local = DateFormatter()
        local.dateFormat = "yyyyMMdd-HHmmss"
        #expect(PieceNaming(splitting: "out/%Y%m%d-%H%M%S.mp4").path(for: piece) == "out/\(local.string(from: piece.wallClock)).mp4")
    }
}
