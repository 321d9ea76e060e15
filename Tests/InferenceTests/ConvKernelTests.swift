import Foundation
import Testing
@testable import Inference

/// Conv and ConvTranspose fast paths (direct AVX-512 tiles, lane tiles, Winograd and depthwise rows, and the portable 1x1
/// sgemm, SIMD depthwise, im2col + sgemm, col2im) and the fused epilogue against the plain
/// reference loops, on random shapes, for every instruction set this CPU has.
@Suite struct ConvKernelTests {
    func convNode(k: Int, stride: Int, pad: Int, dilation: Int, group: Int, epilogue: Epilogue = Epilogue()) -> Node {
        Node(name: "conv", opType: "Conv", inputs: ["X", "W", "B", epilogue.residual ? "R" : ""], outputs: ["Y"],
             attributes: ["kernel_shape": .ints([k, k]), "strides": .ints([stride, stride]), "pads": .ints([pad, pad, pad, pad]),
                          "dilations": .ints([dilation, dilation]), "group": .int(group)],
             epilogue: epilogue)
    }

    @Test(arguments: ["pointwise", "pointwise-strided", "depthwise", "depthwise-strided", "depthwise-dilated", "general", "grouped",
                      "dilated", "unpadded", "lanes", "winograd", "atrous"], InstructionSet.supported)
    func convMatchesReference(_ path: String, _ isa: InstructionSet) throws {
        var random = SeededRandom(path)
        for _ in 0..<3 {
            // Depthwise rows are wide enough (over twice the 64-output AVX-512 block, strided
            // too) to have blocks that read inside the plane and blocks masked at its edges.
            let n = random.int(1...2), h = random.int(5...19)
            var w = path.hasPrefix("depthwise") ? random.int(270...400) : random.int(5...23)
            var c = random.int(1...6), m = random.int(1...6)
            var (k, stride, pad, dilation, group) = (3, 1, 1, 1, 1)
            switch path {
            case "pointwise": (k, pad) = (1, 0)
            case "pointwise-strided": (k, pad, stride) = (1, 0, random.int(2...3))
            case "unpadded": (k, pad, stride) = (random.int(1...4), 0, 1); m = random.int(7...20)
            case "depthwise": m = c; group = c; k = random.int(2...5); pad = random.int(0...2)
            case "depthwise-strided": m = c; group = c; stride = 2; k = random.int(2...5); pad = random.int(0...2)
            case "depthwise-dilated": m = c; group = c; (k, stride, pad, dilation) = (random.int(1...5), random.int(1...3), random.int(0...4), random.int(2...3))
            case "grouped": group = 2; c *= 2; m *= 2; stride = random.int(1...3)
            case "dilated": dilation = 2; pad = random.int(0...3); k = random.int(2...3)
            case "lanes": // LaneConv: 1 to 3 lane groups of 3 or 4 vectors; narrow rows, so mostly border outputs
                group = random.int(1...2); c = group * random.int(8...20); m = group * random.int(48...140)
                (k, stride, pad, dilation) = (random.int(2...4), random.int(1...3), random.int(1...4), random.int(1...2))
                if k == 3, stride == 1, group == 1, c >= 16 { stride = 2 } // else Winograd's
            case "winograd": // 3x3 stride 1 with at least 16 channels in and out, dilated too; rows up to several blocks of 16 tiles
                c = random.int(16...40); m = random.int(16...70); (pad, dilation) = (random.int(0...3), random.int(1...3))
                w = random.int(5...150)
            case "atrous": // ASPP on a small map: most taps read padding (ShiftedTapConv)
                c = random.int(8...40); m = random.int(8...40); dilation = random.int(6...36); pad = dilation
                w = random.int(8...33)
            default: k = random.int(1...5); stride = random.int(1...3); pad = random.int(0...2)
            }
            let x = random.tensor([n, c, h, w]), wt = random.tensor([m, c / group, k, k]), b = random.tensor([m])
            let node = convNode(k: k, stride: stride, pad: pad, dilation: dilation, group: group)
            let kernel = try Conv(node)
            let g = try kernel.geometry(x: x.shape, w: wt.shape)
            let expected = Conv.reference(x: x, w: wt, bias: b, group: group, g)
            let actual = try run(kernel, [.float32(x), .float32(wt), .float32(b)], instructionSet: isa)[0].floatTensor
            #expect(maxDifference(actual, expected).diff <= 1e-4,
                    "\(path) x \(x.shape) w \(wt.shape) stride \(stride) pad \(pad) dilation \(dilation)")
        }
    }

    /// The algorithm each kind of conv gets, pinned: on AVX-512 and without it.
    @Test func algorithmsAreChosenByName() throws {
        let cases: [(name: String, x: [Int], w: [Int], stride: Int, pad: Int, group: Int, avx512: ConvAlgorithm, portable: ConvAlgorithm)] = [
            ("3x3 64->64", [1, 64, 32, 32], [64, 64, 3, 3], 1, 1, 1, .winograd, .im2col),
            ("3x3/2 16->96", [1, 16, 32, 32], [96, 16, 3, 3], 2, 1, 1, .lanes, .im2col),
            ("3x3 8->8", [1, 8, 32, 32], [8, 8, 3, 3], 1, 1, 1, .direct, .im2col),
            ("1x1 64->128", [1, 64, 32, 32], [128, 64, 1, 1], 1, 0, 1, .direct, .packedPointwise),
            ("1x1/2 64->128", [1, 64, 32, 32], [128, 64, 1, 1], 2, 0, 1, .direct, .im2col),
            ("3x3 dw 32", [1, 32, 32, 32], [32, 1, 3, 3], 1, 1, 32, .depthwise, .depthwise),
            ("3x3 g2 16->96", [1, 16, 32, 32], [96, 8, 3, 3], 1, 1, 2, .lanes, .im2col),
            ("5x5 3->8", [1, 3, 32, 32], [8, 3, 5, 5], 1, 2, 1, .direct, .im2col),
            ("3x3 d12 960->256 @16x32", [1, 960, 16, 32], [256, 960, 3, 3], 1, 12, 1, .shiftedTaps, .shiftedTaps),
            ("3x3 d2 64->64 @32x32", [1, 64, 32, 32], [64, 64, 3, 3], 1, 2, 1, .winograd, .im2col),
            ("3x3 d12 256->64 @32x64", [1, 256, 32, 64], [64, 256, 3, 3], 1, 12, 1, .shiftedTaps, .shiftedTaps),
            ("3x3 512->512 @8x16", [1, 512, 8, 16], [512, 512, 3, 3], 1, 1, 1, .lanes, .im2col),
        ]
        for c in cases {
            let dilation = c.name.contains(" d") ? c.pad : 1
            let conv = try Conv(convNode(k: c.w[2], stride: c.stride, pad: c.pad, dilation: dilation, group: c.group))
            #expect(try conv.algorithm(x: c.x, w: c.w, instructionSet: .avx512) == c.avx512, "\(c.name)")
            #expect(try conv.algorithm(x: c.x, w: c.w, instructionSet: .portable) == c.portable, "\(c.name)")
        }
    }

    @Test(arguments: [Activation.relu, .clip(min: 0, max: 6), .hardSwish, .hardSigmoid(alpha: 0.2, beta: 0.5),
                      .leakyRelu(alpha: 0.1), .sigmoid, .tanh], InstructionSet.supported)
    func fusedResidualAndActivation(_ activation: Activation, _ isa: InstructionSet) throws {
        var random = SeededRandom(state: 7)
        for (group, c, m, d) in [(1, 4, 4, 1), (4, 4, 4, 1), (1, 8, 48, 1), (1, 16, 32, 1), (1, 16, 32, 12)] {
            let x = random.tensor([2, c, 9, 37]), wt = random.tensor([m, c / group, 3, 3]), b = random.tensor([m])
            let r = random.tensor([2, m, 9, 37])
            let node = convNode(k: 3, stride: 1, pad: d, dilation: d, group: group, epilogue: Epilogue(residual: true, activation: activation))
            let kernel = try Conv(node)
            var sum = Conv.reference(x: x, w: wt, bias: b, group: group, try kernel.geometry(x: x.shape, w: wt.shape))
            for i in 0..<sum.data.count { sum.data[i] += r.data[i] }
            let expected = ActivationKernel.reference(sum, activation)
            let actual = try run(kernel, [.float32(x), .float32(wt), .float32(b), .float32(r)], instructionSet: isa)[0].floatTensor
            #expect(maxDifference(actual, expected).diff <= 1e-4, "group \(group), \(c) -> \(m) channels")
        }
    }

    /// Shapes large enough that the work runs in several bands per worker (and, for the direct
    /// tiles, several column chunks, output-channel blocks and passes over K = c x k x k taps, and
    /// 1x1 chunks packed 1 to 4 tiles wide;
    /// for the lane tiles, several channel blocks and lane groups; for Winograd, several blocks of tiles per row).
    @Test(arguments: [(k: 1, c: 160, m: 6, stride: 1), (k: 3, c: 40, m: 5, stride: 1), (k: 3, c: 24, m: 20, stride: 1),
                      (k: 3, c: 40, m: 9, stride: 2), (k: 1, c: 24, m: 12, stride: 2), (k: 3, c: 40, m: 64, stride: 2),
                      (k: 5, c: 24, m: 100, stride: 1), (k: 3, c: 96, m: 80, stride: 1), (k: 1, c: 200, m: 20, stride: 1),
                      (k: 1, c: 48, m: 40, stride: 1), (k: 1, c: 80, m: 17, stride: 1)], InstructionSet.supported)
    func bandedConvWithEpilogue(_ shape: (k: Int, c: Int, m: Int, stride: Int), _ isa: InstructionSet) throws {
        var random = SeededRandom(state: UInt64(shape.k))
        let (h, w) = (64 / shape.stride, 300 / shape.stride)
        let x = random.tensor([1, shape.c, 64, 300]), wt = random.tensor([shape.m, shape.c, shape.k, shape.k])
        let b = random.tensor([shape.m]), r = random.tensor([1, shape.m, h, w])
        let node = convNode(k: shape.k, stride: shape.stride, pad: shape.k / 2, dilation: 1, group: 1,
                            epilogue: Epilogue(residual: true, activation: .relu))
        let kernel = try Conv(node)
        var expected = Conv.reference(x: x, w: wt, bias: b, group: 1, try kernel.geometry(x: x.shape, w: wt.shape))
        for i in 0..<expected.data.count { expected.data[i] = max(expected.data[i] + r.data[i], 0) }
        let actual = try run(kernel, [.float32(x), .float32(wt), .float32(b), .float32(r)], instructionSet: isa)[0].floatTensor
        #expect(maxDifference(actual, expected).diff <= 1e-4)
    }

    /// An output over `DirectConv.streamedOutputBytes` is stored past the caches, whole
    /// aligned tiles (or lane-tile rows) streamed and the rest stored as usual.
    @Test(arguments: [(k: 1, c: 4, m: 16), (k: 3, c: 8, m: 64)], InstructionSet.supported)
    func largeOutputsAreStreamed(_ shape: (k: Int, c: Int, m: Int), _ isa: InstructionSet) throws {
        var random = SeededRandom(state: 5)
        let size = shape.k == 1 ? (500, 601) : (130, 601)
        let x = random.tensor([1, shape.c, size.0, size.1]), wt = random.tensor([shape.m, shape.c, shape.k, shape.k])
        let b = random.tensor([shape.m])
        let node = convNode(k: shape.k, stride: 1, pad: shape.k / 2, dilation: 1, group: 1, epilogue: Epilogue(activation: .relu))
        let kernel = try Conv(node)
        let expected = ActivationKernel.reference(Conv.reference(x: x, w: wt, bias: b, group: 1, try kernel.geometry(x: x.shape, w: wt.shape)),
                                                  .relu)
        #expect(expected.data.count * 4 > DirectConv.streamedOutputBytes)
        let actual = try run(kernel, [.float32(x), .float32(wt), .float32(b)], instructionSet: isa)[0].floatTensor
        #expect(maxDifference(actual, expected).diff <= 1e-4)
    }

    /// A channel Concat fused into the Conv (X = input 0 then inputs 4...): DirectConv and
    /// LaneConv and Winograd read the parts in their own buffers, the other paths join them first.
    @Test(arguments: [(k: 1, pad: 0, m: 12, parts: [3, 5, 2]), (k: 3, pad: 1, m: 12, parts: [3, 5, 2]),
                      (k: 3, pad: 0, m: 12, parts: [3, 5, 2]), (k: 3, pad: 1, m: 48, parts: [3, 5, 2]),
                      (k: 3, pad: 1, m: 24, parts: [6, 10, 4])], InstructionSet.supported)
    func concatenatedInputsMatchConvOfConcat(_ shape: (k: Int, pad: Int, m: Int, parts: [Int]), _ isa: InstructionSet) throws {
        var random = SeededRandom(state: UInt64(10 * shape.k + shape.pad + shape.parts[0]))
        let parts = shape.parts.map { random.tensor([2, $0, 40, 45]) }
        let wt = random.tensor([shape.m, shape.parts.reduce(0, +), shape.k, shape.k]), b = random.tensor([shape.m])
        var node = convNode(k: shape.k, stride: 1, pad: shape.pad, dilation: 1, group: 1)
        node.inputs = ["X0", "W", "B", "", "X1", "X2"]
        let kernel = try Conv(node)
        let x = Concat.reference(parts, axis: 1)
        let expected = Conv.reference(x: x, w: wt, bias: b, group: 1, try kernel.geometry(x: x.shape, w: wt.shape))
        let actual = try run(kernel, [.float32(parts[0]), .float32(wt), .float32(b), nil, .float32(parts[1]), .float32(parts[2])],
                             instructionSet: isa)[0].floatTensor
        #expect(maxDifference(actual, expected).diff <= 1e-4)
    }

    @Test func broadcastResidualFallsBackToBroadcastAdd() throws {
        var random = SeededRandom(state: 11)
        let x = random.tensor([1, 3, 6, 7]), wt = random.tensor([5, 3, 1, 1]), r = random.tensor([1, 5, 1, 1])
        let node = convNode(k: 1, stride: 1, pad: 0, dilation: 1, group: 1, epilogue: Epilogue(residual: true, activation: .relu))
        let kernel = try Conv(node)
        var expected = Conv.reference(x: x, w: wt, bias: nil, group: 1, try kernel.geometry(x: x.shape, w: wt.shape))
        for i in 0..<expected.data.count { expected.data[i] = max(expected.data[i] + r.data[(i / 42) % 5], 0) }
        let actual = try run(kernel, [.float32(x), .float32(wt), nil, .float32(r)])[0].floatTensor
        #expect(maxDifference(actual, expected).diff <= 1e-4)
    }

    @Test func convTransposeMatchesReference() throws {
        var random = SeededRandom(state: 3)
        for _ in 0..<6 {
            let n = random.int(1...2), group = random.int(1...2), c = group * random.int(1...3), mg = random.int(1...3)
            let k = random.int(1...4), stride = random.int(1...3), pad = random.int(0...(k - 1)), dilation = random.int(1...2)
            let x = random.tensor([n, c, random.int(2...7), random.int(2...7)]), wt = random.tensor([c, mg, k, k]), b = random.tensor([mg * group])
            let node = Node(name: "deconv", opType: "ConvTranspose", inputs: ["X", "W", "B"], outputs: ["Y"],
                            attributes: ["strides": .ints([stride, stride]), "pads": .ints([pad, pad, pad, pad]),
                                         "dilations": .ints([dilation, dilation]), "group": .int(group)])
            let kernel = try ConvTranspose(node)
            let g = try kernel.geometry(x: x.shape, w: wt.shape)
            let expected = ConvTranspose.reference(x: x, w: wt, bias: b, group: group, g)
            let actual = try run(kernel, [.float32(x), .float32(wt), .float32(b)])[0].floatTensor
            #expect(maxDifference(actual, expected).diff <= 1e-4, "x \(x.shape) w \(wt.shape) k \(k) s \(stride) p \(pad) d \(dilation)")
        }
    }
}
