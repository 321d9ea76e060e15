import Foundation
import Testing
@testable import Inference

/// The seven architectures (plus an NHWC variant and a dynamo-exported opset-20 model with
/// external data) against onnxruntime outputs, at batch 2, with each instruction set this CPU has.
@Suite struct ModelParityTests {
    static let names = ["fcn", "unet", "deeplabv3plus", "pspnet", "lraspp_mobilenetv3", "segnet", "fastfcn", "fcn_nhwc",
                         "deeplabv3plus_dynamo"]

    @Test(arguments: names, InstructionSet.supported)
    func matchesOnnxRuntime(_ name: String, _ instructionSet: InstructionSet) throws {
        let model = try Model(contentsOf: Fixtures.models.appendingPathComponent("\(name).onnx"))
        model.instructionSet = instructionSet
        let input = try Fixtures.npy(Fixtures.models.appendingPathComponent("\(name).input.npy"))
        let outputs = try model.run(["input": input])
        for info in model.outputs {
            let expected = try Fixtures.npy(Fixtures.models.appendingPathComponent("\(name).\(info.name).npy"))
            let actual = try #require(outputs[info.name])
            #expect(actual.shape == expected.shape)
            switch (actual, expected) {
            case (.float32(let a), .float32(let e)):
                let (diff, range) = maxDifference(a, e)
                #expect(diff <= 1e-4 * range, "\(name).\(info.name): max diff \(diff), range \(range)")
            case (.int64(let a), .int64(let e)):
                let same = zip(a.data, e.data).filter { $0 == $1 }.count
                #expect(Double(same) >= 0.999 * Double(e.data.count), "\(name).\(info.name): \(e.data.count - same) labels differ")
            default:
                Issue.record("\(name).\(info.name): type \(actual.elementType) differs from \(expected.elementType)")
            }
        }
    }

    /// U-Net's decoder, DeepLabV3+'s ASPP and decoder and PSPNet's pyramid concatenate along
    /// channels straight into a Conv: no Concat step is planned (parity is checked above).
    @Test(arguments: ["unet", "deeplabv3plus", "pspnet"])
    func channelConcatsFeedingConvsAreNotPlanned(_ name: String) throws {
        let model = try Model(contentsOf: Fixtures.models.appendingPathComponent("\(name).onnx"))
        #expect(model.operatorCounts["Concat", default: 0] > 0)
        let input = try Fixtures.npy(Fixtures.models.appendingPathComponent("\(name).input.npy"))
        #expect(try !model.prepare(inputShape: input.shape).stepLabels.contains("Concat"))
    }

    @Test func batchOfOneMatchesFirstFrameOfBatch() throws {
        let model = try Model(contentsOf: Fixtures.models.appendingPathComponent("deeplabv3plus.onnx"))
        let batch = try Fixtures.npy(Fixtures.models.appendingPathComponent("deeplabv3plus.input.npy")).floatTensor
        let frame = Tensor(shape: [1] + batch.shape.dropFirst(), data: Array(batch.data.prefix(batch.data.count / 2)))
        let single = try #require(model.run(frame)["output"]).floatTensor
        let both = try #require(model.run(batch)["output"]).floatTensor
        let first = Tensor(shape: single.shape, data: Array(both.data.prefix(single.data.count)))
        #expect(maxDifference(single, first).diff <= 1e-5)
    }

    /// `classMap: true` returns the arg max of the scores the plain model returns, with the
    /// final Resize fused (FCN, DeepLabV3+) or a plain ArgMax (SegNet's logits).
    @Test(arguments: [("fcn", "ResizeArgMax"), ("deeplabv3plus", "ResizeArgMax"), ("segnet", "ArgMax")])
    func classMapIsArgMaxOfScores(_ name: String, _ step: String) throws {
        let url = Fixtures.models.appendingPathComponent("\(name).onnx")
        let input = try Fixtures.npy(Fixtures.models.appendingPathComponent("\(name).input.npy"))
        let plain = try Model(contentsOf: url), mapped = try Model(contentsOf: url, classMap: true)
        let output = plain.outputs[0].name
        #expect(mapped.outputs[0].elementType == .int64)
        let scores = try #require(plain.run(["input": input])[output]).floatTensor
        let labels = try #require(mapped.run(["input": input])[output])
        #expect(try mapped.prepare(inputShape: input.shape).stepLabels.last == step)
        let expected = ArgMax.reference(scores, axis: 1, keepDims: true, selectLast: false)
        guard case .int64(let ids) = labels else { Issue.record("\(name): got \(labels.elementType)"); return }
        #expect(ids.shape == expected.shape && ids.data == expected.data, "\(name): \(zip(ids.data, expected.data).filter { $0 != $1 }.count) labels differ")
    }
}
