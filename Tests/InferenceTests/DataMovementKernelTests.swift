import Testing
@testable import Inference

/// Concat, Split, Slice, Transpose, Gather, Pad, Expand, Tile and Range against the plain
/// reference loops, on random shapes and attributes; results must match exactly.
@Suite struct DataMovementKernelTests {
    static let types = [ElementType.float32, .int64]

    @Test(arguments: types)
    func concatMatchesReference(_ type: ElementType) throws {
        var random = SeededRandom("concat \(type)")
        for _ in 0..<8 {
            let shape = random.shape(rank: 1...4, dims: 1...5), axis = random.int(-shape.count...(shape.count - 1))
            let parts = (0..<random.int(1...4)).map { _ in
                var part = shape
                part[(axis + shape.count) % shape.count] = random.int(1...40)
                return random.wholeNumbers(part)
            }
            let actual = try run("Concat", parts.map { typed($0, type) }, ["axis": .int(axis)])[0]
            #expect(actual == typed(Concat.reference(parts, axis: axis), type), "\(parts.map(\.shape)) axis \(axis)")
        }
    }

    /// Channel concats of decoder-sized maps, whose copies are cut into pieces across workers.
    @Test func largeConcatIsCutAcrossWorkers() throws {
        var random = SeededRandom("large concat")
        let parts = [random.wholeNumbers([2, 3, 90, 160]), random.wholeNumbers([2, 5, 90, 160])]
        let actual = try run("Concat", parts.map { .float32($0) }, ["axis": .int(1)])[0]
        #expect(actual == .float32(Concat.reference(parts, axis: 1)))
    }

    /// Sizes from the attribute (opset 11) or the input (opset 13), equal parts (opset 13),
    /// or num_outputs with a shorter last part (opset 18).
    @Test(arguments: ["attribute", "input", "equal", "num_outputs"])
    func splitMatchesReference(_ form: String) throws {
        var random = SeededRandom("split \(form)")
        for _ in 0..<6 {
            var shape = random.shape(rank: 1...4, dims: 1...6)
            let a = random.int(0...(shape.count - 1)), axis = random.bool() ? a : a - shape.count, outputs = random.int(1...4)
            let sizes = (0..<outputs).map { _ in random.int(1...8) }, chunk = random.int(1...9)
            switch form {
            case "equal": shape[a] = outputs * chunk
            case "num_outputs": shape[a] = (outputs - 1) * chunk + random.int(1...chunk)
            default: shape[a] = sizes.reduce(0, +)
            }
            let x = random.wholeNumbers(shape), type = random.element(Self.types)
            let given = form == "attribute" || form == "input" ? sizes : nil
            var attributes: [String: Attribute] = ["axis": .int(axis)]
            if form == "attribute" { attributes["split"] = .ints(sizes) }
            if form == "num_outputs" { attributes["num_outputs"] = .int(outputs) }
            let actual = try run("Split", [typed(x, type), form == "input" ? int64s(sizes) : nil], attributes, outputs: outputs,
                                 opset: ["attribute": 11, "num_outputs": 18][form] ?? 13)
            let expected = Split.reference(x, axis: axis, split: given, outputs: outputs).map { typed($0, type) }
            #expect(actual == expected, "\(shape) axis \(axis) split \(given ?? []) outputs \(outputs)")
        }
    }

    /// Random axes (some negative, some left out), steps of either sign, and starts and ends
    /// anywhere from well before the start to well past the end, including the extreme
    /// values exporters use for "to the end".
    @Test(arguments: types)
    func sliceMatchesReference(_ type: ElementType) throws {
        var random = SeededRandom("slice \(type)")
        for _ in 0..<16 {
            var shape = random.shape(rank: 1...4, dims: 1...8)
            if random.bool() { shape[shape.count - 1] = random.int(33...45) }
            let x = random.wholeNumbers(shape)
            let axes = Array(random.permutation(shape.count).prefix(random.int(1...shape.count)))
            let steps = axes.map { _ in random.element([1, 1, 2, 3, -1, -1, -2, -3]) }
            func bound(_ a: Int) -> Int { random.int(0...9) == 0 ? random.element([Int(Int64.max), Int(Int64.min)]) : random.int(-shape[a] - 3...shape[a] + 3) }
            let starts = axes.map(bound), ends = axes.map(bound)
            let omitAxes = axes == Array(axes.indices) && random.bool(), omitSteps = steps.allSatisfy { $0 == 1 } && random.bool()
            let givenAxes = axes.map { random.bool() ? $0 : $0 - shape.count }
            let actual = try run("Slice", [typed(x, type), int64s(starts), int64s(ends), omitAxes ? nil : int64s(givenAxes),
                                           omitSteps ? nil : int64s(steps)])[0]
            let expected = Slice.reference(x, starts: starts, ends: ends, axes: omitAxes ? nil : givenAxes, steps: omitSteps ? nil : steps)
            #expect(actual == typed(expected, type), "\(shape) starts \(starts) ends \(ends) axes \(givenAxes) steps \(steps)")
        }
    }

