/// Load-time rewrites that do not depend on input shapes: decomposed LayerNorm and GELU
/// chains put back together (GraphOptimizer+Decomposed), BatchNormalization folded
/// into the preceding Conv's weights, activations and residual Adds fused into Conv
/// epilogues, a Resize read only by an ArgMax over channels fused with it
/// (`ResizeArgMax`), and channel Concats read only by Convs left to those Convs to read
/// part by part. Shape-dependent folding happens in `Planner`.
enum GraphOptimizer {
    static func optimize(_ graph: inout Graph) throws {
        while fuseDecomposedLayerNorm(&graph) || fuseGelu(&graph) {}
        var changed = true
        while changed {
            changed = try foldBatchNorm(&graph) || fuseActivation(&graph) || fuseResidualAdd(&graph) || fuseResizeArgMax(&graph)
        }
        // Last: the rewrites above give a Conv at most four inputs.
        while fuseConcatIntoConv(&graph) {}
    }

    /// Appends ArgMax over the channel axis (keepdims) to the first output when it is
    /// declared Float32 of rank 4 (N x C x H x W, C not declared 1); it keeps its name and
    /// becomes Int64 N x 1 x H x W class ids, and the scores are renamed.
    static func appendArgMax(_ graph: inout Graph) {
        guard var output = graph.outputs.first, output.elementType == .float32, let d = output.dimensions, d.count == 4,
              d[1] != .fixed(1) else { return }
        let scores = output.name + "/scores"
        for i in graph.nodes.indices {
            graph.nodes[i].inputs = graph.nodes[i].inputs.map { $0 == output.name ? scores : $0 }
            graph.nodes[i].outputs = graph.nodes[i].outputs.map { $0 == output.name ? scores : $0 }
        }
        graph.nodes.append(Node(name: "class_map", opType: "ArgMax", inputs: [scores], outputs: [output.name],
                                attributes: ["axis": .int(1), "keepdims": .int(1)]))
        output.elementType = .int64
        output.dimensions = [d[0], .fixed(1), d[2], d[3]]
        graph.outputs[0] = output
    }

    /// How many times each value is read, counting graph outputs as readers.
    static func readers(_ graph: Graph) -> [String: Int] {
        var count: [String: Int] = [:]
        for node in graph.nodes { for input in node.inputs { count[input, default: 0] += 1 } }
        for output in graph.outputs { count[output.name, default: 0] += 2 }
        return count
    }

    /// Pairs (Conv index, consumer index) where the consumer alone reads the Conv's output.
    private static func convConsumers(_ graph: Graph, _ accept: (Node, Node) -> Bool) -> (Int, Int)? {
        let count = readers(graph)
        var producer: [String: Int] = [:]
        for (i, node) in graph.nodes.enumerated() { for o in node.outputs { producer[o] = i } }
        for (j, node) in graph.nodes.enumerated() {
            for input in node.inputs {
                guard let i = producer[input], graph.nodes[i].opType == "Conv", count[input] == 1,
                      graph.nodes[i].outputs.count == 1, accept(graph.nodes[i], node) else { continue }
                return (i, j)
            }
        }
        return nil
    }

    private static func foldBatchNorm(_ graph: inout Graph) throws -> Bool {
        let g = graph
        func constant(_ name: String) -> [Float]? {
            guard case .float32(let t)? = g.initializers[name] else { return nil }
            return t.data
        }
        guard let (i, j) = convConsumers(graph, { conv, bn in
            bn.opType == "BatchNormalization" && bn.inputs.first == conv.outputs[0] && conv.epilogue == Epilogue()
                && bn.inputs.count == 5 && bn.inputs[1...].allSatisfy { constant($0) != nil }
                && conv.inputs.count > ConvSlot.weights && constant(conv.inputs[ConvSlot.weights]) != nil
                && (conv.inputs.count <= ConvSlot.bias || conv.inputs[ConvSlot.bias].isEmpty || constant(conv.inputs[ConvSlot.bias]) != nil)
                && (try? bn.int("training_mode", default: 0)) == 0
        }) else { return false }
        var conv = graph.nodes[i]
        let bn = graph.nodes[j]
        guard case .float32(let w)? = graph.initializers[conv.inputs[ConvSlot.weights]] else { return false }
        let m = w.shape[0]
        let p = bn.inputs[1...].map { constant($0)! }
        guard p.allSatisfy({ $0.count == m }) else { return false }
        let (scale, shift) = BatchNormalization.affine(scale: p[0], bias: p[1], mean: p[2], variance: p[3],
                                                       epsilon: try bn.float("epsilon", default: 1e-5))
        let per = w.data.count / max(m, 1)
        var weights = w.data
        for o in 0..<m { for k in 0..<per { weights[o * per + k] *= scale[o] } }
        let hasBias = conv.inputs.count > ConvSlot.bias && !conv.inputs[ConvSlot.bias].isEmpty
        let oldBias = hasBias ? constant(conv.inputs[ConvSlot.bias])! : [Float](repeating: 0, count: m)
        let bias = (0..<m).map { oldBias[$0] * scale[$0] + shift[$0] }
        let wName = "\(conv.label)/bn_folded_weight", bName = "\(conv.label)/bn_folded_bias"
        graph.initializers[wName] = .float32(Tensor(shape: w.shape, data: weights))
        graph.initializers[bName] = .float32(Tensor(shape: [m], data: bias))
        conv.inputs = [conv.inputs[ConvSlot.x], wName, bName]
        conv.outputs = [bn.outputs[0]]
        graph.nodes[i] = conv
        graph.nodes.remove(at: j)
        return true
    }

