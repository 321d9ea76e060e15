/// Operators that older exporters write out as elementwise chains, put back together: the
/// legacy TorchScript exporter (opset < 17/20) spells LayerNorm and GELU in a dozen nodes,
/// each a pass over the tensor, where one fused kernel reads it once or twice.
extension GraphOptimizer {
    /// Where a chain is looked for: each value's producer and how often it is read.
    struct Chains {
        let graph: Graph
        let producer: [String: Int]
        let count: [String: Int]

        init(_ graph: Graph) {
            self.graph = graph
            var producer: [String: Int] = [:]
            for (i, node) in graph.nodes.enumerated() { for o in node.outputs { producer[o] = i } }
            self.producer = producer
            count = GraphOptimizer.readers(graph)
        }

        /// The node making `value`, when it is `op` and `value` has exactly `readers` readers.
        func node(making value: String, _ op: String, readers: Int = 1) -> (index: Int, node: Node)? {
            guard let i = producer[value], graph.nodes[i].opType == op, count[value] == readers else { return nil }
            return (i, graph.nodes[i])
        }

        /// The only reader of `value`, when it is `op`.
        func reader(of value: String, _ op: String) -> (index: Int, node: Node)? {
            guard count[value] == 1, let j = graph.nodes.firstIndex(where: { $0.inputs.contains(value) }),
                  graph.nodes[j].opType == op else { return nil }
            return (j, graph.nodes[j])
        }

        /// The scalar constant `name` holds, if it is one.
        func scalar(_ name: String) -> Float? {
            guard let value = graph.initializers[name], value.shape.reduce(1, *) == 1 else { return nil }
            return value.floatValues.first
        }

        /// The input of binary `node` other than `value`.
        func other(_ node: Node, than value: String) -> String? {
            guard node.inputs.count == 2, node.inputs.contains(value) else { return nil }
            return node.inputs[0] == value ? node.inputs[1] : node.inputs[0]
        }
    }

    /// Replaces the nodes at `indices` by `fused`, placed where the last of them was.
    static func replace(_ graph: inout Graph, _ indices: [Int], with fused: Node) {
        let last = indices.max()!
        graph.nodes[last] = fused
        for i in indices.filter({ $0 != last }).sorted(by: >) { graph.nodes.remove(at: i) }
    }

    /// x · ½ · (1 + erf(x / √2)): Div(x, √2) or Mul(x, 1/√2) -> Erf -> Add 1 -> Mul x -> Mul ½
    /// (the halving first or last) becomes one Gelu.
    static func fuseGelu(_ graph: inout Graph) -> Bool {
        let chains = Chains(graph)
        func near(_ v: Float?, _ target: Float) -> Bool { v.map { abs($0 - target) < 1e-4 } ?? false }
        for (e, erf) in graph.nodes.enumerated() where erf.opType == "Erf" {
            guard let scaling = chains.producer[erf.inputs[0]].map({ graph.nodes[$0] }), chains.count[erf.inputs[0]] == 1,
                  scaling.inputs.count == 2,
                  case let (x, factor) = scaling.opType == "Mul" && chains.scalar(scaling.inputs[0]) != nil
                    ? (scaling.inputs[1], scaling.inputs[0]) : (scaling.inputs[0], scaling.inputs[1]),
                  (scaling.opType == "Div" && near(chains.scalar(factor), Float(2).squareRoot()))
                    || (scaling.opType == "Mul" && near(chains.scalar(factor), Float(0.5).squareRoot())),
                  let add = chains.reader(of: erf.outputs[0], "Add"), let one = chains.other(add.node, than: erf.outputs[0]),
                  near(chains.scalar(one), 1), let product = chains.reader(of: add.node.outputs[0], "Mul"),
                  let multiplier = chains.other(product.node, than: add.node.outputs[0]) else { continue }
            var nodes = [chains.producer[erf.inputs[0]]!, e, add.index, product.index]
            if multiplier == x, let half = chains.reader(of: product.node.outputs[0], "Mul"),
               near(chains.other(half.node, than: product.node.outputs[0]).flatMap(chains.scalar), 0.5) {
                nodes.append(half.index)   // x (1 + erf) ½
                replace(&graph, nodes, with: Node(name: erf.name + "/gelu", opType: "Gelu", inputs: [x], outputs: half.node.outputs, attributes: [:]))
                return true
            }
            if let halving = chains.node(making: multiplier, "Mul"), halving.node.inputs.contains(x),
               near(chains.other(halving.node, than: x).flatMap(chains.scalar), 0.5) {
                nodes.append(halving.index)   // (x ½)(1 + erf)
                replace(&graph, nodes, with: Node(name: erf.name + "/gelu", opType: "Gelu", inputs: [x], outputs: product.node.outputs, attributes: [:]))
                return true
            }
        }
        return false
    }