    /// Random permutations (or the default reversal) of up to five axes, the innermost
    /// sometimes long.
    @Test(arguments: types)
    func transposeMatchesReference(_ type: ElementType) throws {
        var random = SeededRandom("transpose \(type)")
        for _ in 0..<10 {
            var shape = random.shape(rank: 0...5, dims: 1...5)
            if !shape.isEmpty, random.bool() { shape[shape.count - 1] = random.int(33...45) }
            let x = random.wholeNumbers(shape), perm = random.int(0...3) == 0 ? nil : random.permutation(shape.count)
            let actual = try run("Transpose", [typed(x, type)], perm.map { ["perm": .ints($0)] } ?? [:])[0]
            #expect(actual == typed(Transpose.reference(x, perm: perm), type), "\(shape) perm \(perm ?? [])")
        }
    }

    /// The transformer layouts (tokens <-> channels, heads), larger than a 16x16 tile with ragged
    /// edges: the tiled path.
    @Test(arguments: [([1, 40, 70], [0, 2, 1]), ([1, 20, 3, 37], [0, 2, 3, 1]), ([2, 19, 33], [2, 1, 0]), ([2, 3, 17, 18], [0, 3, 1, 2])])
    func tiledTransposeMatchesReference(_ shape: [Int], _ perm: [Int]) throws {
        var random = SeededRandom("tiled transpose \(shape)")
        let x = random.wholeNumbers(shape)
        #expect(try run("Transpose", [.float32(x)], ["perm": .ints(perm)])[0] == .float32(Transpose.reference(x, perm: perm)))
    }

    /// Indices of rank 0 to 2, negative ones included, along a random axis.
    @Test(arguments: types)
    func gatherMatchesReference(_ type: ElementType) throws {
        var random = SeededRandom("gather \(type)")
        for _ in 0..<10 {
            let shape = random.shape(rank: 1...4, dims: 1...6), axis = random.int(-shape.count...(shape.count - 1))
            let dim = shape[(axis + shape.count) % shape.count], x = random.wholeNumbers(shape)
            let indices = random.integers(random.shape(rank: 0...2, dims: 1...4), -dim...(dim - 1))
            let actual = try run("Gather", [typed(x, type), .int64(indices)], ["axis": .int(axis)])[0]
            #expect(actual == typed(Gather.reference(x, indices: indices, axis: axis), type), "\(shape) axis \(axis) indices \(indices)")
        }
    }

    /// Pads and value as attributes (opset 2), as inputs (opset 11), or for chosen axes
    /// (opset 18). Constant and edge pads may be negative (cropping); reflect pads stay
    /// under the axis length.
    @Test(arguments: ["constant", "reflect", "edge"])
    func padMatchesReference(_ mode: String) throws {
        var random = SeededRandom("pad \(mode)")
        for _ in 0..<10 {
            let shape = random.shape(rank: 1...4, dims: 1...6), type = random.element(Self.types), opset = random.element([2, 11, 18])
            let x = random.wholeNumbers(shape), value = Float(random.int(-9...9))
            let axes: [Int]? = opset == 18 && random.bool() ? Array(random.permutation(shape.count).prefix(random.int(1...shape.count))) : nil
            let padded = axes ?? Array(shape.indices)
            var begins: [Int] = [], ends: [Int] = []
            for a in padded {
                let begin = mode == "reflect" ? random.int(0...(shape[a] - 1)) : random.int(max(-2, 1 - shape[a])...3)
                begins.append(begin)
                ends.append(mode == "reflect" ? random.int(0...(shape[a] - 1)) : random.int(max(-2, 1 - shape[a] - begin)...3))
            }
            let pads = begins + ends
            let inputs: [TensorValue?] = opset == 2 ? [typed(x, type)]
                : [typed(x, type), int64s(pads), typed(Tensor(shape: [], data: [value]), type), axes.map(int64s)]
            let attributes: [String: Attribute] = opset == 2 ? ["mode": .string(mode), "pads": .ints(pads), "value": .float(value)] : ["mode": .string(mode)]
            let actual = try run("Pad", inputs, attributes, opset: opset)[0]
            let expected = Pad.reference(x, pads: pads, mode: mode, value: value, axes: axes)
            #expect(actual == typed(expected, type), "\(shape) pads \(pads) axes \(axes ?? []) value \(value)")
        }
    }

