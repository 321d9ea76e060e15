import Foundation
import Testing
@testable import Inference

/// The fused 1x1 -> depthwise (-> 1x1) chain (`DepthwiseBlock`) against the plain reference
/// convs, and the planner's choice to fuse.
@Suite struct DepthwiseBlockTests {
    func conv(_ name: String, input: String, k: Int, stride: Int, pad: Int, dilation: Int, group: Int, activation: Activation?,
              residual: Bool = false) -> Node {
        Node(name: name, opType: "Conv", inputs: [input, "\(name).w", "\(name).b"] + (residual ? ["R"] : []), outputs: ["\(name).y"],
             attributes: ["kernel_shape": .ints([k, k]), "strides": .ints([stride, stride]), "pads": .ints([pad, pad, pad, pad]),
                          "dilations": .ints([dilation, dilation]), "group": .int(group)],
             epilogue: Epilogue(residual: residual, activation: activation))
    }

    /// Random shapes, strides, pads, dilations and epilogues; strip budgets from one row to
    /// several, so strips wrap around the rings; widths past one 64-output block; X whole or the
    /// parts of a channel concatenation; with and without a project.
    @Test(arguments: InstructionSet.supported)
    func matchesReferenceConvs(_ isa: InstructionSet) throws {
        var random = SeededRandom("depthwise-block")
        let activations: [Activation?] = [nil, .relu, .hardSwish, .clip(min: 0, max: 6), .sigmoid]
        for _ in 0..<12 {
            let n = random.int(1...3), c = random.int(1...12), e = random.int(1...40), m = random.int(1...12)
            let k = random.int(1...5), stride = random.int(1...2), pad = random.int(0...2), dilation = random.int(1...2)
            let h = random.int(1...30) + dilation * (k - 1), w = random.int(1...150) + dilation * (k - 1)
            let projects = random.int(0...3) > 0, residual = projects && random.bool()
            var expand = conv("a", input: "X", k: 1, stride: 1, pad: 0, dilation: 1, group: 1, activation: random.element(activations))
            let cut = random.int(0...min(2, c - 1)) // concatenated parts after the first
            let partChannels = (0...cut).map { $0 < cut ? 1 : c - cut }
            if cut > 0 { expand.inputs += [""] + (1...cut).map { "X\($0)" } }
            let project = conv("c", input: "b.y", k: 1, stride: 1, pad: 0, dilation: 1, group: 1, activation: random.element(activations),
                               residual: residual)
            let nodes = [expand, conv("b", input: "a.y", k: k, stride: stride, pad: pad, dilation: dilation, group: e,
                                      activation: random.element(activations))] + (projects ? [project] : [])
            let x = random.tensor([n, c, h, w])
            let weights = [random.tensor([e, c, 1, 1]), random.tensor([e, 1, k, k]), random.tensor([m, e, 1, 1])]
            let biases = [random.tensor([e]), random.tensor([e]), random.tensor([m])]
            let r = random.tensor([n, m, (h + 2 * pad - dilation * (k - 1) - 1) / stride + 1, (w + 2 * pad - dilation * (k - 1) - 1) / stride + 1])
            var block = try DepthwiseBlock(expand: nodes[0], depthwise: nodes[1], project: projects ? project : nil)
            block.stripBudget = e * (w + 2 * pad + 16) * random.int(1...8)
            let parts = Split.reference(x, axis: 1, split: partChannels, outputs: partChannels.count)
            let inputs: [TensorValue?] = [.float32(parts[0]), .float32(weights[0]), .float32(biases[0]), .float32(weights[1]),
                                          .float32(biases[1]), projects ? .float32(weights[2]) : nil, projects ? .float32(biases[2]) : nil,
                                          residual ? .float32(r) : nil]
                + parts.dropFirst().map { .float32($0) }
            let actual = try run(block, inputs, instructionSet: isa)[0].floatTensor
            let expected = try reference(nodes, x: x, weights: weights, biases: biases, residual: residual ? r : nil)
            let (diff, range) = maxDifference(actual, expected)
            #expect(diff <= 1e-5 * max(range, 1),
                    "x \(x.shape) -> \(e) -> \(projects ? m : e), k \(k) stride \(stride) pad \(pad) dilation \(dilation)")
        }
    }

    /// The chain computed conv by conv, each epilogue applied (the project's residual before its activation).
    func reference(_ nodes: [Node], x: Tensor, weights: [Tensor], biases: [Tensor], residual: Tensor?) throws -> Tensor {
        var y = x
        for (i, node) in nodes.enumerated() {
            let kernel = try Conv(node)
            y = Conv.reference(x: y, w: weights[i], bias: biases[i], group: kernel.group, try kernel.geometry(x: y.shape, w: weights[i].shape))
            if i == 2, let residual { for j in y.data.indices { y.data[j] += residual.data[j] } }
            if let a = node.epilogue.activation { y = ActivationKernel.reference(y, a) }
        }
        return y
    }

    /// torchvision's LR-ASPP (the zoo's, at 256x512): its inverted residual blocks run fused on
    /// AVX-512 — whole without squeeze-excite, up to the depthwise conv with it — on maps over
    /// `smallestFusedMap` pixels, conv by conv below that and on the portable kernels (parity
    /// with onnxruntime is `ZooParityTests`').
    @Test func plannerFusesInvertedResidualBlocksOnLargeMaps() throws {
        let model = try ZooWeights.model(Fixtures.zoo.appendingPathComponent("tv_lraspp_mobilenetv3.onnx"), threads: 2)
        func pixels(_ label: String) -> Int {
            let size = label.split(separator: "@").last!.split(separator: " ")[0].split(separator: "x").map { Int($0)! }
            return size[0] * size[1]
        }
        for isa in InstructionSet.supported {
            model.instructionSet = isa
            let labels = try model.prepare(inputShape: [1, 3, 256, 512]).stepLabels
            let blocks = labels.filter { $0.hasPrefix("Block") }
            #expect(blocks.count == (isa == .avx512 ? 3 : 0), "\(isa): \(blocks)")
            #expect(blocks.filter { $0.contains(", 1x1") }.count == (isa == .avx512 ? 2 : 0), "\(isa): \(blocks)")
            #expect(blocks.allSatisfy { pixels($0) > DepthwiseBlock.smallestFusedMap }, "\(blocks)")
            #expect(labels.contains { $0.hasPrefix("Conv 5x5 dw") && pixels($0) <= DepthwiseBlock.smallestFusedMap }, "\(labels)")
        }
    }
}
