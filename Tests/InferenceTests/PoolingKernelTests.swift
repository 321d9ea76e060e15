import Testing
@testable import Inference

/// Random 2-D pooling attributes of one flavour, with an NCHW input shape at least one
/// window extent in size and pads under the extent, so every window overlaps the input.
struct PoolWindow: CustomStringConvertible {
    /// 2x2 windows (MaxPool's fast path, on wide rows), general ones, padded, dilated, and
    /// ceil_mode with a last window hanging past the end padding.
    static let flavours = ["2x2", "general", "padded", "dilated", "ceil"]

    var kernel = [1, 1], strides = [1, 1], pads = [0, 0, 0, 0], dilations = [1, 1]
    var ceilMode = false
    var input: [Int] = []

    init(_ flavour: String, _ random: inout SeededRandom) {
        input = [random.int(1...2), random.int(1...3)]
        for a in 0..<2 {
            kernel[a] = flavour == "2x2" ? 2 : random.int(1...4)
            strides[a] = flavour == "ceil" ? random.int(2...3) : random.int(1...3)
            dilations[a] = flavour == "dilated" ? random.int(2...3) : 1
            let extent = (kernel[a] - 1) * dilations[a] + 1
            if flavour != "general" { (pads[a], pads[a + 2]) = (random.int(0...(extent - 1)), random.int(0...(extent - 1))) }
            var length = extent + random.int(0...(flavour == "2x2" && a == 1 ? 60 : 9))
            if flavour == "ceil", (length + pads[a] + pads[a + 2] - extent) % strides[a] == 0 { length += 1 }
            input.append(length)
        }
        ceilMode = flavour == "ceil" || random.int(0...3) == 0
    }

    var attributes: [String: Attribute] {
        ["kernel_shape": .ints(kernel), "strides": .ints(strides), "pads": .ints(pads), "dilations": .ints(dilations),
         "ceil_mode": .int(ceilMode ? 1 : 0)]
    }

    var description: String { "input \(input) kernel \(kernel) strides \(strides) pads \(pads) dilations \(dilations) ceil \(ceilMode)" }
}

/// MaxPool (values and Indices), AveragePool, GlobalAveragePool and MaxUnpool against the
/// plain reference loops, on random shapes and windows.
@Suite struct PoolingKernelTests {
    @Test(arguments: PoolWindow.flavours)
    func maxPoolMatchesReference(_ flavour: String) throws {
        var random = SeededRandom("maxpool \(flavour)")
        for _ in 0..<4 {
            let window = PoolWindow(flavour, &random), x = random.tensor(window.input), withIndices = random.bool()
            let expected = MaxPool.reference(x, kernel: window.kernel, strides: window.strides, pads: window.pads,
                                             dilations: window.dilations, ceilMode: window.ceilMode)
            let actual = try run("MaxPool", [.float32(x)], window.attributes, outputs: withIndices ? 2 : 1)
            #expect(actual[0] == .float32(expected.values), "\(window)")
            if withIndices { #expect(actual[1] == .int64(expected.indices), "indices, \(window)") }
        }
    }

    /// The common 2x2 stride-2 window on rows long enough for whole AVX-512 blocks and a short last one.
    @Test(arguments: InstructionSet.supported)
    func maxPool2x2Stride2MatchesReference(_ isa: InstructionSet) throws {
        var random = SeededRandom(state: 3)
        for (width, pads) in [(70, [0, 0, 0, 0]), (97, [1, 1, 1, 1]), (64, [0, 1, 0, 1])] {
            let x = random.tensor([2, 3, 9, width])
            let attributes: [String: Attribute] = ["kernel_shape": .ints([2, 2]), "strides": .ints([2, 2]), "pads": .ints(pads)]
            let expected = MaxPool.reference(x, kernel: [2, 2], strides: [2, 2], pads: pads, dilations: [1, 1], ceilMode: false)
            let actual = try run("MaxPool", [.float32(x)], attributes, instructionSet: isa)
            #expect(actual[0] == .float32(expected.values), "width \(width) pads \(pads)")
        }
    }

    @Test(arguments: PoolWindow.flavours, [false, true])
    func averagePoolMatchesReference(_ flavour: String, countIncludePad: Bool) throws {
        var random = SeededRandom("averagepool \(flavour) \(countIncludePad)")
        for _ in 0..<4 {
            let window = PoolWindow(flavour, &random), x = random.tensor(window.input)
            var attributes = window.attributes
            attributes["count_include_pad"] = .int(countIncludePad ? 1 : 0)
            let expected = AveragePool.reference(x, kernel: window.kernel, strides: window.strides, pads: window.pads,
                                                 dilations: window.dilations, ceilMode: window.ceilMode, countIncludePad: countIncludePad)
            expectClose(try run("AveragePool", [.float32(x)], attributes)[0], expected, "\(window)")
        }
    }

    @Test(arguments: [[1, 1, 1], [2, 3, 5, 7], [1, 2, 40, 33], [2, 2, 3, 4, 5]])
    func globalAveragePoolMatchesReference(_ shape: [Int]) throws {
        var random = SeededRandom("globalaveragepool \(shape)")
        let x = random.tensor(shape)
        expectClose(try run("GlobalAveragePool", [.float32(x)])[0], GlobalAveragePool.reference(x))
    }

    /// Unpools MaxPool's values and indices: to the size the window implies, or (as PyTorch
    /// exports it) to an `output_shape` up to a stride larger, which pooling rounds away.
    @Test(arguments: [false, true])
    func maxUnpoolMatchesReference(withOutputShape: Bool) throws {
        var random = SeededRandom("maxunpool \(withOutputShape)")
        for _ in 0..<4 {
            let kernel = [random.int(1...3), random.int(1...3)], strides = [random.int(1...3), random.int(1...3)]
            let pads = [random.int(0...(kernel[0] - 1)), random.int(0...(kernel[1] - 1)), random.int(0...(kernel[0] - 1)), random.int(0...(kernel[1] - 1))]
            let original = [random.int(1...2), random.int(1...3)] + (0..<2).map { a in
                strides[a] * random.int(4...8) + kernel[a] - pads[a] - pads[a + 2] + (withOutputShape ? random.int(0...(strides[a] - 1)) : 0)
            }
            let pooled = MaxPool.reference(random.tensor(original), kernel: kernel, strides: strides, pads: pads, dilations: [1, 1], ceilMode: false)
            let outputShape = withOutputShape ? original : nil
            let expected = MaxUnpool.reference(pooled.values, indices: pooled.indices, kernel: kernel, strides: strides, pads: pads,
                                               outputShape: outputShape)
            let actual = try run("MaxUnpool", [.float32(pooled.values), .int64(pooled.indices), outputShape.map(int64s)],
                                 ["kernel_shape": .ints(kernel), "strides": .ints(strides), "pads": .ints(pads)])
            #expect(actual[0] == .float32(expected), "original \(original) kernel \(kernel) strides \(strides) pads \(pads)")
        }
    }
}
