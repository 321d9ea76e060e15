import Testing
@testable import Inference

/// Resize (every coordinate transformation and nearest mode, nearest and linear, scales
/// and sizes), Upsample, and Resize fused with ArgMax against the plain references, on
/// random shapes.
@Suite struct ResizeKernelTests {
    static let coordinateModes = ["half_pixel", "pytorch_half_pixel", "align_corners", "asymmetric", "tf_half_pixel_for_nn"]

    /// Runs Resize on a random input, to random scales or sizes, against the reference.
    func check(mode: String, coordinateMode: String, nearestMode: String, _ random: inout SeededRandom,
               instructionSet: InstructionSet = .best) throws {
        let x = random.tensor([random.int(1...2), random.int(1...2), random.int(2...9), random.int(2...40)])
        let bySizes = random.bool()
        let scales = bySizes ? nil : [1, 1] + (0..<2).map { _ in random.element([0.5, 0.6, 1, 1.5, 2, 2.5, 3] as [Float]) }
        let sizes = bySizes ? Array(x.shape.prefix(2)) + [random.int(1...20), random.int(1...50)] : nil
        let actual = try run("Resize", [.float32(x), nil, scales.map { .float32(Tensor(shape: [4], data: $0)) }, sizes.map(int64s)],
                             ["mode": .string(mode), "coordinate_transformation_mode": .string(coordinateMode),
                              "nearest_mode": .string(nearestMode)], instructionSet: instructionSet)[0]
        let expected = Resize.reference(x, scales: scales, sizes: sizes, linear: mode == "linear",
                                        coordinateMode: coordinateMode, nearestMode: nearestMode)
        expectClose(actual, expected, "\(instructionSet): \(x.shape) scales \(scales ?? []) sizes \(sizes ?? [])")
    }

    @Test(arguments: coordinateModes, ["round_prefer_floor", "round_prefer_ceil", "floor", "ceil"])
    func nearestMatchesReference(_ coordinateMode: String, _ nearestMode: String) throws {
        var random = SeededRandom("nearest \(coordinateMode) \(nearestMode)")
        for _ in 0..<3 { try check(mode: "nearest", coordinateMode: coordinateMode, nearestMode: nearestMode, &random) }
    }

    @Test(arguments: coordinateModes)
    func linearMatchesReference(_ coordinateMode: String) throws {
        var random = SeededRandom("linear \(coordinateMode)")
        for isa in InstructionSet.supported {
            for _ in 0..<4 { try check(mode: "linear", coordinateMode: coordinateMode, nearestMode: "round_prefer_floor", &random, instructionSet: isa) }
        }
    }

    /// Upsample (opset 9): scales as input 1, asymmetric coordinates, nearest rounding down.
    @Test(arguments: ["nearest", "linear"])
    func upsampleMatchesReference(_ mode: String) throws {
        var random = SeededRandom("upsample \(mode)")
        for _ in 0..<3 {
            let x = random.tensor([1, random.int(1...3), random.int(2...9), random.int(2...40)])
            let scales: [Float] = [1, 1, random.element([1, 2, 3]), random.element([1, 1.5, 2, 4])]
            let actual = try run("Upsample", [.float32(x), .float32(Tensor(shape: [4], data: scales))], ["mode": .string(mode)], opset: 9)[0]
            let expected = Resize.reference(x, scales: scales, sizes: nil, linear: mode == "linear", coordinateMode: "asymmetric", nearestMode: "floor")
            expectClose(actual, expected, "\(x.shape) scales \(scales)")
        }
    }

    /// The fused kernel gives exactly ArgMax(Resize(x)): same interpolation arithmetic, first
    /// maximum on ties (quantised scores make ties common).
    @Test(arguments: ["linear", "nearest"], coordinateModes)
    func resizeArgMaxEqualsArgMaxOfResize(_ mode: String, _ coordinateMode: String) throws {
        var random = SeededRandom("argmax \(mode) \(coordinateMode)")
        for isa in InstructionSet.supported {
            var x = random.tensor([random.int(1...2), random.int(2...7), random.int(2...9), random.int(2...40)])
            x.data = x.data.map { ($0 * 4).rounded() / 4 }
            let sizes = Array(x.shape.prefix(2)) + [random.int(1...20), random.int(1...70)]
            let attributes: [String: Attribute] = ["mode": .string(mode), "coordinate_transformation_mode": .string(coordinateMode)]
            let node = Node(name: "fused", opType: "ResizeArgMax", inputs: ["x", "", "", "sizes"], outputs: ["y"], attributes: attributes)
            let actual = try run(ResizeArgMax(node), [.float32(x), nil, nil, int64s(sizes)], instructionSet: isa)[0]
            let resized = try run("Resize", [.float32(x), nil, nil, int64s(sizes)], attributes)[0].floatTensor
            let expected = ArgMax.reference(resized, axis: 1, keepDims: true, selectLast: false)
            guard case .int64(let labels) = actual else { Issue.record("expected int64, got \(actual.elementType)"); continue }
            #expect(labels == expected, "\(isa): \(x.shape) to \(sizes)")
        }
    }
}
