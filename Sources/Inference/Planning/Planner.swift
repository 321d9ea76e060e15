import Foundation

/// Builds a `Session` for one set of input shapes: infers every value's shape, folds
/// everything computable from constants and shapes (including Shape/Gather/Slice/
/// Concat/Cast chains), on AVX-512 fuses 1x1 -> depthwise (-> 1x1) conv chains into
/// `DepthwiseBlock`s, assigns runtime values to memory slots reused by liveness, and creates
/// one step per remaining node.
struct Planner {
    let graph: Graph
    let kernels: [Kernel]
    let threads: Int
    let instructionSet: InstructionSet

    /// A runtime node, its kernel, and the descriptions of its outputs.
    struct Work {
        var node: Node
        var kernel: Kernel
        var descs: [TensorDesc]
        var inputs: [String] { node.inputs }
        var outputs: [String] { node.outputs }
    }

    /// Plans a session; its runtime values live in the block `arena` returns for the bytes they
    /// need (sessions of one model share it: they run one at a time).
    func plan(inputShapes: [String: [Int]], arena: (Int) -> Memory = { Memory(bytes: $0) }) throws -> Session {
        var infos: [String: ValueInfo] = [:]
        for (name, value) in graph.initializers {
            infos[name] = ValueInfo(desc: TensorDesc(type: value.elementType, shape: value.shape), constant: value)
        }
        for input in graph.inputs {
            guard let shape = inputShapes[input.name] else { throw InferenceError.invalidInput(name: input.name, reason: "no shape given; the model needs every input") }
            try Planner.check(shape: shape, against: input)
            infos[input.name] = ValueInfo(desc: TensorDesc(type: input.elementType, shape: shape), constant: nil)
        }
        for name in inputShapes.keys where !graph.inputs.contains(where: { $0.name == name }) {
            throw InferenceError.invalidInput(name: name, reason: "the model has no such input (inputs: \(graph.inputs.map(\.name).joined(separator: ", ")))")
        }

        var work: [Work] = []
        var flops = 0
        for (index, node) in graph.nodes.enumerated() {
            let kernel = kernels[index]
            let ins = node.inputs.map { $0.isEmpty ? nil : infos[$0] }
            let (descs, constants) = try Planner.evaluate(node, kernel, ins, instructionSet: instructionSet)
            for (k, name) in node.outputs.enumerated() where !name.isEmpty {
                infos[name] = ValueInfo(desc: descs[k], constant: constants?[k])
            }
            if constants == nil {
                work.append(Work(node: node, kernel: kernel, descs: descs))
                flops += kernel.flops(ins.map { $0?.desc }, descs)
            }
        }
        if instructionSet == .avx512 { fuseDepthwiseBlocks(&work, infos: infos) }
        let slots = SlotAssignment(work, graph: graph, infos: infos)
        return try session(work, slots: slots, arena: arena(slots.arenaBytes), infos: infos, flops: flops)
    }

    /// What `node` gives for inputs `ins`: its output descriptions, checked, and its outputs
    /// themselves when they are known before running (from shapes, or all inputs constant).
    static func evaluate(_ node: Node, _ kernel: Kernel, _ ins: [ValueInfo?], instructionSet: InstructionSet = .best) throws
        -> (descs: [TensorDesc], constants: [TensorValue]?) {
        let descs = try kernel.outputs(ins)
        for d in descs where checkedCount(d.shape) == nil {
            throw node.error("output shape \(d.shape) is invalid or too large")
        }
        for (k, name) in node.outputs.enumerated() where !name.isEmpty && k >= descs.count {
            throw node.error("output \(k) ('\(name)') is not supported")
        }
        var constants = try kernel.constantOutputs(ins)
        let allConstant = ins.allSatisfy { $0 == nil || $0!.constant != nil }
        if constants == nil, allConstant, !kernel.isView || ins.first??.constant != nil {
            constants = try fold(kernel, ins, descs, instructionSet: instructionSet)
        }
        return (descs, constants)
    }

    /// Checks a requested input shape against the model's declared dimensions.
    static func check(shape: [Int], against input: TensorInfo) throws {
        guard shape.allSatisfy({ $0 > 0 }) else { throw InferenceError.invalidInput(name: input.name, reason: "shape \(shape) has a non-positive dimension") }
        guard let dims = input.dimensions else { return }
        guard dims.count == shape.count else {
            throw InferenceError.invalidInput(name: input.name, reason: "expected \(dims.count) dimensions \(dims), got \(shape)")
        }
        for (d, s) in zip(dims, shape) {
            if case .fixed(let v) = d, v > 0, v != s {
                throw InferenceError.invalidInput(name: input.name, reason: "expected shape \(dims), got \(shape)")
            }
        }
    }

    /// A step's label in profiles: the op type, with shapes (and the algorithm) for convs.
    static func label(_ node: Node, kernel: Kernel, inputs: [Buffer?], instructionSet: InstructionSet) -> String {
        if let block = kernel as? DepthwiseBlock { return block.label(inputs) }
        return node.opType == "Conv" ? convLabel(node, kernel: kernel, inputs: inputs, instructionSet: instructionSet) : node.opType
    }

