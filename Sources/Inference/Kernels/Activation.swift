import CKernels
import Foundation

/// An elementwise activation that a Conv epilogue can apply in place.
enum Activation: Equatable {
    case relu
    case leakyRelu(alpha: Float)
    case clip(min: Float, max: Float)
    case sigmoid
    case hardSigmoid(alpha: Float, beta: Float)
    case hardSwish
    case tanh
    /// GELU: exact (x·Φ(x), with erf) or the tanh approximation (opset 20's `approximate`).
    case gelu(tanhApproximation: Bool)
    case erf, sqrt, reciprocal, exp, log, neg, abs
    /// Rounding and sign, mostly seen in shape arithmetic (Round rounds halves to even).
    case floor, ceil, round, sign

    /// The activation a node computes, or nil when it is not one. Clip's bounds must be
    /// attributes (opset < 11) or constant initializers.
    init?(_ node: Node, initializers: [String: TensorValue]) throws {
        switch node.opType {
        case "Relu": self = .relu
        case "LeakyRelu": self = .leakyRelu(alpha: try node.float("alpha", default: 0.01))
        case "Sigmoid": self = .sigmoid
        case "HardSigmoid": self = .hardSigmoid(alpha: try node.float("alpha", default: 0.2), beta: try node.float("beta", default: 0.5))
        case "HardSwish": self = .hardSwish
        case "Tanh": self = .tanh
        case "Gelu":
            let approximate = try node.string("approximate", default: "none")
            guard ["none", "tanh"].contains(approximate) else { throw node.error("approximate must be none or tanh, not \(approximate)") }
            self = .gelu(tanhApproximation: approximate == "tanh")
        case "Erf": self = .erf
        case "Sqrt": self = .sqrt
        case "Reciprocal": self = .reciprocal
        case "Exp": self = .exp
        case "Log": self = .log
        case "Neg": self = .neg
        case "Abs": self = .abs
        case "Floor": self = .floor
        case "Ceil": self = .ceil
        case "Round": self = .round
        case "Sign": self = .sign
        case "Clip":
            func bound(_ i: Int, _ fallback: Float) -> Float? {
                guard i < node.inputs.count, !node.inputs[i].isEmpty else { return fallback }
                return initializers[node.inputs[i]]?.floatValues.first
            }
            guard let lo = bound(1, -.greatestFiniteMagnitude), let hi = bound(2, .greatestFiniteMagnitude) else { return nil }
            self = .clip(min: try node.float("min", default: lo), max: try node.float("max", default: hi))
        default: return nil
        }
    }

    /// Applies the activation to `count` floats in place; on AVX-512, Sigmoid, Exp, Erf and
    /// GELU use the `ss_transcendental` polynomials instead of libm.
    func apply(_ p: UnsafeMutablePointer<Float>, _ count: Int, instructionSet: InstructionSet = .best) {
        if instructionSet == .avx512, let kind = transcendental {
            ss_transcendental(p, p, Int64(count), kind)
            return
        }
        switch self {
        case .relu:
            for i in 0..<count { p[i] = max(p[i], 0) }
        case .leakyRelu(let a):
            for i in 0..<count { let v = p[i]; p[i] = v < 0 ? v * a : v }
        case .clip(let lo, let hi):
            for i in 0..<count { p[i] = min(max(p[i], lo), hi) }
        case .sigmoid:
            for i in 0..<count { p[i] = 1 / (1 + Foundation.exp(-p[i])) }
        case .hardSigmoid(let a, let b):
            for i in 0..<count { p[i] = min(max(a * p[i] + b, 0), 1) }
        case .hardSwish:
            for i in 0..<count { let v = p[i]; p[i] = v * min(max(v / 6 + 0.5, 0), 1) }
        case .tanh:
            for i in 0..<count { p[i] = Foundation.tanh(p[i]) }
        case .gelu(let approximate):
            for i in 0..<count { p[i] = Self.gelu(p[i], tanhApproximation: approximate) }
        case .erf:
            for i in 0..<count { p[i] = Foundation.erf(p[i]) }
        case .sqrt:
            for i in 0..<count { p[i] = p[i].squareRoot() }
        case .reciprocal:
            for i in 0..<count { p[i] = 1 / p[i] }
        case .exp:
            for i in 0..<count { p[i] = Foundation.exp(p[i]) }
        case .log:
            for i in 0..<count { p[i] = Foundation.log(p[i]) }
        case .neg:
            for i in 0..<count { p[i] = -p[i] }
        case .abs:
            for i in 0..<count { p[i] = Swift.abs(p[i]) }
        case .floor:
            for i in 0..<count { p[i] = p[i].rounded(.down) }
        case .ceil:
            for i in 0..<count { p[i] = p[i].rounded(.up) }
        case .round:
            for i in 0..<count { p[i] = p[i].rounded(.toNearestOrEven) }
        case .sign:
            for i in 0..<count { let v = p[i]; p[i] = v > 0 ? 1 : v < 0 ? -1 : v }
        }
    }

