import Foundation
import Testing
@testable import Inference

/// The load-time rewrites change the graph as they say (the operator fixtures check that the
/// rewritten graphs still match onnxruntime).
@Suite struct GraphOptimizerTests {
    func optimized(_ name: String) throws -> [String] {
        var graph = try ModelLoader.load(contentsOf: Fixtures.ops.appendingPathComponent("\(name).onnx")).graph
        try GraphOptimizer.optimize(&graph)
        return graph.nodes.map(\.opType)
    }

    @Test(arguments: ["graph_gelu_decomposed", "graph_gelu_halved_first"])
    func decomposedGeluBecomesOneNode(_ name: String) throws {
        #expect(try optimized(name) == ["Gelu"])
    }

    @Test func decomposedLayerNormBecomesOneNode() throws {
        #expect(try optimized("graph_layernorm_decomposed") == ["LayerNormalization"])
    }

    /// A chain whose inner value is read elsewhere is left alone.
    @Test func chainsWithOtherReadersStay() throws {
        var graph = try ModelLoader.load(contentsOf: Fixtures.ops.appendingPathComponent("graph_gelu_decomposed.onnx")).graph
        graph.outputs.append(TensorInfo(name: "e", elementType: .float32, dimensions: nil))
        try GraphOptimizer.optimize(&graph)
        #expect(graph.nodes.map(\.opType).contains("Erf"))
    }
}
