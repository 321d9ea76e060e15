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

    /// Applies the activation to `count` floats in place.
    func apply(_ p: UnsafeMutablePointer<Float>, _ count: Int) {
        switch self {
        case .relu:
            for i in 0..<count { p[i] = max(p[i], 0) }
        case .leakyRelu(let a):
            for i in 0..<count { let v = p[i]; p[i] = v < 0 ? v * a : v }
        case .clip(let lo, let hi):
            for i in 0..<count { p[i] = min(max(p[i], lo), hi) }
        case .sigmoid:
            for i in 0..<count { p[i] = 1 / (1 + exp(-p[i])) }
        case .hardSigmoid(let a, let b):
            for i in 0..<count { p[i] = min(max(a * p[i] + b, 0), 1) }
        case .hardSwish:
            for i in 0..<count { let v = p[i]; p[i] = v * min(max(v / 6 + 0.5, 0), 1) }
        case .tanh:
            for i in 0..<count { p[i] = Foundation.tanh(p[i]) }
        }
    }
}

/// Relu, LeakyRelu, Clip, Sigmoid, HardSigmoid, HardSwish and Tanh on any Float32 shape.
/// Clip bounds given as inputs must be constants.
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
        return {
            parallelFor(n / 4096 + 1, threads: threads) { r in
                let lo = r.lowerBound * 4096, hi = min(r.upperBound * 4096, n)
                guard lo < hi else { return }
                (y + lo).update(from: x + lo, count: hi - lo)
                activation.apply(y + lo, hi - lo)
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
            case .sigmoid: return 1 / (1 + exp(-v))
            case .hardSigmoid(let alpha, let beta): return max(0, min(1, alpha * v + beta))
            case .hardSwish: return v * max(0, min(1, v / 6 + 0.5))
            case .tanh: return Foundation.tanh(v)
            }
        })
    }
}
