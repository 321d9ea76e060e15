import Testing
@testable import Inference

/// Activations, broadcast arithmetic, BatchNormalization and Cast against the plain
/// reference loops, on random shapes.
@Suite struct ElementwiseKernelTests {
    /// A random instance of activation `op`: what it computes, and the attributes, extra
    /// inputs (Clip bounds) and opset of a node asking for it.
    func randomActivation(_ op: String, _ random: inout SeededRandom)
        -> (activation: Activation, attributes: [String: Attribute], inputs: [TensorValue?], opset: Int) {
        switch op {
        case "Relu": return (.relu, [:], [], 18)
        case "Sigmoid": return (.sigmoid, [:], [], 18)
        case "HardSwish": return (.hardSwish, [:], [], 18)
        case "Tanh": return (.tanh, [:], [], 18)
        case "Gelu":
            let tanh = random.bool()
            return (.gelu(tanhApproximation: tanh), tanh ? ["approximate": .string("tanh")] : [:], [], 20)
        case "Erf": return (.erf, [:], [], 18)
        case "Sqrt": return (.sqrt, [:], [], 18)
        case "Reciprocal": return (.reciprocal, [:], [], 18)
        case "Exp": return (.exp, [:], [], 18)
        case "Log": return (.log, [:], [], 18)
        case "Neg": return (.neg, [:], [], 18)
        case "Abs": return (.abs, [:], [], 18)
        case "Floor": return (.floor, [:], [], 18)
        case "Ceil": return (.ceil, [:], [], 18)
        case "Round": return (.round, [:], [], 18)
        case "Sign": return (.sign, [:], [], 18)
        case "LeakyRelu":
            let alpha = random.next()
            return (.leakyRelu(alpha: alpha), ["alpha": .float(alpha)], [], 18)
        case "HardSigmoid":
            let alpha = random.next(), beta = random.next()
            return (.hardSigmoid(alpha: alpha, beta: beta), ["alpha": .float(alpha), "beta": .float(beta)], [], 18)
        default:   // Clip: bounds as attributes (opset 6) or as inputs, one of them possibly omitted
            let lo = 3 * random.next(), hi = lo + 4 * abs(random.next())
            let scalar = { (v: Float) in TensorValue.float32(Tensor(shape: [], data: [v])) }
            switch random.int(0...3) {
            case 0: return (.clip(min: lo, max: hi), ["min": .float(lo), "max": .float(hi)], [], 6)
            case 1: return (.clip(min: lo, max: .greatestFiniteMagnitude), [:], [scalar(lo)], 18)
            case 2: return (.clip(min: -.greatestFiniteMagnitude, max: hi), [:], [nil, scalar(hi)], 18)
            default: return (.clip(min: lo, max: hi), [:], [scalar(lo), scalar(hi)], 18)
            }
        }
    }

    /// Shapes up to several 4096-element chunks, so the work splits over workers. Sqrt and Log
    /// get positive inputs, Reciprocal none near 0.
    @Test(arguments: ["Relu", "LeakyRelu", "Clip", "Sigmoid", "HardSigmoid", "HardSwish", "Tanh", "Gelu", "Erf", "Sqrt", "Reciprocal",
                      "Exp", "Log", "Neg", "Abs", "Floor", "Ceil", "Round", "Sign"])
    func activationMatchesReference(_ op: String) throws {
        var random = SeededRandom(op)
        for shape in [[1], [7, 3], [2, 3, 33, 35]] {
            for _ in 0..<2 {
                var x = random.tensor(shape, scale: 6)
                if ["Sqrt", "Log"].contains(op) { x.data = x.data.map { abs($0) + 0.01 } }
                if op == "Reciprocal" { x.data = x.data.map { $0 < 0 ? $0 - 0.5 : $0 + 0.5 } }
                if ["Round", "Sign"].contains(op) { x.data[0] = 2.5; x.data[x.data.count - 1] = op == "Round" ? -0.5 : 0 }
                let instance = randomActivation(op, &random)
                for isa in InstructionSet.supported {
                    let actual = try run(op, [.float32(x)] + instance.inputs, instance.attributes, opset: instance.opset, instructionSet: isa)[0]
                    expectClose(actual, ActivationKernel.reference(x, instance.activation), "\(instance.activation) \(shape) \(isa)")
                }
            }
        }
    }

    static let binaryOps: [String: Binary.Op] = ["Add": .add, "Sub": .sub, "Mul": .mul, "Div": .div]

    /// An operand shape broadcasting to `out`: some leading axes dropped, some others 1.
    func operandShape(_ out: [Int], _ random: inout SeededRandom) -> [Int] {
        out.dropFirst(random.int(0...out.count)).map { random.int(0...2) == 0 ? 1 : $0 }
    }

