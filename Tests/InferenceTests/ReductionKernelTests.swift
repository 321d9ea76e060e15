import Testing
@testable import Inference

/// Softmax, LogSoftmax, the Reduce operators, ArgMax, LayerNormalization and
/// InstanceNormalization against the plain reference loops, on random shapes and axes.
@Suite struct ReductionKernelTests {
    /// Opset 11 normalises over all axes from `axis` on, opset 13 over `axis` alone; the
    /// default axis (1 before opset 13, -1 from it) is used when the attribute is left out.
    @Test(arguments: ["Softmax", "LogSoftmax"], [11, 13])
    func softmaxMatchesReference(_ op: String, opset: Int) throws {
        var random = SeededRandom("\(op) \(opset)")
        for trial in 0..<8 {
            // Every other shape has a long last axis: several 16-lane blocks and a tail.
            let shape = random.shape(rank: 1...4, dims: 1...5) + (trial % 2 == 0 ? [random.int(17...90)] : [])
            let x = random.tensor(shape, scale: 5)
            let axis: Int? = shape.count > 1 && random.int(0...3) == 0 ? nil : random.int(-shape.count...(shape.count - 1))
            let expected = Softmax.reference(x, axis: axis ?? (opset < 13 ? 1 : -1), log: op == "LogSoftmax", opset: opset)
            for isa in InstructionSet.supported {
                let actual = try run(op, [.float32(x)], axis.map { ["axis": .int($0)] } ?? [:], opset: opset, instructionSet: isa)[0]
                expectClose(actual, expected, "\(shape) axis \(axis.map(String.init) ?? "default") \(isa)")
            }
        }
    }

    /// Axes as an attribute (opset 13) or an input (opset 18; ReduceSum's from 13): random
    /// subsets, negative ones, none (all axes, or none with noop_with_empty_axes), with and
    /// without keepdims.
    @Test(arguments: Reduce.Op.allCases, [13, 18])
    func reductionMatchesReference(_ op: Reduce.Op, opset: Int) throws {
        var random = SeededRandom("\(op.rawValue) \(opset)")
        let axesAsInput = opset >= 18 || op == .sum
        for _ in 0..<10 {
            let shape = random.shape(rank: 1...4, dims: 1...7), x = random.tensor(shape)
            let axes: [Int]? = random.int(0...3) == 0 ? nil : shape.indices.filter { _ in random.bool() }.map { random.bool() ? $0 - shape.count : $0 }
            // With no axes and noop, ReduceL1 and ReduceL2 are left as the spec leaves them: unsaid.
            let keepDims = random.bool(), noop = axesAsInput && ![.l1, .l2].contains(op) && random.bool()
            var attributes: [String: Attribute] = ["keepdims": .int(keepDims ? 1 : 0), "noop_with_empty_axes": .int(noop ? 1 : 0)]
            var inputs: [TensorValue?] = [.float32(x)]
            if let axes { if axesAsInput { inputs.append(int64s(axes)) } else { attributes["axes"] = .ints(axes) } }
            let actual = try run(op.rawValue, inputs, attributes, opset: opset)[0]
            let expected = Reduce.reference(op, x, axes: axes, keepDims: keepDims, noopWithEmptyAxes: noop)
            expectClose(actual, expected, "\(shape) axes \(axes ?? []) keepdims \(keepDims) noop \(noop)")
        }
    }

    /// Large blocks of consecutive axes (`ContiguousReduction`): trailing runs long enough for
    /// the Float lanes and their Double carry, middle axes folded row by row, split over workers.
    @Test(arguments: [Reduce.Op.sum, .mean, .max, .min])
    func largeContiguousReductionsMatchReference(_ op: Reduce.Op) throws {
        var random = SeededRandom("large \(op.rawValue)")
        for (shape, axes) in [([2, 40, 33, 37], [2, 3]), ([3, 9000], [-1]), ([2, 24, 30, 41], [1]), ([5, 6, 7, 300], [1, 2])] {
            let x = random.tensor(shape, scale: 4)
            let actual = try run(op.rawValue, [.float32(x)], ["axes": .ints(axes), "keepdims": .int(1)], opset: 13)[0]
            expectClose(actual, Reduce.reference(op, x, axes: axes, keepDims: true, noopWithEmptyAxes: false), "\(shape) axes \(axes)")
        }
    }

