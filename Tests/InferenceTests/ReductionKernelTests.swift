import Testing
@testable import Inference

/// Softmax, LogSoftmax, ReduceMean and ArgMax against the plain reference loops, on
/// random shapes and axes.
@Suite struct ReductionKernelTests {
    /// Opset 11 normalises over all axes from `axis` on, opset 13 over `axis` alone; the
    /// default axis (1 before opset 13, -1 from it) is used when the attribute is left out.
    @Test(arguments: ["Softmax", "LogSoftmax"], [11, 13])
    func softmaxMatchesReference(_ op: String, opset: Int) throws {
        var random = SeededRandom("\(op) \(opset)")
        for _ in 0..<6 {
            let shape = random.shape(rank: 1...4, dims: 1...5), x = random.tensor(shape, scale: 5)
            let axis: Int? = shape.count > 1 && random.int(0...3) == 0 ? nil : random.int(-shape.count...(shape.count - 1))
            let actual = try run(op, [.float32(x)], axis.map { ["axis": .int($0)] } ?? [:], opset: opset)[0]
            let expected = Softmax.reference(x, axis: axis ?? (opset < 13 ? 1 : -1), log: op == "LogSoftmax", opset: opset)
            expectClose(actual, expected, "\(shape) axis \(axis.map(String.init) ?? "default")")
        }
    }

    /// Axes as an attribute (opset 13) or an input (opset 18): random subsets, negative
    /// ones, none (all axes, or none with noop_with_empty_axes), with and without keepdims.
    @Test(arguments: [13, 18])
    func reduceMeanMatchesReference(opset: Int) throws {
        var random = SeededRandom("reducemean \(opset)")
        for _ in 0..<10 {
            let shape = random.shape(rank: 1...4, dims: 1...7), x = random.tensor(shape)
            let axes: [Int]? = random.int(0...3) == 0 ? nil : shape.indices.filter { _ in random.bool() }.map { random.bool() ? $0 - shape.count : $0 }
            let keepDims = random.bool(), noop = opset >= 18 && random.bool()
            var attributes: [String: Attribute] = ["keepdims": .int(keepDims ? 1 : 0), "noop_with_empty_axes": .int(noop ? 1 : 0)]
            var inputs: [TensorValue?] = [.float32(x)]
            if let axes { if opset < 18 { attributes["axes"] = .ints(axes) } else { inputs.append(int64s(axes)) } }
            let actual = try run("ReduceMean", inputs, attributes, opset: opset)[0]
            let expected = ReduceMean.reference(x, axes: axes, keepDims: keepDims, noopWithEmptyAxes: noop)
            expectClose(actual, expected, "\(shape) axes \(axes ?? []) keepdims \(keepDims) noop \(noop)")
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
}
