/// Load-time simplification that runs before the support check, so that what is computable
/// from the file alone never makes a model fail: every supported node whose inputs are
/// constants (initializers, Constant nodes, shapes of inputs whose dimensions are all fixed)
/// becomes an initializer, and nodes nothing reads any more are removed, unsupported ones
/// included. Nodes that cannot be evaluated yet are left to `Planner`, which folds again once
/// the input shapes are known.
enum ConstantFolding {
    static func apply(_ graph: inout Graph, opset: Int) {
        var infos: [String: ValueInfo] = graph.initializers.mapValues {
            ValueInfo(desc: TensorDesc(type: $0.elementType, shape: $0.shape), constant: $0)
        }
        for input in graph.inputs {
            guard let shape = input.dimensions?.map({ d -> Int? in if case .fixed(let v) = d, v > 0 { v } else { nil } }),
                  let fixed = shape.allSatisfy({ $0 != nil }) ? shape.map({ $0! }) : nil else { continue }
            infos[input.name] = ValueInfo(desc: TensorDesc(type: input.elementType, shape: fixed), constant: nil)
        }
        var remaining: [Node] = []
        for node in graph.nodes {
            guard let folded = fold(node, opset: opset, infos: &infos) else { remaining.append(node); continue }
            for (name, value) in zip(node.outputs, folded) where !name.isEmpty { graph.initializers[name] = value }
        }
        graph.nodes = remaining
        removeUnread(&graph)
    }

    /// Records the shapes of `node`'s outputs when its inputs' are known, and returns its
    /// outputs when they are constant. Any failure leaves the node for the planner to report.
    private static func fold(_ node: Node, opset: Int, infos: inout [String: ValueInfo]) -> [TensorValue]? {
        guard KernelRegistry.supported.contains(node.opType), let kernel = try? KernelRegistry.make(node, opset: opset) else { return nil }
        let ins = node.inputs.map { $0.isEmpty ? nil : infos[$0] }
        guard zip(node.inputs, ins).allSatisfy({ $0.0.isEmpty || $0.1 != nil }),
              let (descs, constants) = try? Planner.evaluate(node, kernel, ins) else { return nil }
        for (k, name) in node.outputs.enumerated() where !name.isEmpty {
            infos[name] = ValueInfo(desc: descs[k], constant: constants?[k])
        }
        return constants
    }

    /// Removes nodes none of whose outputs reaches a graph output, and initializers no node
    /// or output reads.
    private static func removeUnread(_ graph: inout Graph) {
        var needed = Set(graph.outputs.map(\.name))
        var kept: [Node] = []
        for node in graph.nodes.reversed() where node.outputs.contains(where: needed.contains) {
            kept.append(node)
            needed.formUnion(node.inputs)
        }
        graph.nodes = kept.reversed()
        graph.initializers = graph.initializers.filter { needed.contains($0.key) }
    }
}