    private static func fuseActivation(_ graph: inout Graph) throws -> Bool {
        let initializers = graph.initializers
        guard let (i, j) = convConsumers(graph, { conv, act in
            conv.epilogue.activation == nil && act.inputs.first == conv.outputs[0]
                && ((try? Activation(act, initializers: initializers)) ?? nil) != nil
        }) else { return false }
        graph.nodes[i].epilogue.activation = try Activation(graph.nodes[j], initializers: initializers)
        graph.nodes[i].outputs = [graph.nodes[j].outputs[0]]
        graph.nodes.remove(at: j)
        return true
    }

    /// Conv -> Add(conv, R): the Conv reads R as a fourth input and moves to the Add's
    /// place in the order, where R is sure to be computed.
    private static func fuseResidualAdd(_ graph: inout Graph) throws -> Bool {
        guard let (i, j) = convConsumers(graph, { conv, add in
            add.opType == "Add" && add.inputs.count == 2 && conv.epilogue == Epilogue()
                && Set(add.inputs).count == 2 && conv.inputs.count >= 2
        }) else { return false }
        var conv = graph.nodes[i]
        let add = graph.nodes[j]
        let residual = add.inputs[0] == conv.outputs[0] ? add.inputs[1] : add.inputs[0]
        conv.inputs = [conv.inputs[0], conv.inputs[1], conv.inputs.count > 2 ? conv.inputs[2] : "", residual]
        conv.epilogue.residual = true
        conv.outputs = add.outputs
        graph.nodes[j] = conv
        graph.nodes.remove(at: i)
        return true
    }

    /// Resize -> ArgMax(axis 1, keepdims, first maximum), the ArgMax alone reading the
    /// Resize: one `ResizeArgMax` node in the ArgMax's place.
    private static func fuseResizeArgMax(_ graph: inout Graph) throws -> Bool {
        let count = readers(graph)
        var producer: [String: Int] = [:]
        for (i, node) in graph.nodes.enumerated() { for o in node.outputs { producer[o] = i } }
        for (j, argmax) in graph.nodes.enumerated() where argmax.opType == "ArgMax" {
            guard let input = argmax.inputs.first, let i = producer[input], graph.nodes[i].opType == "Resize", count[input] == 1,
                  [1, -3].contains(try argmax.int("axis", default: 0)), try argmax.int("keepdims", default: 1) == 1,
                  try argmax.int("select_last_index", default: 0) == 0 else { continue }
            var fused = graph.nodes[i]
            fused.opType = "ResizeArgMax"
            fused.outputs = argmax.outputs
            graph.nodes[j] = fused
            graph.nodes.remove(at: i)
            return true
        }
        return false
    }

    /// Concat along channels whose output is read only as X by group-1 Convs: each Conv
    /// takes the Concat's first input as X and the others from `ConvSlot.concatParts` on (the
    /// empty slots before them are "absent"), and the Concat, never written, goes.
    private static func fuseConcatIntoConv(_ graph: inout Graph) -> Bool {
        let count = readers(graph)
        for (c, concat) in graph.nodes.enumerated() where concat.opType == "Concat" && concat.inputs.count > 1 {
            guard let axis = try? concat.int("axis", default: 0), axis == 1 || axis == -3, !concat.inputs.contains(""),
                  concat.outputs.count == 1 else { continue }
            let output = concat.outputs[0]
            let consumers = graph.nodes.indices.filter { graph.nodes[$0].inputs.contains(output) }
            guard !consumers.isEmpty, consumers.count == count[output], consumers.allSatisfy({ j in
                let conv = graph.nodes[j]
                return conv.opType == "Conv" && conv.inputs.count <= ConvSlot.concatParts && conv.inputs.firstIndex(of: output) == ConvSlot.x
                    && conv.inputs.lastIndex(of: output) == ConvSlot.x && (try? conv.int("group", default: 1)) == 1
            }) else { continue }
            for j in consumers {
                var inputs = graph.nodes[j].inputs
                while inputs.count < ConvSlot.concatParts { inputs.append("") }
                inputs[ConvSlot.x] = concat.inputs[0]
                graph.nodes[j].inputs = inputs + concat.inputs.dropFirst()
            }
            graph.nodes.remove(at: c)
            return true
        }
        return false
    }
}