    @Test(arguments: binaryOps.keys.sorted())
    func binaryBroadcastsLikeNumpy(_ opType: String) throws {
        let op = Self.binaryOps[opType]!
        var random = SeededRandom(opType)
        for trial in 0..<12 {
            let out = random.shape(rank: 0...3, dims: 1...5) + (trial % 3 == 0 ? [random.int(33...70)] : [])
            let a = random.tensor(operandShape(out, &random)), b = random.tensor(operandShape(out, &random))
            expectClose(try run(opType, [.float32(a), .float32(b)])[0], Binary.reference(op, a, b), "\(a.shape) \(opType) \(b.shape)")
        }
        // Large enough to split over workers, with the broadcast operand on either side.
        let big = random.tensor([2, 8, 40, 52]), channel = random.tensor([1, 8, 1, 1])
        expectClose(try run(opType, [.float32(big), .float32(channel)])[0], Binary.reference(op, big, channel))
        expectClose(try run(opType, [.float32(channel), .float32(big)])[0], Binary.reference(op, channel, big))
    }

    /// Min, Max, Sum and Mean of one to three broadcasting inputs, Float32 and Int64.
    @Test(arguments: Variadic.Op.allCases)
    func variadicBroadcastsLikeNumpy(_ op: Variadic.Op) throws {
        var random = SeededRandom(op.rawValue)
        for trial in 0..<9 {
            let out = random.shape(rank: 1...3, dims: 1...5) + (trial % 3 == 0 ? [random.int(33...70)] : [])
            var xs: [Tensor] = []
            for _ in 0...(trial % 3) {
                var x = random.tensor(operandShape(out, &random), scale: 9)
                x.data = x.data.map { $0.rounded() }   // whole numbers, so Int64 gives the same
                xs.append(x)
            }
            let expected = Variadic.reference(op, xs)
            expectClose(try run(op.rawValue, xs.map { .float32($0) })[0], expected, "\(op) \(xs.map(\.shape))")
            guard op != .mean else { continue }
            #expect(try run(op.rawValue, xs.map { typed($0, .int64) })[0] == typed(expected, .int64), "\(op) \(xs.map(\.shape)) int64")
        }
    }

    /// Pow with broadcasting: positive bases to any exponent, and the square exporters write
    /// for a decomposed LayerNorm (any base).
    @Test func powBroadcastsLikeNumpy() throws {
        var random = SeededRandom("Pow")
        for _ in 0..<8 {
            let out = random.shape(rank: 1...3, dims: 1...5) + [random.int(33...70)]
            var a = random.tensor(operandShape(out, &random), scale: 2)
            a.data = a.data.map { abs($0) + 0.05 }
            let b = random.tensor(operandShape(out, &random), scale: 2)
            expectClose(try run("Pow", [.float32(a), .float32(b)])[0], Binary.reference(.pow, a, b), "\(a.shape) ^ \(b.shape)")
        }
        let x = random.tensor([2, 8, 40, 52], scale: 3), two = Tensor(shape: [], data: [2])
        expectClose(try run("Pow", [.float32(x), .float32(two)])[0], Binary.reference(.pow, x, two))
        let bases = Tensor(shape: [6], data: [2, -3, 0, 5, -1, 1]), exponents = Tensor(shape: [6], data: [10, 3, 4, 0, 7, 62])
        #expect(try run("Pow", [typed(bases, .int64), typed(exponents, .int64)])[0] == typed(Binary.reference(.pow, bases, exponents), .int64))
    }

    /// Comparisons of Float32 or Int64 operands drawn from a few whole numbers (so equal
    /// elements are common), broadcast; the result is a bool (Int64 0 or 1).
    @Test(arguments: Comparison.Op.allCases, [ElementType.float32, .int64])
    func comparisonMatchesReference(_ op: Comparison.Op, _ type: ElementType) throws {
        var random = SeededRandom("\(op.rawValue) \(type)")
        for _ in 0..<8 {
            let out = random.shape(rank: 0...3, dims: 1...5)
            let whole = [operandShape(out, &random), operandShape(out, &random)].map { random.integers($0, -2...2) }
            let a = Tensor(shape: whole[0].shape, data: whole[0].data.map(Float.init)), b = Tensor(shape: whole[1].shape, data: whole[1].data.map(Float.init))
            let actual = try run(op.rawValue, [typed(a, type), typed(b, type)])[0]
            #expect(actual == .int64(Comparison.reference(op, a, b)), "\(a.shape) \(op.rawValue) \(b.shape)")
        }
    }

    /// And, Or, Xor (broadcast) and Not on random bools.
    @Test(arguments: Logical.Op.allCases)
    func logicalMatchesReference(_ op: Logical.Op) throws {
        var random = SeededRandom(op.rawValue)
        for _ in 0..<8 {
            let out = random.shape(rank: 0...3, dims: 1...5)
            let bools = [operandShape(out, &random), operandShape(out, &random)].map { shape in
                Int64Tensor(shape: shape, data: (0..<shape.reduce(1, *)).map { _ in random.bool() ? 1 : 0 })
            }
            let inputs: [TensorValue?] = op == .not ? [.int64(bools[0])] : [.int64(bools[0]), .int64(bools[1])]
            #expect(try run(op.rawValue, inputs)[0] == .int64(Logical.reference(op, bools[0], bools[1])), "\(bools.map(\.shape))")
        }
    }

