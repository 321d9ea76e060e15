import Testing
@testable import Inference

/// Reshape, Flatten, Squeeze, Unsqueeze, Identity/Dropout, Shape, Constant and
/// ConstantOfShape against their plain references, on random shapes; results must match
/// exactly.
@Suite struct ShapeKernelTests {
    /// Targets reorder the input's dimensions and add 1s, then some dimensions become 0 (copy)
    /// and one -1 (inferred); with allowzero the input has a 0 dimension, which stays literal.
    @Test(arguments: [false, true])
    func reshapeMatchesReference(allowZero: Bool) throws {
        var random = SeededRandom("reshape \(allowZero)")
        for _ in 0..<8 {
            var shape = random.shape(rank: 1...4, dims: 1...5)
            if allowZero { shape[random.int(0...(shape.count - 1))] = 0 }
            var target = random.permutation(shape.count).map { shape[$0] }
            for _ in 0..<random.int(0...2) { target.insert(1, at: random.int(0...target.count)) }
            if !allowZero {
                for i in target.indices where i < shape.count && target[i] == shape[i] && random.bool() { target[i] = 0 }
                if random.bool() { target[random.int(0...(target.count - 1))] = -1 }
            }
            let x = random.tensor(shape)
            let actual = try run("Reshape", [.float32(x), int64s(target)], ["allowzero": .int(allowZero ? 1 : 0)])[0]
            #expect(actual == .float32(Reshape.reference(x, shape: target, allowZero: allowZero)), "\(shape) to \(target)")
        }
    }

    @Test func flattenMatchesReference() throws {
        var random = SeededRandom("flatten")
        for _ in 0..<8 {
            let shape = random.shape(rank: 1...4, dims: 1...5), axis = random.int(-shape.count...shape.count), x = random.tensor(shape)
            #expect(try run("Flatten", [.float32(x)], ["axis": .int(axis)])[0] == .float32(Flatten.reference(x, axis: axis)), "\(shape) axis \(axis)")
        }
    }

    /// Axes as an attribute (opset 11) or an input (opset 13), some negative; Squeeze without
    /// axes drops every size-1 axis.
    @Test(arguments: [11, 13])
    func squeezeAndUnsqueezeMatchReference(opset: Int) throws {
        var random = SeededRandom("squeeze \(opset)")
        func call(_ op: String, _ x: Tensor, _ axes: [Int]?) throws -> TensorValue {
            guard let axes else { return try run(op, [.float32(x)], opset: opset)[0] }
            return opset < 13 ? try run(op, [.float32(x)], ["axes": .ints(axes)], opset: opset)[0]
                              : try run(op, [.float32(x), int64s(axes)], opset: opset)[0]
        }
        for _ in 0..<8 {
            let shape = random.shape(rank: 1...5, dims: 1...3), x = random.tensor(shape)
            let ones = shape.indices.filter { shape[$0] == 1 && random.bool() }.map { random.bool() ? $0 : $0 - shape.count }
            let squeezed: [Int]? = random.int(0...3) == 0 ? nil : ones
            #expect(try call("Squeeze", x, squeezed) == .float32(Squeeze.squeezeReference(x, axes: squeezed)), "\(shape) axes \(squeezed ?? [])")
            let rank = shape.count + random.int(1...3)
            let inserted = random.permutation(rank).prefix(rank - shape.count).map { random.bool() ? $0 : $0 - rank }
            #expect(try call("Unsqueeze", x, inserted) == .float32(Squeeze.unsqueezeReference(x, axes: inserted)), "\(shape) axes \(inserted)")
        }
    }

    @Test(arguments: ["Identity", "Dropout"])
    func identityMatchesReference(_ op: String) throws {
        var random = SeededRandom(op)
        for x in [TensorValue.float32(random.tensor([2, 3, 4])), .int64(random.integers([5], -9...9))] {
            #expect(try run(op, [x])[0] == Identity.reference(x))
        }
    }

    /// Opset 15's start and end, each absent, negative or out of range.
    @Test func shapeMatchesReference() throws {
        var random = SeededRandom("shape")
        for _ in 0..<10 {
            let shape = random.shape(rank: 0...5, dims: 1...9)
            let start: Int? = random.bool() ? nil : random.int(-7...7), end: Int? = random.bool() ? nil : random.int(-7...7)
            var attributes: [String: Attribute] = [:]
            if let start { attributes["start"] = .int(start) }
            if let end { attributes["end"] = .int(end) }
            let actual = try run("Shape", [.float32(random.tensor(shape))], attributes, opset: 15)[0]
            #expect(actual == .int64(Shape.reference(shape, start: start ?? 0, end: end)), "\(shape) start \(start ?? 0) end \(end ?? 99)")
        }
    }

    @Test(arguments: ["value", "value_float", "value_floats", "value_int", "value_ints"])
    func constantMatchesReference(_ name: String) throws {
        var random = SeededRandom(name)
        let value: Attribute
        switch name {
        case "value": value = .tensor(.float32(random.tensor([2, 3])))
        case "value_float": value = .float(random.next())
        case "value_floats": value = .floats(random.tensor([5]).data)
        case "value_int": value = .int(random.int(-9...9))
        default: value = .ints((0..<4).map { _ in random.int(-9...9) })
        }
        #expect(try run("Constant", [], [name: value])[0] == Constant.reference(value))
    }

    /// Shapes of rank 0 to 3, filled with the default zero or a Float32 or Int64 value.
    @Test func constantOfShapeMatchesReference() throws {
        var random = SeededRandom("constantofshape")
        for _ in 0..<6 {
            let shape = random.shape(rank: 0...3, dims: 1...6)
            let value = random.element([nil, TensorValue.float32(random.tensor([1])), .int64(random.integers([1], -9...9))])
            let actual = try run("ConstantOfShape", [int64s(shape)], value.map { ["value": .tensor($0)] } ?? [:])[0]
            #expect(actual == ConstantOfShape.reference(shape: shape, value: value), "\(shape) value \(String(describing: value))")
        }
    }
}
