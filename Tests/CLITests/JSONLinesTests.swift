import Foundation
import Testing
import TestSupport

@Suite struct JSONLinesTests {
    @Test func jsonMasksAndLabelPNGsAreExactlyTheLabelVideo() throws {
        let folder = try TemporaryFolder()
        let model = Fixtures.root.appendingPathComponent("fixtures/models/test/lraspp_mobilenetv3.onnx").path
        let run = try Command.run(Fixtures.executable, ["segment", Fixtures.clip("odd-444.mp4"), "--model", model, "--json", folder.path("f.jsonl"),
                                                        "--rle", "--labels-out", folder.path("labels.mkv"), "--labels-png", folder.path("pngs")])
        #expect(run.status == 0, "\(run.stderr)")
        let lines = try String(contentsOfFile: folder.path("f.jsonl"), encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 26, "a header and 25 frames")

        // Independent checks in Python: schema, pycocotools decode/encode, partition, boxes.
        let python = Fixtures.root.appendingPathComponent(".venv-test/bin/python").path
        let check = try Command.run(python, [Fixtures.root.appendingPathComponent("tools/checks/check_frames_jsonl.py").path, folder.path("f.jsonl"),
                                             Fixtures.root.appendingPathComponent("schemas/frames.schema.json").path, folder.path("masks.raw")])
        #expect(check.status == 0, "\(check.stdout)\(check.stderr)")

        // The masks rebuild exactly the label video, as the ffmpeg CLI decodes it.
        let decoded = try Command.run("ffmpeg", ["-v", "error", "-i", folder.path("labels.mkv"), "-f", "rawvideo", "-pix_fmt", "gray", folder.path("labels.raw")])
        #expect(decoded.status == 0)
        let masks = try Data(contentsOf: URL(fileURLWithPath: folder.path("masks.raw")))
        #expect(masks.count == 161 * 121 * 25)
        let labels = try Data(contentsOf: URL(fileURLWithPath: folder.path("labels.raw")))
        #expect(masks == labels)

        // So do the palette PNGs, as Pillow reads them.
        let pngs = try Command.run(python, [Fixtures.root.appendingPathComponent("tools/checks/png_indices.py").path, folder.path("pngs"), folder.path("pngs.raw")])
        #expect(pngs.status == 0, "\(pngs.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path("pngs")).sorted().first == "000000.png")
        #expect(try Data(contentsOf: URL(fileURLWithPath: folder.path("pngs.raw"))) == labels)
    }

    /// `inferred` in each line, and the counts in `--stats`.
    @Test func carriedFramesAreMarkedNotInferred() throws {
        let folder = try TemporaryFolder()
        let model = Fixtures.root.appendingPathComponent("fixtures/models/test/lraspp_mobilenetv3.onnx").path
        let run = try Command.run(Fixtures.executable, ["segment", Fixtures.clip("audio.mp4"), "--model", model, "--keyframe-interval", "3",
                                                        "--json", folder.path("f.jsonl"), "--quiet", "--stats"])
        #expect(run.status == 0, "\(run.stderr)")
        let frames = try String(contentsOfFile: folder.path("f.jsonl"), encoding: .utf8).split(separator: "\n").dropFirst().map {
            try #require(JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
        }
        #expect(frames.map { $0["index"] as? Int } == Array(0..<50))
        #expect(frames.map { $0["inferred"] as? Bool } == (0..<50).map { $0 % 3 == 0 })
        #expect(run.stderr.contains("temporal: 17 frame(s) inferred, 33 carried from keyframes"), "\(run.stderr)")
    }
}
