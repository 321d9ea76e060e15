/// Convs in a chain, fused by `Planner` on AVX-512: a 1x1 "expand", a depthwise conv reading
/// only its output, and, when a 1x1 conv alone reads the depthwise output, that "project", with
/// their epilogues (the project's with an optional residual of its output's shape) — MobileNet's
/// inverted residual block (its expand and depthwise conv when squeeze-excite comes between).
/// `DepthwiseBlockStrips` computes it strip by strip of rows, so the inner tensors are never
/// written to memory.
///
/// Inputs (`BlockSlot`): X, then each conv's weights and bias (W1, B1, W2, B2, W3, B3; biases
/// may be absent, and the project's inputs when there is none), then the residual R, then the
/// parts of a channel concatenation X is the first of (a Concat fused into the expand, see
/// `GraphOptimizer`); output Y, the project's output or else the depthwise conv's.
struct DepthwiseBlock: Kernel {
    let expand: Node, depthwise: Node, project: Node?
    private let convs: [Conv]
    /// Floats of expanded and depthwise rows per worker that strips aim below.
    var stripBudget = DepthwiseBlockStrips.defaultBudget

    init(expand: Node, depthwise: Node, project: Node?) throws {
        self.expand = expand
        self.depthwise = depthwise
        self.project = project
        convs = try ([expand, depthwise] + (project.map { [$0] } ?? [])).map(Conv.init)
    }

    /// The fused node's inputs.
    var inputNames: [String] {
        func argument(_ node: Node, _ i: Int) -> String { i < node.inputs.count ? node.inputs[i] : "" }
        let last = project.map { [$0.inputs[ConvSlot.weights], argument($0, ConvSlot.bias), argument($0, ConvSlot.residual)] } ?? ["", "", ""]
        return [expand.inputs[ConvSlot.x], expand.inputs[ConvSlot.weights], argument(expand, ConvSlot.bias),
                depthwise.inputs[ConvSlot.weights], argument(depthwise, ConvSlot.bias)] + last
            + expand.inputs.dropFirst(ConvSlot.concatParts)
    }

    /// Maps of at most this many pixels stay separate convs: their expanded tensor fits in cache
    /// anyway, and the strips are too short to feed the expand's tiles (MobileNetV3's 16x32
    /// stage: LR-ASPP 12.3 -> 8.9 ms, PAN 5.3 -> 3.8 ms unfused).
    static let smallestFusedMap = 4096

    /// Whether the chain can run fused, given X's shape and each conv's weight shape: 1x1
    /// stride-1 unpadded group-1 outer convs, a depthwise conv the AVX-512 rows run, no residual
    /// but the project's, and that of Y's shape, on a map over `smallestFusedMap` pixels. X is the
    /// expand's whole input (all concatenated parts).
    func fits(x: [Int], weights: [[Int]], residual: [Int]?) -> Bool {
        guard x.count == 4, weights.count == convs.count, weights.allSatisfy({ $0.count == 4 }),
              expand.inputs.count <= ConvSlot.residual || expand.inputs[ConvSlot.residual].isEmpty,
              depthwise.inputs.count <= ConvSlot.residual, (project?.inputs.count ?? 0) <= ConvSlot.concatParts, !expand.epilogue.residual, !depthwise.epilogue.residual else { return false }
        let e = weights[0][0]
        guard convs[0].group == 1, convs[1].group == e, weights[1][0] == e, let ga = try? convs[0].geometry(x: x, w: weights[0]),
              let gb = try? convs[1].geometry(x: [x[0], e, ga.outH, ga.outW], w: weights[1]),
              ga.isPointwise, DepthwiseConv(gb).hasDirectRows, ga.outH * ga.outW > Self.smallestFusedMap else { return false }
        guard project != nil else { return true }
        guard convs[2].group == 1, weights[2][1] == e,
              let gc = try? convs[2].geometry(x: [x[0], e, gb.outH, gb.outW], w: weights[2]), gc.isPointwise else { return false }
        return residual.map { $0 == [x[0], weights[2][0], gc.outH, gc.outW] } ?? true
    }

    func outputs(_ inputs: [ValueInfo?]) throws -> [TensorDesc] {
        func info(_ desc: TensorDesc) -> ValueInfo { ValueInfo(desc: desc, constant: nil) }
        let a = try convs[0].outputs(expandInputs(inputs))[0]
        let b = try convs[1].outputs(depthwiseInputs(info(a), inputs))
        return try project == nil ? b : convs[2].outputs(projectInputs(info(b[0]), inputs))
    }

    /// The expand's inputs among the block's: X, W1, B1, no residual, then the concatenated parts.
    private func expandInputs<T>(_ inputs: [T?]) -> [T?] {
        [inputs[BlockSlot.x], inputs[BlockSlot.expandWeights], inputs[BlockSlot.expandBias], nil] + inputs.dropFirst(BlockSlot.concatParts)
    }

    /// The depthwise conv's inputs: `x` (the expand's output), W2, B2.
    private func depthwiseInputs<T>(_ x: T?, _ inputs: [T?]) -> [T?] { [x, inputs[BlockSlot.depthwiseWeights], inputs[BlockSlot.depthwiseBias]] }

