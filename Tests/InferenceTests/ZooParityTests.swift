import Foundation
import Testing
@testable import Inference

/// The model zoo (tools/zoo: torchvision, transformers and segmentation_models_pytorch models
/// through the legacy and dynamo exporters) against onnxruntime, on small inputs. The fixtures
/// hold graphs without their large weights; `ZooWeights` fills them as the fixture script did.
@Suite struct ZooParityTests {
    static let names: [String] = {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: Fixtures.zoo.path)) ?? []
        return files.filter { $0.hasSuffix(".onnx") }.map { String($0.dropLast(5)) }.sorted()
    }()

    @Test func zooIsPresent() {
        #expect(ZooParityTests.names.count >= 12)
    }

    @Test(arguments: names)
    func matchesOnnxRuntime(_ name: String) throws {
        let model = try ZooWeights.model(Fixtures.zoo.appendingPathComponent("\(name).onnx"), threads: 2)
        let input = try Fixtures.npy(Fixtures.zoo.appendingPathComponent("\(name).in0.npy"))
        let expected = try Fixtures.npy(Fixtures.zoo.appendingPathComponent("\(name).out0.npy")).floatTensor
        let actual = try #require(model.run([model.inputs[0].name: input])[model.outputs[0].name]).floatTensor
        #expect(actual.shape == expected.shape)
        guard actual.shape == expected.shape else { return }
        let (diff, range) = maxDifference(actual, expected)
        #expect(diff <= 1e-4 * range, "max diff \(diff), range \(range)")

        // Symbolic spatial sizes plan at any other size the architecture takes (here 1.5x).
        guard let dims = model.inputs[0].dimensions, !dims[2].isFixed, !dims[3].isFixed else { return }
        let larger = [1, 3, input.shape[2] * 3 / 2, input.shape[3] * 3 / 2]
        let output = try model.prepare(inputShape: larger).outputShapes[0]
        #expect(output[2] * input.shape[2] == expected.shape[2] * larger[2], "output \(output) at \(larger)")
    }
}

/// Fills the initializers the zoo fixtures leave out (external data at "segstream-zoo-weights"),
/// exactly as tools/zoo/make_fixtures.py's `zoo_weights` does.
enum ZooWeights {
    static let marker = "segstream-zoo-weights"

    static func model(_ url: URL, threads: Int) throws -> Model {
        var proto = try Onnx_ModelProto(serializedBytes: Data(contentsOf: url))
        for i in proto.graph.initializer.indices {
            var tensor = proto.graph.initializer[i]
            let entries = Dictionary(tensor.externalData.map { ($0.key, $0.value) }, uniquingKeysWith: { a, _ in a })
            guard entries["location"] == marker, let lo = entries["lo"].flatMap(Float.init), let hi = entries["hi"].flatMap(Float.init) else { continue }
            let values = fill(name: tensor.name, count: Int(tensor.dims.reduce(1, *)), lo: lo, hi: hi)
            tensor.rawData = tensor.dataType == 10   // float16
                ? values.map { Float16($0) }.withUnsafeBytes { Data($0) } : values.withUnsafeBytes { Data($0) }
            tensor.externalData = []
            tensor.dataLocation = .default
            proto.graph.initializer[i] = tensor
        }
        return try Model(loaded: ModelLoader.load(data: proto.serializedBytes(), url: url), threads: threads)
    }

    /// lowbias32(fnv1a(name) ^ (i * 0x9E3779B9)) >> 8 as a 24-bit fraction u; lo + (hi - lo) * u.
    static func fill(name: String, count: Int, lo: Float, hi: Float) -> [Float] {
        let seed = name.utf8.reduce(UInt32(0x811C_9DC5)) { ($0 ^ UInt32($1)) &* 0x0100_0193 }
        let span = hi - lo
        return (0..<count).map { i in
            var x = seed ^ (UInt32(truncatingIfNeeded: i) &* 0x9E37_79B9)
            x ^= x >> 16
            x = x &* 0x7FEB_352D
            x ^= x >> 15
            x = x &* 0x846C_A68B
            x ^= x >> 16
            let u = Float(x >> 8) * (1 / 16_777_216)
            return lo + span * u
        }
    }
}
