import Foundation
import Testing
@testable import Inference

/// Loading: clear errors for bad files, no crash on truncated or corrupted bytes,
/// typed-field and external-data initializers, metadata.
@Suite struct LoaderTests {
    let fcn = Fixtures.models.appendingPathComponent("fcn.onnx")

    @Test func readsMetadataAndDeclaredShapes() throws {
        let model = try Model(contentsOf: fcn)
        #expect(model.metadata["architecture"] == "fcn")
        #expect(model.opset == 17)
        #expect(model.inputs.map(\.name) == ["input"])
        #expect(model.inputs[0].dimensions == [.symbolic("batch"), .fixed(3), .fixed(64), .fixed(96)])
        #expect(model.parameterCount > 1000)
    }

    @Test func missingFileNamesThePath() {
        let url = URL(fileURLWithPath: "/nonexistent/model.onnx")
        #expect { try Model(contentsOf: url) } throws: { error in
            guard case InferenceError.unreadableFile(let path, _)? = error as? InferenceError else { return false }
            return path == url.path
        }
    }

    @Test func truncatedFilesFailCleanly() throws {
        let data = try Data(contentsOf: fcn)
        for length in [0, 1, 7, 100, data.count / 3, data.count / 2, data.count - 1] {
            #expect(throws: InferenceError.self, "truncated to \(length)") {
                _ = try Model(loaded: ModelLoader.load(data: data.prefix(length), url: fcn), threads: 1)
            }
        }
    }

    /// Random byte corruption must never crash: each variant either throws an
    /// InferenceError somewhere or loads, plans and runs.
    @Test(arguments: ["graph_shape_chain", "conv_1", "resize_3", "maxpool_1", "slice"])
    func corruptedFilesNeverCrash(_ name: String) throws {
        let url = Fixtures.ops.appendingPathComponent("\(name).onnx")
        let data = try Data(contentsOf: url)
        let input = try Fixtures.npy(Fixtures.ops.appendingPathComponent("\(name).in0.npy"))
        var random = SeededRandom(state: UInt64(data.count))
        var failures = 0
        for _ in 0..<300 {
            var bytes = [UInt8](data)
            for _ in 0..<random.int(1...4) {
                bytes[random.int(0...(bytes.count - 1))] = UInt8(truncatingIfNeeded: random.int(0...255))
            }
            do {
                let model = try Model(loaded: ModelLoader.load(data: Data(bytes), url: url), threads: 1)
                _ = try model.run(Dictionary(model.inputs.map { ($0.name, input) }) { a, _ in a })
            } catch is InferenceError {
                failures += 1
            }
        }
        #expect(failures > 0)
    }

    @Test func hostileInitializerSizeIsRejectedBeforeAllocating() throws {
        var tensor = Onnx_TensorProto()
        tensor.name = "huge"
        tensor.dataType = 1
        tensor.dims = [1 << 20, 1 << 20, 1 << 20]
        tensor.rawData = Data(count: 16)
        #expect(throws: InferenceError.self) { try TensorDecoder(modelURL: fcn).decode(tensor) }
        tensor.dims = [4, 4]
        #expect(throws: InferenceError.self) { try TensorDecoder(modelURL: fcn).decode(tensor) }
    }

    @Test func typedFieldsDecode() throws {
        var tensor = Onnx_TensorProto()
        tensor.dataType = 1
        tensor.dims = [2]
        tensor.floatData = [1.5, -2]
        #expect(try TensorDecoder(modelURL: fcn).decode(tensor) == .float32(Tensor(shape: [2], data: [1.5, -2])))
        tensor = Onnx_TensorProto()
        tensor.dataType = 6
        tensor.dims = [3]
        tensor.int32Data = [1, -2, 3]
        #expect(try TensorDecoder(modelURL: fcn).decode(tensor) == .int64(Int64Tensor(shape: [3], data: [1, -2, 3])))
        tensor = Onnx_TensorProto()
        tensor.dataType = 10
        tensor.dims = [1]
        tensor.int32Data = [0x3C00]
        #expect(try TensorDecoder(modelURL: fcn).decode(tensor) == .float32(Tensor(shape: [1], data: [1])))
    }

    @Test func externalDataIsReadBesideTheModelAndChecked() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("segstream-ext-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let values: [Float] = [1, 2, 3, 4]
        var bytes = Data(count: 8)
        values.withUnsafeBytes { bytes.append(contentsOf: $0) }
        try bytes.write(to: dir.appendingPathComponent("weights.bin"))
        var tensor = Onnx_TensorProto()
        tensor.name = "w"
        tensor.dataType = 1
        tensor.dims = [2, 2]
        tensor.dataLocation = .external
        func entry(_ k: String, _ v: String) -> Onnx_StringStringEntryProto {
            var e = Onnx_StringStringEntryProto(); e.key = k; e.value = v; return e
        }
        tensor.externalData = [entry("location", "weights.bin"), entry("offset", "8"), entry("length", "16")]
        let decoder = TensorDecoder(modelURL: dir.appendingPathComponent("model.onnx"))
        #expect(try decoder.decode(tensor) == .float32(Tensor(shape: [2, 2], data: values)))
        tensor.externalData = [entry("location", "weights.bin"), entry("offset", "16"), entry("length", "16")]
        #expect(throws: InferenceError.self) { try decoder.decode(tensor) }
        tensor.externalData = [entry("location", "../etc/passwd")]
        #expect(throws: InferenceError.self) { try decoder.decode(tensor) }
    }

    @Test func unsupportedOperatorsAreAllNamed() throws {
        var model = Onnx_ModelProto()
        var opset = Onnx_OperatorSetIdProto()
        opset.version = 17
        model.opsetImport = [opset]
        func node(_ op: String, _ i: String, _ o: String) -> Onnx_NodeProto {
            var n = Onnx_NodeProto(); n.opType = op; n.name = "\(op.lowercased())_1"; n.input = [i]; n.output = [o]; return n
        }
        model.graph.node = [node("Relu", "x", "a"), node("DeformConv", "a", "b"), node("GridSample", "b", "y")]
        var input = Onnx_ValueInfoProto(); input.name = "x"
        var output = Onnx_ValueInfoProto(); output.name = "y"
        model.graph.input = [input]
        model.graph.output = [output]
        let data: Data = try model.serializedBytes()
        #expect(throws: InferenceError.unsupportedOperators(["DeformConv (deformconv_1)", "GridSample (gridsample_1)"])) {
            _ = try Model(loaded: ModelLoader.load(data: data, url: fcn), threads: 1)
        }
    }

    /// A shape chain through Sqrt folds into the Reshape's target before the support check,
    /// and a NonZero nothing reads is dropped rather than refused.
    @Test func constantsFoldAndUnreadNodesGoBeforeTheSupportCheck() throws {
        let url = Fixtures.ops.appendingPathComponent("graph_folded_at_load.onnx")
        var graph = try ModelLoader.load(contentsOf: url).graph
        #expect(KernelRegistry.unsupported(in: graph) == ["NonZero (NonZero_8)"])
        ConstantFolding.apply(&graph, opset: 13)
        #expect(graph.nodes.map(\.opType) == ["Relu", "Reshape"])
        #expect(graph.initializers["target"] == .int64(Int64Tensor(shape: [2], data: [2, -1])))
        #expect(try ModelSummary(contentsOf: url).unsupportedOperators.isEmpty)
    }

    @Test func npyRoundTrip() throws {
        let value = TensorValue.float32(Tensor(shape: [2, 3], data: [1, 2, 3, 4, 5, -6]))
        #expect(try Npy.decode(Npy.encode(value), path: "x.npy") == value)
        let labels = TensorValue.int64(Int64Tensor(shape: [4], data: [0, 3, 1, 2]))
        #expect(try Npy.decode(Npy.encode(labels), path: "y.npy") == labels)
        #expect(throws: InferenceError.self) { try Npy.decode(Npy.encode(value).prefix(100), path: "z.npy") }
    }
}