    /// ReduceMean over the last axis -> Sub -> Pow 2 -> ReduceMean -> Add ε -> Sqrt -> Div, then
    /// Mul γ and Add β when present, becomes one LayerNormalization over the last axis.
    static func fuseDecomposedLayerNorm(_ graph: inout Graph) -> Bool {
        let chains = Chains(graph)
        func lastAxisMean(_ node: Node) -> Bool {
            let axes = (try? node.ints("axes")) ?? (node.inputs.count > 1 ? graph.initializers[node.inputs[1]]?.intValues : nil)
            return axes == [-1] && (try? node.int("keepdims", default: 1)) == 1
        }
        for (s, sub) in graph.nodes.enumerated() where sub.opType == "Sub" && sub.inputs.count == 2 {
            let (x, meanName) = (sub.inputs[0], sub.inputs[1]), d = sub.outputs[0]
            guard let mean = chains.node(making: meanName, "ReduceMean"), mean.node.inputs.first == x, lastAxisMean(mean.node),
                  chains.count[d] == 2,
                  let square = graph.nodes.indices.first(where: { graph.nodes[$0].opType == "Pow" && graph.nodes[$0].inputs.first == d }),
                  graph.nodes[square].inputs.count == 2, chains.scalar(graph.nodes[square].inputs[1]) == 2,
                  let variance = chains.reader(of: graph.nodes[square].outputs[0], "ReduceMean"), lastAxisMean(variance.node),
                  let shifted = chains.reader(of: variance.node.outputs[0], "Add"),
                  let epsilon = chains.other(shifted.node, than: variance.node.outputs[0]).flatMap(chains.scalar),
                  let root = chains.reader(of: shifted.node.outputs[0], "Sqrt"), chains.count[root.node.outputs[0]] == 1,
                  let divide = graph.nodes.indices.first(where: { graph.nodes[$0].opType == "Div" && graph.nodes[$0].inputs == [d, root.node.outputs[0]] })
            else { continue }
            var nodes = [mean.index, s, square, variance.index, shifted.index, root.index, divide]
            var output = graph.nodes[divide].outputs[0], scale = "", bias = ""
            if let mul = chains.reader(of: output, "Mul"), let gamma = chains.other(mul.node, than: output),
               graph.initializers[gamma]?.shape.count == 1 {
                (scale, output) = (gamma, mul.node.outputs[0])
                nodes.append(mul.index)
                if let add = chains.reader(of: output, "Add"), let beta = chains.other(add.node, than: output),
                   graph.initializers[beta]?.shape.count == 1 {
                    (bias, output) = (beta, add.node.outputs[0])
                    nodes.append(add.index)
                }
            }
            let fused = Node(name: sub.name + "/layernorm", opType: "LayerNormalization", inputs: [x, scale, bias].reversed().drop(while: \.isEmpty).reversed(),
                             outputs: [output], attributes: ["axis": .int(-1), "epsilon": .float(epsilon)])
            replace(&graph, nodes, with: fused)
            return true
        }
        return false
    }
}
