/// Maps ONNX operator names to kernels.
enum KernelRegistry {
    /// Every supported ai.onnx operator.
    static let supported: Set<String> = [
        "Conv", "ConvTranspose", "Gemm", "MatMul", "BatchNormalization",
        "Relu", "LeakyRelu", "Clip", "Sigmoid", "HardSigmoid", "HardSwish", "Tanh", "Softmax", "LogSoftmax",
        "Add", "Sub", "Mul", "Div", "Concat", "Split", "Slice", "Reshape", "Flatten", "Squeeze", "Unsqueeze",
        "Transpose", "MaxPool", "AveragePool", "GlobalAveragePool", "MaxUnpool", "Resize", "Upsample", "Pad",
        "ReduceMean", "ArgMax", "Shape", "Gather", "Cast", "Constant", "ConstantOfShape", "Identity", "Dropout",
    ]

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
        switch node.opType {
        case "Conv": return try Conv(node)
        case "ConvTranspose": return try ConvTranspose(node)
        case "Gemm": return try Gemm(node)
        case "MatMul": return try MatMul(node)
        case "BatchNormalization": return try BatchNormalization(node)
        case "Relu", "LeakyRelu", "Clip", "Sigmoid", "HardSigmoid", "HardSwish", "Tanh": return try ActivationKernel(node, opset: opset)
        case "Softmax", "LogSoftmax": return try Softmax(node, opset: opset)
        case "Add", "Sub", "Mul", "Div": return try Binary(node)
        case "Concat": return try Concat(node)
        case "Split": return try Split(node)
        case "Slice": return try Slice(node)
        case "Reshape": return try Reshape(node)
        case "Flatten": return try Flatten(node)
        case "Squeeze", "Unsqueeze": return try Squeeze(node)
        case "Transpose": return try Transpose(node)
        case "MaxPool": return try MaxPool(node)
        case "AveragePool": return try AveragePool(node)
        case "GlobalAveragePool": return try GlobalAveragePool(node)
        case "MaxUnpool": return try MaxUnpool(node)
        case "Resize", "Upsample": return try Resize(node)
        case "Pad": return try Pad(node)
        case "ReduceMean": return try ReduceMean(node)
        case "ArgMax": return try ArgMax(node)
        case "ResizeArgMax": return try ResizeArgMax(node)   // made by GraphOptimizer only
        case "Shape": return try Shape(node)
        case "Gather": return try Gather(node)
        case "Cast": return try Cast(node)
        case "Constant": return try Constant(node)
        case "ConstantOfShape": return try ConstantOfShape(node)
        case "Identity", "Dropout": return try Identity(node)
        default: throw InferenceError.unsupportedOperators(["\(node.opType) (\(node.label))"])
        }
    }
}
