extension Planner {
    /// Replaces each 1x1 Conv -> depthwise Conv -> 1x1 Conv chain that `DepthwiseBlock` fits
    /// (the inner outputs read by the next conv alone, weights constant) with one
    /// `DepthwiseBlock` in the last conv's place, so the inner tensors are never allocated.
    func fuseDepthwiseBlocks(_ work: inout [Work], infos: [String: ValueInfo]) {
        var readers: [String: Int] = [:]
        for w in work { for input in w.inputs where !input.isEmpty { readers[input, default: 0] += 1 } }
        for output in graph.outputs { readers[output.name, default: 0] += 2 }
        func producer(of name: String, in work: [Work]) -> Int? {
            work.firstIndex { $0.outputs.first == name && $0.node.opType == "Conv" && readers[name] == 1 && $0.outputs.count == 1 }
        }
        var j = 0
        while j < work.count {
            let project = work[j].node
            guard project.opType == "Conv", let b = producer(of: project.inputs[0], in: work),
                  let a = producer(of: work[b].node.inputs[0], in: work) else {
                j += 1
                continue
            }
            let nodes = [work[a].node, work[b].node, project]
            let weights = nodes.map { infos[$0.inputs[1]] }
            let residual = project.inputs.count > 3 && !project.inputs[3].isEmpty ? infos[project.inputs[3]]?.shape : nil
            let parts = ([nodes[0].inputs[0]] + nodes[0].inputs.dropFirst(4)).map { infos[$0] }
            guard parts.allSatisfy({ $0?.type == .float32 }), let expand = work[a].kernel as? Conv,
                  let x = try? expand.xShape(parts.map { $0!.shape }), weights.allSatisfy({ $0?.constant != nil }),
                  residual != nil || project.inputs.count < 4 || project.inputs[3].isEmpty,
                  DepthwiseBlock.fits(expand: nodes[0], depthwise: nodes[1], project: project, x: x,
                                      weights: weights.map { $0!.shape }, residual: residual),
                  let block = try? DepthwiseBlock(expand: nodes[0], depthwise: nodes[1], project: project) else {
                j += 1
                continue
            }
            let node = Node(name: project.name, opType: "DepthwiseBlock", inputs: block.inputNames, outputs: project.outputs,
                            attributes: [:])
            work[j] = Work(node: node, kernel: block, descs: work[j].descs)
            work.remove(at: max(a, b))
            work.remove(at: min(a, b))
            j -= 1
        }
    }
}