    /// The `ss_transcendental` kernel computing this activation, if there is one.
    private var transcendental: SSTranscendental? {
        switch self {
        case .sigmoid: SSTranscendentalSigmoid
        case .exp: SSTranscendentalExp
        case .erf: SSTranscendentalErf
        case .gelu(let tanh): tanh ? SSTranscendentalGeluTanh : SSTranscendentalGelu
        default: nil
        }
    }

    /// GELU of one value, as ONNX's Gelu defines it.
    @inline(__always)
    static func gelu(_ v: Float, tanhApproximation: Bool) -> Float {
        if tanhApproximation {
            return 0.5 * v * (1 + Foundation.tanh(0.7978845608 * (v + 0.044715 * v * v * v)))
        }
        return 0.5 * v * (1 + Foundation.erf(v * 0.70710678118))
    }
}

/// Relu, LeakyRelu, Clip, Sigmoid, HardSigmoid, HardSwish, Tanh, Gelu, Erf, Sqrt, Reciprocal,
/// Exp, Log, Neg, Abs, Floor, Ceil, Round and Sign on any Float32 shape. Clip bounds given as inputs must be constants.
struct ActivationKernel: Kernel {
    let node: Node
    let opset: Int

    init(_ node: Node, opset: Int) throws {
        self.node = node
        self.opset = opset
        _ = try Activation(node, initializers: [:])
    }

    func outputs(_ inputs: [ValueInfo?]) throws -> [TensorDesc] {
        let x = try node.required(inputs, 0)
        try node.requireFloat(x)
        return [x.desc]
    }

    func step(_ inputs: [Buffer?], _ outputs: [Buffer], _ context: PlanContext) throws -> Step {
        var constants: [String: TensorValue] = [:]
        for i in 1..<max(node.inputs.count, 1) where i < inputs.count {
            if let b = inputs[i] { constants[node.inputs[i]] = b.load() }
        }
        guard let activation = try Activation(node, initializers: constants) else { throw node.error("Clip bounds must be constants") }
        let x = inputs[0]!.floats, y = outputs[0].floats, n = outputs[0].count, threads = context.threads
        let instructionSet = context.instructionSet
        return {
            parallelFor(n / 4096 + 1, threads: threads) { r in
                let lo = r.lowerBound * 4096, hi = min(r.upperBound * 4096, n)
                guard lo < hi else { return }
                (y + lo).update(from: x + lo, count: hi - lo)
                activation.apply(y + lo, hi - lo, instructionSet: instructionSet)
            }
        }
    }

    /// Plain per-element formulas from the ONNX spec, the test oracle.
    static func reference(_ x: Tensor, _ activation: Activation) -> Tensor {
        Tensor(shape: x.shape, data: x.data.map { v in
            switch activation {
            case .relu: return max(0, v)
            case .leakyRelu(let alpha): return v >= 0 ? v : alpha * v
            case .clip(let lo, let hi): return min(hi, max(lo, v))
            case .sigmoid: return 1 / (1 + Foundation.exp(-v))
            case .hardSigmoid(let alpha, let beta): return max(0, min(1, alpha * v + beta))
            case .hardSwish: return v * max(0, min(1, v / 6 + 0.5))
            case .tanh: return Foundation.tanh(v)
            case .gelu(let approximate):
                let d = Double(v)
                let phi = approximate ? 0.5 * (1 + Foundation.tanh((2 / Double.pi).squareRoot() * (d + 0.044715 * d * d * d)))
                                      : 0.5 * (1 + Foundation.erf(d / 2.0.squareRoot()))
                return Float(d * phi)
            case .erf: return Float(Foundation.erf(Double(v)))
            case .sqrt: return Float(Double(v).squareRoot())
            case .reciprocal: return 1 / v
            case .exp: return Float(Foundation.exp(Double(v)))
            case .log: return Float(Foundation.log(Double(v)))
            case .neg: return -v
            case .abs: return Swift.abs(v)
            case .floor: return Float(Foundation.floor(Double(v)))
            case .ceil: return Float(Foundation.ceil(Double(v)))
            case .round: return Float(Foundation.rint(Double(v)))
            case .sign: return v == 0 ? v : v > 0 ? 1 : -1
            }
        })
    }
}