    /// timm's "same" padding of a stem: large enough to split rows over workers.
    @Test func largePadSplitsRowsOverWorkers() throws {
        var random = SeededRandom("large pad")
        let x = random.tensor([2, 3, 64, 130]), pads = [0, 0, 0, 1, 0, 0, 1, 2]
        let actual = try run("Pad", [.float32(x), int64s(pads)], ["mode": .string("constant")], opset: 11)[0]
        #expect(actual == .float32(Pad.reference(x, pads: pads, mode: "constant", value: 0, axes: nil)))
    }

    /// Expand to a shape with more axes, ones and equal sizes; Tile by random counts (zero
    /// included): both element types against the plain references.
    @Test(arguments: types)
    func expandAndTileMatchReference(_ type: ElementType) throws {
        var random = SeededRandom("expand tile \(type)")
        for _ in 0..<8 {
            let shape = random.shape(rank: 1...3, dims: 1...4), x = random.wholeNumbers(shape)
            let target = random.shape(rank: 0...1, dims: 2...3) + shape.map { $0 == 1 ? random.int(1...4) : (random.bool() ? $0 : 1) }
            let expanded = try run("Expand", [typed(x, type), .int64(Int64Tensor(shape: [target.count], data: target.map(Int64.init)))])[0]
            #expect(expanded == typed(Expand.reference(x, to: target), type), "\(shape) to \(target)")
            let repeats = shape.map { _ in random.int(0...3) }
            let tiled = try run("Tile", [typed(x, type), .int64(Int64Tensor(shape: [repeats.count], data: repeats.map(Int64.init)))])[0]
            #expect(tiled == typed(Tile.reference(x, repeats: repeats), type), "\(shape) by \(repeats)")
        }
    }

    /// Float and integer ranges, rising and falling, empty ones included.
    @Test func rangeMatchesReference() throws {
        for (start, limit, delta) in [(0, 10, 3), (1.5, -2, -0.75), (5, 5, 1), (3, 1, 1), (-4, 4, 0.5)] as [(Float, Float, Float)] {
            let scalar = { (v: Float) in TensorValue.float32(Tensor(shape: [], data: [v])) }
            #expect(try run("Range", [scalar(start), scalar(limit), scalar(delta)])[0] == .float32(RangeKernel.reference(start: start, limit: limit, delta: delta)))
        }
        let integer = { (v: Int64) in TensorValue.int64(Int64Tensor(shape: [], data: [v])) }
        #expect(try run("Range", [integer(2), integer(-7), integer(-3)])[0] == .int64(Int64Tensor(shape: [3], data: [2, -1, -4])))
    }

    /// DepthToSpace in both orders and SpaceToDepth, both element types, against the ONNX
    /// definition by reshape and transpose.
    @Test(arguments: types)
    func depthToSpaceMatchesReference(_ type: ElementType) throws {
        var random = SeededRandom("depth to space \(type)")
        for _ in 0..<6 {
            let b = random.int(1...3), n = random.int(1...2), groups = random.int(1...3), h = random.int(1...4), w = random.int(1...4)
            let deep = random.wholeNumbers([n, groups * b * b, h, w])
            for mode in ["DCR", "CRD"] {
                let actual = try run("DepthToSpace", [typed(deep, type)], ["blocksize": .int(b), "mode": .string(mode)])[0]
                #expect(actual == typed(DepthToSpace.reference(deep, block: b, toSpace: true, columnRowDepth: mode == "CRD"), type), "\(deep.shape) \(mode)")
            }
            let wide = random.wholeNumbers([n, groups, h * b, w * b])
            let actual = try run("SpaceToDepth", [typed(wide, type)], ["blocksize": .int(b)])[0]
            #expect(actual == typed(DepthToSpace.reference(wide, block: b, toSpace: false, columnRowDepth: false), type), "\(wide.shape)")
        }
    }

