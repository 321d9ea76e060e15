import Foundation
import SwiftProtobuf

/// The parts of an ONNX file the engine uses, after decoding and validation.
struct LoadedModel {
    var graph: Graph
    var opset: Int
    var metadata: [String: String]
    var producer: String
}

/// Reads ONNX files into a `Graph`.
enum ModelLoader {
    /// Supported ai.onnx opset versions.
    static let opsets = 11...21

    /// Reads and decodes the model at `url`.
    /// - Throws: `InferenceError.unreadableFile`, `.malformedModel` or `.unsupportedOpset`.
    static func load(contentsOf url: URL) throws -> LoadedModel {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw InferenceError.unreadableFile(path: url.path, reason: error.localizedDescription)
        }
        return try load(data: data, url: url)
    }

    /// Decodes model bytes; `url` names the file in errors and locates external data.
    static func load(data: Data, url: URL) throws -> LoadedModel {
        let path = url.path
        let proto: Onnx_ModelProto
        do {
            var options = BinaryDecodingOptions()
            options.messageDepthLimit = 64
            proto = try Onnx_ModelProto(serializedBytes: data, options: options)
        } catch {
            throw InferenceError.malformedModel(path: path, reason: "protobuf decoding failed (\(error)); the file is truncated or not ONNX")
        }
        guard proto.hasGraph, !proto.graph.node.isEmpty else {
            throw InferenceError.malformedModel(path: path, reason: "it has no graph nodes")
        }
        var opset = 0
        for entry in proto.opsetImport where entry.domain.isEmpty || entry.domain == "ai.onnx" {
            opset = Int(truncatingIfNeeded: entry.version)
        }
        guard opsets.contains(opset) else { throw InferenceError.unsupportedOpset(domain: "", version: opset) }

        let decoder = TensorDecoder(modelURL: url)
        var initializers: [String: TensorValue] = [:]
        for t in proto.graph.initializer {
            initializers[t.name] = try decoder.decode(t)
        }
        var nodes: [Node] = []
        for (index, n) in proto.graph.node.enumerated() {
            var attributes: [String: Attribute] = [:]
            for a in n.attribute {
                attributes[a.name] = try attribute(a, node: n, decoder: decoder)
            }
            let name = n.name.isEmpty ? "\(n.opType)_\(index)" : n.name
            guard !n.output.isEmpty else {
                throw InferenceError.malformedModel(path: path, reason: "node '\(name)' has no outputs")
            }
            // Operators from other domains (com.microsoft, ...) keep their domain in the
            // name so they are reported as unsupported rather than mistaken for ai.onnx ones.
            let op = n.domain.isEmpty || n.domain == "ai.onnx" ? n.opType : "\(n.domain).\(n.opType)"
            nodes.append(Node(name: name, opType: op, inputs: n.input, outputs: n.output, attributes: attributes))
        }
        let inputs = proto.graph.input.filter { initializers[$0.name] == nil }.map(info)
        let outputs = proto.graph.output.map(info)
        guard !inputs.isEmpty, !outputs.isEmpty else {
            throw InferenceError.malformedModel(path: path, reason: "the graph declares no inputs or no outputs")
        }
        let graph = Graph(nodes: nodes, initializers: initializers, inputs: inputs, outputs: outputs)
        try checkTopologicalOrder(graph, path: path)
        var metadata: [String: String] = [:]
        for entry in proto.metadataProps { metadata[entry.key] = entry.value }
        return LoadedModel(graph: graph, opset: opset, metadata: metadata,
                           producer: [proto.producerName, proto.producerVersion].filter { !$0.isEmpty }.joined(separator: " "))
    }

    private static func attribute(_ a: Onnx_AttributeProto, node: Onnx_NodeProto, decoder: TensorDecoder) throws -> Attribute {
        switch a.type {
        case .float: return .float(a.f)
        case .int: return .int(Int(truncatingIfNeeded: a.i))
        case .string: return .string(String(decoding: a.s, as: UTF8.self))
        case .tensor: return .tensor(try decoder.decode(a.t))
        case .floats: return .floats(a.floats)
        case .ints: return .ints(a.ints.map { Int(truncatingIfNeeded: $0) })
        case .strings: return .strings(a.strings.map { String(decoding: $0, as: UTF8.self) })
        default:
            throw InferenceError.invalidNode(node: node.name, op: node.opType,
                                             reason: "attribute '\(a.name)' has type \(a.type), which is not supported")
        }
    }

    private static func info(_ v: Onnx_ValueInfoProto) -> TensorInfo {
        let t = v.type.tensorType
        let type: ElementType = [1, 10, 11, 16].contains(t.elemType) ? .float32 : .int64
        let dims: [Dimension]? = t.hasShape ? t.shape.dim.map {
            switch $0.value {
            case .dimValue(let d)?: return .fixed(Int(truncatingIfNeeded: d))
            case .dimParam(let s)?: return .symbolic(s)
            case nil: return .symbolic("")
            }
        } : nil
        return TensorInfo(name: v.name, elementType: type, dimensions: dims)
    }

    /// Every node input must be a graph input, an initializer or an earlier node's output.
    private static func checkTopologicalOrder(_ graph: Graph, path: String) throws {
        var known = Set(graph.inputs.map(\.name)).union(graph.initializers.keys)
        known.insert("")
        for node in graph.nodes {
            for input in node.inputs where !known.contains(input) {
                throw InferenceError.malformedModel(path: path, reason: "node '\(node.label)' reads '\(input)', which no earlier node produces")
            }
            known.formUnion(node.outputs)
        }
        for output in graph.outputs where !known.contains(output.name) {
            throw InferenceError.malformedModel(path: path, reason: "graph output '\(output.name)' is not produced by any node")
        }
    }
}
