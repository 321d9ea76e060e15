import ArgumentParser
import Foundation
import Pipeline

/// Which segmentation model to run and how.
///
/// `--batch` 2 and `--threads` = all cores are measured defaults (see BENCHMARKS.md, "End to end"):
/// on 2 cores no other batch size or thread count was faster beyond the run-to-run noise.
struct ModelOptions: ParsableArguments {
    @Option(help: "ONNX segmentation model (default: the bundled road-scene demo model).")
    var model: String?

    @Option(help: "Model input size HxW, for models whose size is not fixed (default: from the model).")
    var size: String?

    @Option(help: "Frames per inference call.")
    var batch = 2

    @Option(help: "Inference threads (default: all cores).")
    var threads: Int?

    func validate() throws {
        if let size, SegmentationModel.parseSize(size) == nil { throw ValidationError("--size must look like 512x1024 (HxW)") }
        guard batch > 0 else { throw ValidationError("--batch must be at least 1") }
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1") }
    }

    func load() throws -> SegmentationModel {
        let url = try model.map { URL(fileURLWithPath: $0) } ?? Self.bundledModel()
        return try SegmentationModel(url: url, size: size.flatMap(SegmentationModel.parseSize), threads: threads)
    }

    /// The bundled demo model: `$SEGSTREAM_MODEL`, or fixtures/models/roadseg.onnx beside the
    /// build folder of this executable or in the current folder.
    static func bundledModel() throws -> URL {
        let relative = "fixtures/models/roadseg.onnx"
        var candidates: [URL] = []
        if let path = ProcessInfo.processInfo.environment["SEGSTREAM_MODEL"] { candidates.append(URL(fileURLWithPath: path)) }
        var folder = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<4 {
            candidates.append(folder.appendingPathComponent(relative))
            folder.deleteLastPathComponent()
        }
        candidates.append(URL(fileURLWithPath: relative))
        guard let found = candidates.first(where: { FileManager.default.fileExists(atPath: $0.path) }) else {
            throw PipelineError("no --model given and the bundled model (\(relative)) was not found; pass --model M.onnx or set SEGSTREAM_MODEL")
        }
        return found
    }
}
