import ArgumentParser
import Foundation
import Inference

/// `segstream model bench MODEL [--batch N] [--size HxW] [--threads T] [--isa I] [--class-map]`.
struct BenchModelCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Time a model on random input: median ms per batch, ms per frame and GFLOP/s.",
        discussion: "Prints a line 'X.XX ms/frame' for scripts."
    )

    @Argument(help: "Path to an .onnx file.")
    var model: String

    @Option(help: "Frames per batch.")
    var batch = 1

    @Option(help: "Input size HxW (default: the model's declared size).")
    var size: ModelSize?

    @Option(help: "Worker threads (default: all cores).")
    var threads: Int?

    @Option(help: "Convolution kernels (default: the best this CPU supports).")
    var isa: InstructionSet?

    @Option(help: "Timed runs.")
    var runs = 20

    @Option(help: "Untimed warm-up runs.")
    var warmup = 3

    @Flag(help: "Time the model as `segment` runs it: class ids (arg max over channels, fused with a final Resize) instead of scores.")
    var classMap = false

    @Flag(help: "Also print time per operator kind for one run.")
    var profile = false

    func validate() throws {
        guard batch >= 1, runs >= 1, warmup >= 0 else { throw ValidationError("--batch and --runs must be positive") }
        if let isa, !InstructionSet.supported.contains(isa) { throw ValidationError("this CPU does not support --isa \(isa.rawValue)") }
    }

    func run() throws {
        let model = try loadModel(self.model, threads: threads, classMap: classMap)
        if let isa { model.instructionSet = isa }
        do {
            let shape = try model.inputShape(batch: batch, height: size?.height, width: size?.width)
            let session = try model.prepare(inputShape: shape)
            var seed: UInt32 = 12345
            let data = (0..<shape.reduce(1, *)).map { _ -> Float in
                seed = seed &* 1664525 &+ 1013904223
                return Float(seed >> 8) / Float(1 << 24) * 2 - 1
            }
            let inputs = [model.inputs[0].name: TensorValue.float32(Tensor(shape: shape, data: data))]
            for _ in 0..<warmup { _ = try session.run(inputs) }
            var times: [Double] = []
            for _ in 0..<runs {
                let start = DispatchTime.now().uptimeNanoseconds
                _ = try session.run(inputs)
                times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
            }
            if profile {
                for entry in try session.profile(inputs) {
                    print(String(format: "%9.2f ms  %4dx  %@", entry.milliseconds, entry.count, entry.label))
                }
            }
            times.sort()
            let median = times.count % 2 == 1 ? times[times.count / 2] : (times[times.count / 2 - 1] + times[times.count / 2]) / 2
            print("model: \(self.model)")
            print("input: \(shape), threads: \(model.threads), isa: \(model.instructionSet.rawValue), blas: \(Model.blasCoreName), steps: \(session.stepCount), activations: \(session.activationBytes / 1024) KiB")
            print(String(format: "%.2f ms/batch (median of %d, min %.2f)", median, runs, times[0]))
            print(String(format: "%.2f ms/frame", median / Double(batch)))
            print(String(format: "%.1f GFLOP/s (%.3f GFLOPs per frame)", Double(session.flops) / median / 1e6, Double(session.flops) / Double(batch) / 1e9))
        } catch let error as InferenceError {
            throw CommandFailure(error)
        }
    }
}

extension InstructionSet: ExpressibleByArgument {}
