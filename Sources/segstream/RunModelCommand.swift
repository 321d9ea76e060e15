import ArgumentParser
import Foundation
import Inference

/// `segstream model run MODEL --input in.npy --output out.npy`.
struct RunModelCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a model on .npy inputs and write its outputs as .npy.",
        discussion: """
            Inputs are float32 (NCHW, or as the model declares). With several inputs or outputs, \
            name them: --input image=x.npy --output logits=y.npy --output classes=c.npy. \
            Int64 outputs (e.g. ArgMax class maps) are written as int64.
            """
    )

    @Argument(help: "Path to an .onnx file.")
    var model: String

    @Option(name: .long, help: "Input file, or NAME=file.npy (repeatable).")
    var input: [String]

    @Option(name: .long, help: "Output file, or NAME=file.npy (repeatable).")
    var output: [String]

    @Option(help: "Worker threads (default: all cores).")
    var threads: Int?

    /// Splits "NAME=path" (or a bare path, for the only input/output) against `names`.
    static func assign(_ specs: [String], to names: [String], kind: String) throws -> [(String, String)] {
        try specs.map { spec in
            if let eq = spec.firstIndex(of: "="), names.contains(String(spec[..<eq])) {
                return (String(spec[..<eq]), String(spec[spec.index(after: eq)...]))
            }
            guard names.count == 1, specs.count == 1 else {
                throw ValidationError("The model has \(kind)s \(names.joined(separator: ", ")); name them as --\(kind) NAME=file.npy")
            }
            return (names[0], spec)
        }
    }

    func run() throws {
        let model = try loadModel(self.model, threads: threads)
        var values: [String: TensorValue] = [:]
        for (name, path) in try Self.assign(input, to: model.inputs.map(\.name), kind: "input") {
            values[name] = try Npy.read(contentsOf: URL(fileURLWithPath: path))
        }
        let targets = try Self.assign(output, to: model.outputs.map(\.name), kind: "output")
        let results: [String: TensorValue]
        do { results = try model.run(values) } catch let error as InferenceError { throw CommandFailure(error) }
        for (name, path) in targets {
            try Npy.write(results[name]!, to: URL(fileURLWithPath: path))
            print("\(name) \(results[name]!.shape) -> \(path)")
        }
    }
}