    /// The condition, X and Y each broadcast from its own shape.
    @Test func whereBroadcastsAllThree() throws {
        var random = SeededRandom("Where")
        for _ in 0..<10 {
            let out = random.shape(rank: 0...4, dims: 1...5)
            let shape = operandShape(out, &random)
            let condition = Int64Tensor(shape: shape, data: (0..<shape.reduce(1, *)).map { _ in random.bool() ? 1 : 0 })
            let x = random.tensor(operandShape(out, &random)), y = random.tensor(operandShape(out, &random))
            #expect(try run("Where", [.int64(condition), .float32(x), .float32(y)])[0] == .float32(Where.reference(condition, x, y)))
        }
    }

    /// Mod: C's fmod on floats, broadcast; on Int64 both sign rules, by hand on every sign pair.
    @Test func modMatchesReference() throws {
        var random = SeededRandom("Mod")
        for _ in 0..<8 {
            let out = random.shape(rank: 1...3, dims: 1...5)
            let a = random.tensor(operandShape(out, &random), scale: 9)
            var b = random.tensor(operandShape(out, &random), scale: 3)
            b.data = b.data.map { $0 < 0 ? $0 - 0.5 : $0 + 0.5 }
            expectClose(try run("Mod", [.float32(a), .float32(b)], ["fmod": .int(1)])[0], Mod.reference(a, b), "\(a.shape) % \(b.shape)")
        }
        let a = Int64Tensor(shape: [6], data: [7, -7, 7, -7, 6, 5]), b = Int64Tensor(shape: [6], data: [3, 3, -3, -3, 3, 0])
        #expect(try run("Mod", [.int64(a), .int64(b)])[0] == .int64(Int64Tensor(shape: [6], data: [1, 2, -2, -1, 0, 0])))
        #expect(try run("Mod", [.int64(a), .int64(b)], ["fmod": .int(1)])[0] == .int64(Int64Tensor(shape: [6], data: [1, -1, 1, -1, 0, 0])))
    }

    /// Int64 arithmetic matches the float reference on small whole numbers, division truncated.
    @Test(arguments: binaryOps.keys.sorted())
    func integerBinaryMatchesReference(_ opType: String) throws {
        let op = Self.binaryOps[opType]!
        var random = SeededRandom("int64 \(opType)")
        for _ in 0..<6 {
            let out = random.shape(rank: 1...3, dims: 1...6)
            let a = random.wholeNumbers(operandShape(out, &random))
            let shape = operandShape(out, &random)   // divisors 1...9 of either sign
            let divisor = Tensor(shape: shape, data: random.integers(shape, 1...9).data.map { Float(random.bool() ? $0 : -$0) })
            var expected = Binary.reference(op, a, divisor)
            if op == .div { expected.data = expected.data.map { $0.rounded(.towardZero) } }
            #expect(try run(opType, [typed(a, .int64), typed(divisor, .int64)])[0] == typed(expected, .int64), "\(a.shape) \(shape)")
        }
    }

    @Test(arguments: [[1, 1], [2, 3], [2, 5, 7, 9], [1, 4, 3, 5, 2], [3, 40, 33]])
    func batchNormalizationMatchesReference(_ shape: [Int]) throws {
        var random = SeededRandom("batchnorm \(shape)")
        let c = shape[1], x = random.tensor(shape, scale: 3)
        let scale = random.tensor([c]), bias = random.tensor([c]), mean = random.tensor([c])
        let variance = Tensor(shape: [c], data: random.tensor([c]).data.map { abs($0) + 0.1 })
        let epsilon = random.element([1e-5, 1e-3, 0.1] as [Float])
        let actual = try run("BatchNormalization", [x, scale, bias, mean, variance].map { .float32($0) }, ["epsilon": .float(epsilon)])[0]
        expectClose(actual, BatchNormalization.reference(x, scale: scale, bias: bias, mean: mean, variance: variance, epsilon: epsilon))
    }

    /// ONNX types float, int32, int64, bool, float16 and double, from floats (fractions of
    /// either sign and zeros) and from integers.
    @Test(arguments: [1, 6, 7, 9, 10, 11])
    func castMatchesReference(_ to: Int) throws {
        var random = SeededRandom("cast \(to)")
        for _ in 0..<3 {
            let shape = random.shape(rank: 0...3, dims: 1...5), ints = random.integers(shape, -3...3)
            let fractions = Tensor(shape: shape, data: ints.data.map { Float($0) * 0.75 })
            for x in [TensorValue.float32(fractions), .int64(ints)] {
                #expect(try run("Cast", [x], ["to": .int(to)])[0] == Cast.reference(x, to: to), "\(x.elementType) \(shape)")
            }
        }
    }
}
