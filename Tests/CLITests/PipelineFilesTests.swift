import Foundation
import Testing
import TestSupport

@Suite struct PipelineFilesTests {
    @Test(arguments: ["dashcam.yaml", "json-labels.yaml", "clip-export.yaml"])
    func everyPipelineFileParsesAndRuns(_ name: String) throws {
        let folder = try TemporaryFolder()
        let model = Fixtures.root.appendingPathComponent("fixtures/models/test/lraspp_mobilenetv3.onnx").path
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Fixtures.executable)
        process.arguments = ["run", Fixtures.root.appendingPathComponent("pipelines/\(name)").path, "--input", Fixtures.clip("audio.mp4"),
                             "--set", "model=\(model)", "--set", "decode.frames=20", "--quiet"]
            + (name == "clip-export.yaml" ? ["--set", "clips.when=road>0.01", "--set", "clips.min=0.1"] : [])
        process.currentDirectoryURL = folder.url
        let errors = Pipe()
        process.standardError = errors
        try process.run()
        process.waitUntilExit()
        let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(process.terminationStatus == 0, "\(message)")
        let outputs = try FileManager.default.contentsOfDirectory(atPath: folder.path("out")).sorted()
        switch name {
        case "dashcam.yaml": #expect(outputs == ["dashcam.jsonl", "dashcam.mp4"])
        case "json-labels.yaml": #expect(outputs == ["dashcam-rle.jsonl", "dashcam.labels.mkv"])
        default: #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path("out/clips")).contains("index.json"))
        }
    }
}
