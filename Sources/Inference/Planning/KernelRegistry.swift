/// Maps ONNX operator names to kernels: one table of makers, so what is supported and what can
/// be made cannot drift apart.
enum KernelRegistry {
    /// A kernel's maker: the node and the model's opset.
    private typealias Maker = @Sendable (Node, Int) throws -> Kernel

    private static let makers: [String: Maker] = {
        var table: [String: Maker] = [
            "Conv": { n, _ in try Conv(n) }, "ConvTranspose": { n, _ in try ConvTranspose(n) },
            "Gemm": { n, _ in try Gemm(n) }, "MatMul": { n, _ in try MatMul(n) },
            "BatchNormalization": { n, _ in try BatchNormalization(n) },
            "Concat": { n, _ in try Concat(n) }, "Split": { n, _ in try Split(n) }, "Slice": { n, _ in try Slice(n) },
            "Reshape": { n, _ in try Reshape(n) }, "Flatten": { n, _ in try Flatten(n) }, "Transpose": { n, _ in try Transpose(n) },
            "MaxPool": { n, _ in try MaxPool(n) }, "AveragePool": { n, _ in try AveragePool(n) },
            "GlobalAveragePool": { n, _ in try GlobalAveragePool(n) }, "MaxUnpool": { n, _ in try MaxUnpool(n) },
            "Pad": { n, _ in try Pad(n) }, "ArgMax": { n, _ in try ArgMax(n) },
            "LayerNormalization": { n, _ in try LayerNormalization(n) }, "InstanceNormalization": { n, _ in try InstanceNormalization(n) },
            "ResizeArgMax": { n, _ in try ResizeArgMax(n) },
            "Shape": { n, _ in try Shape(n) }, "Gather": { n, _ in try Gather(n) }, "Cast": { n, _ in try Cast(n) },
            "Constant": { n, _ in try Constant(n) }, "ConstantOfShape": { n, _ in try ConstantOfShape(n) },
            "Where": { n, _ in try Where(n) }, "Expand": { n, _ in try Expand(n) }, "Tile": { n, _ in try Tile(n) },
            "Range": { n, _ in try RangeKernel(n) }, "GatherElements": { n, _ in try GatherElements(n) },
            "GatherND": { n, _ in try GatherND(n) }, "ScatterND": { n, _ in try ScatterND(n) }, "Mod": { n, _ in try Mod(n) },
            "CumSum": { n, _ in try CumSum(n) }, "Trilu": { n, _ in try Trilu(n) }, "TopK": { n, _ in try TopK(n) },
            "Einsum": { n, _ in try Einsum(n) },
        ]
        for op in ["Relu", "LeakyRelu", "Clip", "Sigmoid", "HardSigmoid", "HardSwish", "Tanh", "Gelu", "Erf", "Sqrt", "Reciprocal",
                   "Exp", "Log", "Neg", "Abs", "Floor", "Ceil", "Round", "Sign"] { table[op] = { try ActivationKernel($0, opset: $1) } }
        for op in ["Softmax", "LogSoftmax"] { table[op] = { try Softmax($0, opset: $1) } }
        for op in Reduce.Op.allCases { table[op.rawValue] = { n, _ in try Reduce(n) } }
        for op in Comparison.Op.allCases { table[op.rawValue] = { n, _ in try Comparison(n) } }
        for op in Logical.Op.allCases { table[op.rawValue] = { n, _ in try Logical(n) } }
        for op in ["DepthToSpace", "SpaceToDepth"] { table[op] = { n, _ in try DepthToSpace(n) } }
        for op in ["Add", "Sub", "Mul", "Div", "Pow"] { table[op] = { n, _ in try Binary(n) } }
        for op in Variadic.Op.allCases { table[op.rawValue] = { n, _ in try Variadic(n) } }
        for op in ["Squeeze", "Unsqueeze"] { table[op] = { n, _ in try Squeeze(n) } }
        for op in ["Resize", "Upsample"] { table[op] = { n, _ in try Resize(n) } }
        for op in ["Identity", "Dropout"] { table[op] = { n, _ in try Identity(n) } }
        return table
    }()

    /// Operators `GraphOptimizer` makes, which a model never names.
    private static let internalOperators: Set<String> = ["ResizeArgMax"]

    /// Every supported ai.onnx operator.
    static let supported: Set<String> = Set(makers.keys).subtracting(internalOperators)

    /// Unsupported operators in `graph`, each with the nodes that use it, sorted by name.
    static func unsupported(in graph: Graph) -> [String] {
        var uses: [String: [String]] = [:]
        for node in graph.nodes where !supported.contains(node.opType) { uses[node.opType, default: []].append(node.label) }
        return uses.keys.sorted().map { op in
            let nodes = uses[op]!
            return "\(op) (\(nodes.prefix(3).joined(separator: ", "))\(nodes.count > 3 ? ", +\(nodes.count - 3) more" : ""))"
        }
    }

    /// The kernel for `node`, with its attributes validated.
    /// - Throws: `InferenceError.invalidNode` for bad attributes, `.unsupportedOperators` for unknown ops.
    static func make(_ node: Node, opset: Int) throws -> Kernel {
        guard let maker = makers[node.opType] else { throw InferenceError.unsupportedOperators(["\(node.opType) (\(node.label))"]) }
        return try maker(node, opset)
    }
}