    /// Values drawn from a few whole numbers, so ties are common.
    @Test(arguments: [false, true])
    func argMaxMatchesReference(selectLast: Bool) throws {
        var random = SeededRandom("argmax \(selectLast)")
        for _ in 0..<10 {
            let shape = random.shape(rank: 1...4, dims: 1...6), axis = random.int(-shape.count...(shape.count - 1)), keepDims = random.bool()
            let x = TensorValue.int64(random.integers(shape, 0...3)).floatTensor
            let actual = try run("ArgMax", [.float32(x)], ["axis": .int(axis), "keepdims": .int(keepDims ? 1 : 0),
                                                           "select_last_index": .int(selectLast ? 1 : 0)])[0]
            let expected = ArgMax.reference(x, axis: axis, keepDims: keepDims, selectLast: selectLast)
            #expect(actual == .int64(expected), "\(shape) axis \(axis) keepdims \(keepDims)")
        }
    }

    /// Normalized over the axes from `axis` (default -1) on, with Scale of those axes' shape or
    /// of the last alone (broadcast), and B of their shape or left out.
    @Test func layerNormalizationMatchesReference() throws {
        var random = SeededRandom("layernorm")
        for _ in 0..<8 {
            let shape = random.shape(rank: 1...4, dims: 1...7) + [random.int(1...70)]
            let x = random.tensor(shape, scale: 4), axis = random.int(0...(shape.count - 1))
            let group = Array(shape[axis...]), epsilon = random.element([1e-5, 1e-3] as [Float])
            let scale = random.tensor(random.bool() ? group : [group.last!]), bias = random.tensor(group)
            let withBias = random.bool()
            var attributes: [String: Attribute] = ["epsilon": .float(epsilon)]
            if axis != shape.count - 1 || random.bool() { attributes["axis"] = .int(random.bool() ? axis : axis - shape.count) }
            let inputs: [TensorValue?] = [.float32(x), .float32(scale)] + (withBias ? [.float32(bias)] : [])
            let actual = try run("LayerNormalization", inputs, attributes, opset: 17)[0]
            let size = group.reduce(1, *)
            let expected = LayerNormalization.reference(x, axis: axis, scale: (0..<size).map { scale.data[$0 % scale.data.count] },
                                                        bias: withBias ? bias.data : [Float](repeating: 0, count: size), epsilon: epsilon)
            expectClose(actual, expected, "\(shape) axis \(axis)")
        }
    }

    @Test(arguments: [[1, 1, 1], [2, 3, 5], [2, 5, 7, 9], [1, 4, 3, 5, 2], [2, 16, 40, 33]])
    func instanceNormalizationMatchesReference(_ shape: [Int]) throws {
        var random = SeededRandom("instancenorm \(shape)")
        let x = random.tensor(shape, scale: 3), scale = random.tensor([shape[1]]), bias = random.tensor([shape[1]])
        let epsilon = random.element([1e-5, 1e-3] as [Float])
        let actual = try run("InstanceNormalization", [x, scale, bias].map { .float32($0) }, ["epsilon": .float(epsilon)])[0]
        expectClose(actual, InstanceNormalization.reference(x, scale: scale.data, bias: bias.data, epsilon: epsilon))
    }

    /// TopK along random axes, largest or smallest, values drawn from few numbers so ties
    /// (lower index first) are common.
    @Test func topKMatchesReference() throws {
        var random = SeededRandom("topk")
        for _ in 0..<8 {
            let shape = random.shape(rank: 1...3, dims: 1...7), x = random.wholeNumbers(shape)
            let axis = random.int(0...(shape.count - 1)), k = random.int(0...shape[axis]), largest = random.bool()
            let results = try run("TopK", [.float32(x), .int64(Int64Tensor(shape: [1], data: [Int64(k)]))],
                                  ["axis": .int(axis), "largest": .int(largest ? 1 : 0)])
            let (values, indices) = TopK.reference(x, k: k, axis: axis, largest: largest)
            #expect(results == [.float32(values), .int64(indices)], "\(shape) axis \(axis) k \(k) largest \(largest)")
        }
    }
}
