import Foundation
import Testing
@testable import Inference

/// Every kernel case from tools/fixtures/export_op_tests.py against onnxruntime's output.
@Suite struct OperatorTests {
    static let cases: [String] = {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: Fixtures.ops.path)) ?? []
        return files.filter { $0.hasSuffix(".onnx") }.map { String($0.dropLast(5)) }.sorted()
    }()

    @Test func fixturesArePresent() {
        #expect(OperatorTests.cases.count >= 90)
    }

    @Test(arguments: cases)
    func matchesOnnxRuntime(_ name: String) throws {
        let model = try Model(contentsOf: Fixtures.ops.appendingPathComponent("\(name).onnx"), threads: 2)
        var inputs: [String: TensorValue] = [:]
        for (i, info) in model.inputs.enumerated() {
            inputs[info.name] = try Fixtures.npy(Fixtures.ops.appendingPathComponent("\(name).in\(i).npy"))
        }
        let outputs = try model.run(inputs)
        for (i, info) in model.outputs.enumerated() {
            let expected = try Fixtures.npy(Fixtures.ops.appendingPathComponent("\(name).out\(i).npy"))
            let actual = try #require(outputs[info.name])
            #expect(actual.shape == expected.shape, "\(name) output \(i)")
            guard actual.shape == expected.shape else { continue }
            switch (actual, expected) {
            case (.float32(let a), .float32(let e)):
                let (diff, range) = maxDifference(a, e)
                #expect(diff <= 1e-4 * max(range, 1), "\(name) output \(i): max diff \(diff), range \(range)")
            case (.int64(let a), .int64(let e)):
                #expect(a.data == e.data, "\(name) output \(i)")
            default:
                Issue.record("\(name) output \(i): type \(actual.elementType), expected \(expected.elementType)")
            }
        }
    }
}
