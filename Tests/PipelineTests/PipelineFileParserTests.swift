import Segmentation
import Testing
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
            decode: {threads: 1, from: 1.5, to: 4, frames: 20}
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
        #expect(spec.input == "in.mp4" && spec.model == "m.onnx" && spec.size == "256x512")
        #expect(spec.decode.threads == 1 && spec.decode.from == 1.5 && spec.decode.to == 4 && spec.decode.frames == 20)
        #expect(spec.queues.capacity == 3 && spec.queues.policy == .dropOldest)
        #expect(spec.stages.map(\.name) == ["preprocess", "infer", "temporal", "refine", "overlay", "video", "json", "clips"])
        if case .temporal(let t) = spec.stages[2] {
            #expect(t.keyframes == KeyframePolicy(interval: 3, sceneCut: 0.2) && t.blend == 0.8)
            #expect(t.matcher.searchRadius == 16 && t.matcher.blockSize == 24)
        } else { Issue.record("temporal") }
        if case .refine(let r) = spec.stages[3] {
            #expect(r.radius == 4 && r.epsilon == 0.01 && r.weight == 3 && r.iterations == 2 && r.subsampling == 1)
        } else { Issue.record("refine") }
        if case .overlay(let alpha, let contours, let legend, _) = spec.stages[4] { #expect(alpha == 0.25 && contours && legend) } else { Issue.record("overlay") }
        if case .clips(let clips) = spec.stages[7] { #expect(clips.minimum == 0.5 && clips.pre == 2) } else { Issue.record("clips") }
    }

    @Test func errorsNameTheFileLineAndKey() {
        let base = "input: a.mp4\nstages:\n  - preprocess\n  - infer:\n      batch: 2\n"
        #expect(error(base + "  - video: {path: o.mp4, presett: fast}\n") == "p.yaml:6: unknown key 'presett' in video; expected path, preset, crf, threads")
        #expect(error(base + "  - video: {path: o.mp4, crf: 99}\n") == "p.yaml:6: 'crf' in video must be a whole number in 0...51")
        #expect(error(base + "  - teleport\n").hasPrefix("p.yaml:6: unknown stage 'teleport'"))
        #expect(error("input: a.mp4\nstages:\n  - overlay\n  - video: {path: o.mp4}\n").contains("'overlay' needs 'infer' before it"))
        #expect(error("input: a.mp4\nstages:\n  - preprocess\n  - infer\n").contains("no output"))
        #expect(error(base + "  - labels: {path: o.mkv}\n  - refine\n").contains("'refine' must come right after 'infer' or 'temporal'"))
        #expect(error(base + "  - labels: {path: o.mkv}\n  - temporal\n").contains("'temporal' must come right after 'infer'"))
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
        let yaml = "input: a.mp4\nstages:\n  - preprocess\n  - infer\n  - video: {path: o.mp4}\n"
        #expect(throws: PipelineFileError.self) { try PipelineFileParser.parse(yaml, file: "p.yaml", overrides: overrides) }
        overrides.settings.removeLast()
        let spec = try PipelineFileParser.parse(yaml, file: "p.yaml", overrides: overrides)
        #expect(spec.input == "other.mp4" && spec.decode.frames == 5)
        if case .infer(let batch, _) = spec.stages[1] { #expect(batch == 8) } else { Issue.record("infer") }
        if case .video(let path, _, _, _) = spec.stages[2] { #expect(path == "elsewhere.mp4") } else { Issue.record("video") }
        #expect(error(yaml, settings: ["overlay.alpha=0.2"]) == "p.yaml: --set: overlay.alpha: the pipeline has no 'overlay' stage")
        #expect(error(yaml, settings: ["infer.batch=zero"]) == "p.yaml: --set: 'batch' in infer must be a whole number in 1...256")
    }
}
