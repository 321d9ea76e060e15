extension Planner {
    /// Replaces each 1x1 Conv -> depthwise Conv (-> 1x1 Conv) chain that `DepthwiseBlock` fits
    /// (each inner output read by the next conv alone, weights constant) with one `DepthwiseBlock`
    /// in the last conv's place, so the inner tensors are never allocated. The project joins
    /// when a 1x1 conv alone reads the depthwise output.
    func fuseDepthwiseBlocks(_ work: inout [Work], infos: [String: ValueInfo]) {
        // Fusing leaves the outer values' reader counts as they were and removes the inner ones.
        var readers: [String: Int] = [:]
        for w in work { for input in w.inputs where !input.isEmpty { readers[input, default: 0] += 1 } }
        for output in graph.outputs { readers[output.name, default: 0] += 2 }
        var j = 0
        while j < work.count {
            if let fused = fuseDepthwiseBlock(at: j, &work, infos: infos, readers: readers) {
                j = fused + 1
            } else {
                j += 1
            }
        }
    }

    /// Fuses the chain whose depthwise conv is `work[j]`, if it fits: returns the block's index.
    /// `readers`: how many times each value is read (graph outputs count as readers).
    private func fuseDepthwiseBlock(at j: Int, _ work: inout [Work], infos: [String: ValueInfo], readers: [String: Int]) -> Int? {
        /// The Conv alone reading `name` as X, or producing it for one reader.
        func conv(reading name: String) -> Int? {
            guard readers[name] == 1 else { return nil }
            return work.firstIndex { $0.node.opType == "Conv" && $0.inputs.first == name }   // read as X (ConvSlot.x)
        }
        func conv(producing name: String) -> Int? {
            guard readers[name] == 1 else { return nil }
            return work.firstIndex { $0.node.opType == "Conv" && $0.outputs == [name] }
        }
        let depthwise = work[j].node
        guard depthwise.opType == "Conv", depthwise.outputs.count == 1, let a = conv(producing: depthwise.inputs[ConvSlot.x]) else { return nil }
        let expand = work[a].node
        let parts = ([expand.inputs[ConvSlot.x]] + expand.inputs.dropFirst(ConvSlot.concatParts)).map { infos[$0] }
        guard parts.allSatisfy({ $0?.type == .float32 }), let expandKernel = work[a].kernel as? Conv,
              let x = try? expandKernel.xShape(parts.map { $0!.shape }) else { return nil }
        for c in [conv(reading: depthwise.outputs[0]), nil] {
            let project = c.map { work[$0].node }
            let nodes = [expand, depthwise] + (project.map { [$0] } ?? [])
            let weights = nodes.map { infos[$0.inputs[ConvSlot.weights]] }
            let residualName = project.flatMap {
                $0.inputs.count > ConvSlot.residual && !$0.inputs[ConvSlot.residual].isEmpty ? $0.inputs[ConvSlot.residual] : nil
            }
            let residual = residualName.flatMap { infos[$0]?.shape }
            guard weights.allSatisfy({ $0?.constant != nil }), residualName == nil || residual != nil,
                  let block = try? DepthwiseBlock(expand: expand, depthwise: depthwise, project: project),
                  block.fits(x: x, weights: weights.map { $0!.shape }, residual: residual) else { continue }
            let last = c ?? j
            let node = Node(name: work[last].node.name, opType: "DepthwiseBlock", inputs: block.inputNames,
                            outputs: work[last].outputs, attributes: [:])
            work[last] = Work(node: node, kernel: block, descs: work[last].descs)
            for removed in [a, j].filter({ $0 != last }).sorted(by: >) { work.remove(at: removed) }
            return last - [a, j].filter { $0 != last && $0 < last }.count
        }
        return nil
    }
}