    /// The project's inputs: `x` (the depthwise output), W3, B3, R.
    private func projectInputs<T>(_ x: T?, _ inputs: [T?]) -> [T?] {
        [x, inputs[BlockSlot.projectWeights], inputs[BlockSlot.projectBias], inputs[BlockSlot.residual]]
    }

    func flops(_ inputs: [TensorDesc?], _ outputs: [TensorDesc]) -> Int {
        guard let x = inputs[BlockSlot.x], let w1 = inputs[BlockSlot.expandWeights], let w2 = inputs[BlockSlot.depthwiseWeights] else { return 0 }
        let y = outputs[0], taps = w2.shape[2] * w2.shape[3] + (inputs[BlockSlot.projectWeights]?.shape[0] ?? 0)
        return 2 * x.count / x.shape[1] * w1.shape[0] * w1.shape[1] + 2 * y.count / y.shape[1] * w1.shape[0] * taps
    }

    func step(_ inputs: [Buffer?], _ outputs: [Buffer], _ context: PlanContext) throws -> Step {
        let parts = ([inputs[BlockSlot.x]] + inputs.dropFirst(BlockSlot.concatParts)).map { $0! }
        let w1 = inputs[BlockSlot.expandWeights]!, w2 = inputs[BlockSlot.depthwiseWeights]!, y = outputs[0]
        let x = try convs[0].xShape(parts.map(\.shape)), e = w1.shape[0]
        let ga = try convs[0].geometry(x: x, w: w1.shape)
        let gb = try convs[1].geometry(x: [x[0], e, ga.outH, ga.outW], w: w2.shape)
        guard context.instructionSet == .avx512 else { return try unfused(inputs, y, context) }
        let sources = ChannelSources(parts: parts.map { ($0.floats, $0.shape[1]) }, planeSize: ga.inH * ga.inW)
        let strips = DepthwiseBlockStrips(gb, sources: sources, images: x[0], expanded: e, projected: inputs[BlockSlot.projectWeights]?.shape[0],
                                          threads: context.threads, budget: stripBudget)
        context.retained.append(strips)
        func stage(_ node: Node, _ w: Buffer, _ b: Buffer?) -> DepthwiseBlockStrips.Stage {
            .init(weights: w.floats, bias: b.map { UnsafePointer($0.floats) }, activation: FusedActivation(node.epilogue.activation))
        }
        return strips.step(expand: stage(expand, w1, inputs[BlockSlot.expandBias]), depthwise: stage(depthwise, w2, inputs[BlockSlot.depthwiseBias]),
                           project: project.map { stage($0, inputs[BlockSlot.projectWeights]!, inputs[BlockSlot.projectBias]) },
                           residual: inputs[BlockSlot.residual], y: y, context: context)
    }

    /// The Conv steps one after another, through tensors of their own (instruction sets without the strips).
    private func unfused(_ inputs: [Buffer?], _ y: Buffer, _ context: PlanContext) throws -> Step {
        func info(_ b: Buffer?) -> ValueInfo? { b.map { ValueInfo(desc: $0.desc, constant: nil) } }
        func tensor(_ desc: TensorDesc) -> Buffer {
            let memory = Memory(bytes: desc.count * desc.elementSize)
            context.retained.append(memory)
            return Buffer(desc: desc, raw: memory.raw)
        }
        let a = tensor(try convs[0].outputs(expandInputs(inputs).map(info))[0])
        let b = project == nil ? y : tensor(try convs[1].outputs(depthwiseInputs(info(a), inputs.map(info)))[0])
        var steps = try [convs[0].step(expandInputs(inputs), [a], context), convs[1].step(depthwiseInputs(a, inputs), [b], context)]
        if project != nil { steps.append(try convs[2].step(projectInputs(b, inputs), [y], context)) }
        return { for step in steps { step() } }
    }

    /// "Block 1x1 +relu 64->128, 3x3 dw +relu, 1x1 +add ->64 @128x256"-style profile label
    /// (without a project, "Block 1x1 +relu 64->128, 3x3 dw +relu @128x256").
    func label(_ inputs: [Buffer?]) -> String {
        guard let x = inputs[BlockSlot.x]?.shape, let w1 = inputs[BlockSlot.expandWeights]?.shape,
              let w2 = inputs[BlockSlot.depthwiseWeights]?.shape else { return "Block" }
        var text = "Block \(Planner.convTraits(expand, kernel: convs[0], w: w1, inputChannels: w1[1])) \(w1[1])->\(w1[0]), "
            + Planner.convTraits(depthwise, kernel: convs[1], w: w2, inputChannels: w1[0])
        if let project, let w3 = inputs[BlockSlot.projectWeights]?.shape {
            text += ", \(Planner.convTraits(project, kernel: convs[2], w: w3, inputChannels: w1[0])) ->\(w3[0])"
        }
        return text + " @\(x[2])x\(x[3])"
    }
}

/// Where a `DepthwiseBlock` node's inputs are (see `DepthwiseBlock.inputNames`).
enum BlockSlot {
    static let x = 0
    static let expandWeights = 1, expandBias = 2
    static let depthwiseWeights = 3, depthwiseBias = 4
    static let projectWeights = 5, projectBias = 6
    /// The project's residual.
    static let residual = 7
    /// The first of the parts X is concatenated with, along channels.
    static let concatParts = 8
}
