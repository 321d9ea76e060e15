import ArgumentParser
import Foundation
import Inference

/// `segstream model inspect MODEL [--json]`.
struct InspectModelCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Show inputs, outputs, operators, parameters, GFLOPs per frame, metadata and unsupported operators."
    )

    @Argument(help: "Path to an .onnx file.")
    var model: String

    @Option(help: "Input size HxW for GFLOPs when the model's spatial size is dynamic.")
    var size: ModelSize?

    @Flag(help: "Print JSON instead of text.")
    var json = false

    struct Report: Encodable {
        struct Value: Encodable { var name: String; var type: String; var shape: [String]? }
        var inputs: [Value]
        var outputs: [Value]
        var opset: Int
        var producer: String
        var operators: [String: Int]
        var parameters: Int
        var gflopsPerFrame: Double?
        var plannedShape: [Int]?
        var metadata: [String: String]
        var unsupportedOperators: [String]
    }

    func run() throws {
        let summary: ModelSummary
        do { summary = try ModelSummary(contentsOf: URL(fileURLWithPath: model), height: size?.height, width: size?.width) } catch let error as InferenceError {
            throw CommandFailure(error)
        }
        if json {
            let value = { (t: TensorInfo) in Report.Value(name: t.name, type: t.elementType.rawValue, shape: t.dimensions?.map(\.description)) }
            let report = Report(inputs: summary.inputs.map(value), outputs: summary.outputs.map(value), opset: summary.opset,
                                producer: summary.producer, operators: summary.operatorCounts, parameters: summary.parameterCount,
                                gflopsPerFrame: summary.gflopsPerFrame, plannedShape: summary.plannedShape, metadata: summary.metadata,
                                unsupportedOperators: summary.unsupportedOperators)
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            print(String(decoding: try encoder.encode(report), as: UTF8.self))
            return
        }
        print("Model:      \(model)")
        print("Producer:   \(summary.producer.isEmpty ? "unknown" : summary.producer), opset \(summary.opset)")
        print("Inputs:")
        summary.inputs.forEach { print("  " + describe($0)) }
        print("Outputs:")
        summary.outputs.forEach { print("  " + describe($0)) }
        print("Parameters: \(summary.parameterCount.formatted())")
        if let gflops = summary.gflopsPerFrame, let shape = summary.plannedShape {
            print("GFLOPs:     \(String(format: "%.3f", gflops)) per frame at \(shape)")
        }
        print("Operators:")
        for (op, count) in summary.operatorCounts.sorted(by: { ($0.value, $1.key) > ($1.value, $0.key) }) {
            print("  \(op.padding(toLength: max(op.count, 20), withPad: " ", startingAt: 0)) \(count)")
        }
        if !summary.metadata.isEmpty {
            print("Metadata:")
            summary.metadata.sorted { $0.key < $1.key }.forEach { print("  \($0.key): \($0.value)") }
        }
        print(summary.unsupportedOperators.isEmpty ? "Unsupported operators: none"
              : "Unsupported operators: " + summary.unsupportedOperators.joined(separator: "; "))
    }
}