    /// GatherElements along every axis and GatherND with and without a batch axis, on random
    /// indices of either sign.
    @Test(arguments: types)
    func elementAndSliceGathersMatchReference(_ type: ElementType) throws {
        var random = SeededRandom("gathers \(type)")
        for _ in 0..<6 {
            let shape = random.shape(rank: 1...4, dims: 1...5), data = random.wholeNumbers(shape)
            let axis = random.int(0...(shape.count - 1))
            var indexShape = shape
            indexShape[axis] = random.int(1...4)
            let indices = Int64Tensor(shape: indexShape, data: (0..<indexShape.reduce(1, *)).map { _ in Int64(random.int(-shape[axis]...(shape[axis] - 1))) })
            let actual = try run("GatherElements", [typed(data, type), .int64(indices)], ["axis": .int(random.bool() ? axis : axis - shape.count)])[0]
            #expect(actual == typed(GatherElements.reference(data, indices: indices, axis: axis), type), "\(shape) axis \(axis)")
            let batchDims = shape.count > 1 ? random.int(0...1) : 0, k = random.int(1...(shape.count - batchDims))
            let rows = random.shape(rank: 0...2, dims: 1...3)
            let ndShape = Array(shape[..<batchDims]) + rows + [k]
            let coordinates = Int64Tensor(shape: ndShape, data: (0..<ndShape.reduce(1, *)).map { i in
                let size = shape[batchDims + i % k]
                return Int64(random.int(-size...(size - 1)))
            })
            let gathered = try run("GatherND", [typed(data, type), .int64(coordinates)], ["batch_dims": .int(batchDims)])[0]
            #expect(gathered == typed(GatherND.reference(data, indices: coordinates, batchDims: batchDims), type), "\(shape) by \(ndShape)")
        }
    }

    /// CumSum along every axis, exclusive or not, reversed or not; Trilu above and below
    /// diagonals of either sign.
    @Test func cumSumAndTriluMatchReference() throws {
        var random = SeededRandom("cumsum trilu")
        for _ in 0..<8 {
            let shape = random.shape(rank: 2...4, dims: 1...6), x = random.wholeNumbers(shape)
            let axis = random.int(0...(shape.count - 1)), exclusive = random.bool(), reverse = random.bool()
            let summed = try run("CumSum", [.float32(x), .int64(Int64Tensor(shape: [], data: [Int64(axis - (random.bool() ? shape.count : 0))]))],
                                 ["exclusive": .int(exclusive ? 1 : 0), "reverse": .int(reverse ? 1 : 0)])[0]
            #expect(summed == .float32(CumSum.reference(x, axis: axis, exclusive: exclusive, reverse: reverse)), "\(shape) axis \(axis)")
            let k = random.int(-3...3), upper = random.bool()
            let triangle = try run("Trilu", [typed(x, .int64), .int64(Int64Tensor(shape: [], data: [Int64(k)]))], ["upper": .int(upper ? 1 : 0)])[0]
            #expect(triangle == typed(Trilu.reference(x, k: k, upper: upper), .int64), "\(shape) k \(k) upper \(upper)")
        }
    }

    /// ScatterND with every reduction, rows of k coordinates of either sign (repeats included,
    /// applied in order).
    @Test(arguments: ["none", "add", "mul", "max", "min"])
    func scatterNDMatchesReference(_ reduction: String) throws {
        var random = SeededRandom("scatternd \(reduction)")
        for _ in 0..<6 {
            let shape = random.shape(rank: 1...3, dims: 1...5), data = random.wholeNumbers(shape), k = random.int(1...shape.count)
            let rows = random.shape(rank: 1...2, dims: 1...3)
            let indices = Int64Tensor(shape: rows + [k], data: (0..<(rows.reduce(1, *) * k)).map { i in
                let size = shape[i % k]
                return Int64(random.int(-size...(size - 1)))
            })
            let updates = random.wholeNumbers(rows + Array(shape[k...]))
            let actual = try run("ScatterND", [.float32(data), .int64(indices), .float32(updates)], ["reduction": .string(reduction)], opset: 18)[0]
            let expected = ScatterND.reference(data, indices: indices, updates: updates, reduction: ScatterND.Reduction(rawValue: reduction)!)
            #expect(actual == .float32(expected), "\(shape) by \(indices.shape)")
        }
    }
}
