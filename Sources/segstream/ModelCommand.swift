import ArgumentParser
import Foundation
import Inference

/// `segstream model`: inspect, run and benchmark ONNX segmentation models.
struct ModelCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "model",
        abstract: "Inspect, run and benchmark ONNX segmentation models on the CPU engine.",
        subcommands: [InspectModelCommand.self, RunModelCommand.self, BenchModelCommand.self]
    )
}

extension ModelSize: ExpressibleByArgument {
    /// Parses "HxW" (e.g. 512x1024).
    public init?(argument: String) { self.init(argument) }
}

/// Describes a declared tensor, e.g. "input: float32 [batch, 3, 512, 1024]".
func describe(_ info: TensorInfo) -> String {
    let dims = info.dimensions.map { "[" + $0.map(\.description).joined(separator: ", ") + "]" } ?? "(shape not declared)"
    return "\(info.name): \(info.elementType.rawValue) \(dims)"
}

/// A failure while running a `model` command; ArgumentParser prints its message
/// (without the usage text, which is for mistakes in the command line itself).
struct CommandFailure: Error, CustomStringConvertible {
    let description: String

    init(_ error: InferenceError) { description = error.description }
}

/// Loads a model, turning engine errors into `CommandFailure`.
func loadModel(_ path: String, threads: Int?, classMap: Bool = false) throws -> Model {
    do { return try Model(contentsOf: URL(fileURLWithPath: path), threads: threads, classMap: classMap) } catch let error as InferenceError {
        throw CommandFailure(error)
    }
}