    /// "Conv 3x3/2 dw +relu 64->64 @128x256 depthwise"-style label for profiles (input channels,
    /// those of any fused Concat's parts included, output channels, input size, `ConvAlgorithm`).
    static func convLabel(_ node: Node, kernel: Kernel, inputs: [Buffer?], instructionSet: InstructionSet) -> String {
        let parts = [inputs[ConvSlot.x]] + inputs.dropFirst(ConvSlot.concatParts)
        guard let w = inputs[ConvSlot.weights]?.shape, let conv = kernel as? Conv,
              let x = try? conv.xShape(parts.compactMap { $0?.shape }),
              let algorithm = try? conv.algorithm(x: x, w: w, instructionSet: instructionSet) else { return "Conv" }
        return "Conv \(convTraits(node, kernel: conv, w: w, inputChannels: x[1])) \(x[1])->\(w[0]) @\(x[2])x\(x[3]) \(algorithm.rawValue)"
    }

    /// A conv's kernel, stride, grouping and epilogue for labels: "3x3/2 dw +add +relu".
    static func convTraits(_ node: Node, kernel conv: Conv, w: [Int], inputChannels c: Int) -> String {
        var traits = "\(w[2])x\(w[3])"
        if conv.window.strides != [1, 1] { traits += "/\(conv.window.strides[0])" }
        if conv.group > 1 { traits += conv.group == c && w[0] == c ? " dw" : " g\(conv.group)" }
        if node.epilogue.residual { traits += " +add" }
        if let a = node.epilogue.activation { traits += " +\(String(describing: a).prefix { $0 != "(" })" }
        return traits
    }

    /// Runs a node whose inputs are all constant, once, at planning time.
    static func fold(_ kernel: Kernel, _ inputs: [ValueInfo?], _ outputs: [TensorDesc], threads: Int = 1,
                     instructionSet: InstructionSet = .best) throws -> [TensorValue] {
        let inMemory = inputs.map { $0.map { Memory(bytes: $0.desc.count * $0.desc.elementSize) } }
        let inBuffers = zip(inputs, inMemory).map { info, memory -> Buffer? in
            guard let info, let memory else { return nil }
            let b = Buffer(desc: info.desc, raw: memory.raw)
            b.store(info.constant!)
            return b
        }
        if kernel.isView {
            let source = inputs[0]!.constant!
            switch source {
            case .float32(let t): return [.float32(Tensor(shape: outputs[0].shape, data: t.data))]
            case .int64(let t): return [.int64(Int64Tensor(shape: outputs[0].shape, data: t.data))]
            }
        }
        let outMemory = outputs.map { Memory(bytes: $0.count * $0.elementSize) }
        let outBuffers = zip(outputs, outMemory).map { Buffer(desc: $0, raw: $1.raw) }
        let context = PlanContext(threads: threads, instructionSet: instructionSet)
        context.constants = Set(inBuffers.compactMap { $0?.raw })
        try kernel.step(inBuffers, outBuffers, context)()
        return withExtendedLifetime((inMemory, outMemory)) { outBuffers.map { $0.load() } }
    }

    /// One step per node of `work`, on the memory `slots` assigns.
    private func session(_ work: [Work], slots: SlotAssignment, arena: Memory, infos: [String: ValueInfo], flops: Int) throws -> Session {
        precondition(arena.bytes >= slots.arenaBytes, "the arena is smaller than the plan")
        let pinned = zip(slots.bytes, slots.arenaOffsets).map { bytes, offset in offset == nil ? Memory(bytes: bytes) : nil }
        let addresses = slots.arenaOffsets.indices.map { s in pinned[s]?.raw ?? arena.raw + slots.arenaOffsets[s]! }
        let memory = [arena] + pinned.compactMap { $0 }
        func buffer(_ name: String) -> Buffer { Buffer(desc: infos[name]!.desc, raw: addresses[slots.slotOf[name]!]) }
        for name in slots.constants { buffer(name).store(infos[name]!.constant!) }
        let context = PlanContext(threads: threads, instructionSet: instructionSet)
        context.constants = Set(slots.constants.map { buffer($0).raw })
        var steps: [Step] = []
        var labels: [String] = []
        for w in work {
            let kernel = w.kernel
            guard !kernel.isView else { continue }
            let ins = w.inputs.map { $0.isEmpty ? nil : buffer($0) }
            // Outputs the graph leaves unnamed still need somewhere to go.
            let outs = w.descs.enumerated().map { o, desc -> Buffer in
                if o < w.outputs.count, !w.outputs[o].isEmpty { return buffer(w.outputs[o]) }
                let spare = Memory(bytes: desc.count * desc.elementSize)
                context.retained.append(spare)
                return Buffer(desc: desc, raw: spare.raw)
            }
            steps.append(try kernel.step(ins, outs, context))
            labels.append(Planner.label(w.node, kernel: kernel, inputs: ins, instructionSet: instructionSet))
        }
        let inputs = graph.inputs.map { buffer($0.name) }
        let outputs: [(String, Buffer?, TensorValue?)] = graph.outputs.map { o in
            if let c = infos[o.name]?.constant { return (o.name, nil, c) }
            return (o.name, buffer(o.name), nil)
        }
        return Session(inputs: inputs, inputNames: graph.inputs.map(\.name), outputs: outputs, steps: steps, labels: labels,
                       memory: memory, context: context, flops: flops,
                       bytes: slots.runtimeBytes)
    }
}
