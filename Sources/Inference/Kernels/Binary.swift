import Foundation

/// Add, Sub, Mul, Div and Pow with numpy broadcasting, on Float32 or Int64 (integer
/// division truncates; dividing by zero gives 0 rather than trapping).
struct Binary: Kernel {
    enum Op { case add, sub, mul, div, pow }

    let node: Node
    let op: Op

    init(_ node: Node) throws {
        self.node = node
        switch node.opType {
        case "Add": op = .add
        case "Sub": op = .sub
        case "Mul": op = .mul
        case "Pow": op = .pow
        default: op = .div
        }
    }

    func outputs(_ inputs: [ValueInfo?]) throws -> [TensorDesc] {
        let a = try node.required(inputs, 0), b = try node.required(inputs, 1)
        guard a.type == b.type else { throw node.error("inputs have different types (\(a.type), \(b.type))") }
        return [TensorDesc(type: a.type, shape: try node.broadcastShape(a.shape, b.shape))]
    }

    func step(_ inputs: [Buffer?], _ outputs: [Buffer], _ context: PlanContext) throws -> Step {
        Binary.makeStep(op, inputs[0]!, inputs[1]!, outputs[0], context)
    }

    /// A step computing `out = a op b`; `out` may be `a` itself.
    static func makeStep(_ op: Op, _ a: Buffer, _ b: Buffer, _ out: Buffer, _ context: PlanContext) -> Step {
        let layout = BroadcastLayout(a: a.shape, b: b.shape, out: out.shape)
        let threads = out.count >= 1 << 15 ? context.threads : 1
        if out.desc.type == .int64 {
            return { layout.run(a.int64s, b.int64s, out.int64s, threads: 1) { x, y in
                switch op {
                case .add: return x &+ y
                case .sub: return x &- y
                case .mul: return x &* y
                case .div: return y == 0 || (x == .min && y == -1) ? 0 : x / y
                case .pow: return integerPower(x, y)
                }
            } }
        }
        return { layout.runFloat(op, a.floats, b.floats, out.floats, threads: threads) }
    }

    /// `base` to the power `exponent` (by squaring, wrapping on overflow); a negative exponent
    /// gives the truncated result: 1 for a base of 1, ±1 for -1, else 0.
    static func integerPower(_ base: Int64, _ exponent: Int64) -> Int64 {
        if exponent < 0 { return base == 1 ? 1 : base == -1 ? (exponent % 2 == 0 ? 1 : -1) : 0 }
        var (result, factor, rest): (Int64, Int64, Int64) = (1, base, exponent)
        while rest > 0 {
            if rest & 1 == 1 { result = result &* factor }
            factor = factor &* factor
            rest >>= 1
        }
        return result
    }

    /// Plain per-element arithmetic with numpy broadcasting, the test oracle.
    static func reference(_ op: Op, _ a: Tensor, _ b: Tensor) -> Tensor {
        var y = Tensor(zeros: broadcastShapes(a.shape, b.shape))
        for index in allIndices(y.shape) {
            let u = a[index: broadcastIndex(index, into: a.shape)], v = b[index: broadcastIndex(index, into: b.shape)]
            switch op {
            case .add: y[index: index] = u + v
            case .sub: y[index: index] = u - v
            case .mul: y[index: index] = u * v
            case .div: y[index: index] = u / v
            case .pow: y[index: index] = Float(Foundation.pow(Double(u), Double(v)))
            }
        }
        return y
    }
}

/// A broadcast binary operation reduced to an outer index space and a contiguous inner
/// run, after merging dimensions that can be walked as one.
struct BroadcastLayout {
    var outer: [Int] = []
    var aStrides: [Int] = []
    var bStrides: [Int] = []
    var inner = 1
    var aInner = 1
    var bInner = 1

    init(a: [Int], b: [Int], out: [Int]) {
        let sa = broadcastStrides(a, to: out), sb = broadcastStrides(b, to: out)
        var dims: [(n: Int, a: Int, b: Int)] = []
        for i in 0..<out.count where out[i] != 1 {
            if let last = dims.last, last.a == sa[i] * out[i], last.b == sb[i] * out[i] {
                dims[dims.count - 1] = (last.n * out[i], sa[i], sb[i])
            } else {
                dims.append((out[i], sa[i], sb[i]))
            }
        }
        if let last = dims.last, last.a <= 1, last.b <= 1 {
            inner = last.n
            aInner = last.a
            bInner = last.b
            dims.removeLast()
        }
        outer = dims.map(\.n)
        aStrides = dims.map(\.a)
        bStrides = dims.map(\.b)
    }

    /// Element offsets into `a` and `b` of output row `r` (rows = the outer, broadcast axes).
    @inline(__always)
    func offsets(ofRow r: Int) -> (a: Int, b: Int) {
        var rem = r, ao = 0, bo = 0
        for d in stride(from: outer.count - 1, through: 0, by: -1) {
            let i = rem % outer[d]
            rem /= outer[d]
            ao += i * aStrides[d]
            bo += i * bStrides[d]
        }
        return (ao, bo)
    }

    /// Float32 version with the operator chosen outside the inner loops, so each loop
    /// is a plain vectorisable one.
    func runFloat(_ op: Binary.Op, _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ out: UnsafeMutablePointer<Float>, threads: Int) {
        let rows = outer.reduce(1, *)
        parallelFor(rows, threads: threads) { range in
            for r in range {
                let (ao, bo) = offsets(ofRow: r)
                let pa = a + ao, pb = b + bo, po = out + r * inner, n = inner
                switch (aInner, bInner, op) {
                case (1, 1, .add): for i in 0..<n { po[i] = pa[i] + pb[i] }
                case (1, 1, .sub): for i in 0..<n { po[i] = pa[i] - pb[i] }
                case (1, 1, .mul): for i in 0..<n { po[i] = pa[i] * pb[i] }
                case (1, 1, .div): for i in 0..<n { po[i] = pa[i] / pb[i] }
                case (1, 0, .add): let v = pb[0]; for i in 0..<n { po[i] = pa[i] + v }
                case (1, 0, .sub): let v = pb[0]; for i in 0..<n { po[i] = pa[i] - v }
                case (1, 0, .mul): let v = pb[0]; for i in 0..<n { po[i] = pa[i] * v }
                case (1, 0, .div): let v = pb[0]; for i in 0..<n { po[i] = pa[i] / v }
                case (0, 1, .add): let v = pa[0]; for i in 0..<n { po[i] = v + pb[i] }
                case (0, 1, .sub): let v = pa[0]; for i in 0..<n { po[i] = v - pb[i] }
                case (0, 1, .mul): let v = pa[0]; for i in 0..<n { po[i] = v * pb[i] }
                case (0, 1, .div): let v = pa[0]; for i in 0..<n { po[i] = v / pb[i] }
                default:
                    for i in 0..<n {
                        let x = pa[aInner == 1 ? i : 0], y = pb[bInner == 1 ? i : 0]
                        switch op {
                        case .add: po[i] = x + y
                        case .sub: po[i] = x - y
                        case .mul: po[i] = x * y
                        case .div: po[i] = x / y
                        case .pow: po[i] = y == 2 ? x * x : Foundation.pow(x, y)
                        }
                    }
                }
            }
        }
    }

    @inline(__always)
    func run<T, U>(_ a: UnsafePointer<T>, _ b: UnsafePointer<T>, _ out: UnsafeMutablePointer<U>, threads: Int, _ f: (T, T) -> U) {
        let rows = outer.reduce(1, *)
        parallelFor(rows, threads: threads) { range in
            for r in range {
                let (ao, bo) = offsets(ofRow: r)
                let pa = a + ao, pb = b + bo, po = out + r * inner
                switch (aInner, bInner) {
                case (1, 1): for i in 0..<inner { po[i] = f(pa[i], pb[i]) }
                case (1, _): let v = pb[0]; for i in 0..<inner { po[i] = f(pa[i], v) }
                case (_, 1): let v = pa[0]; for i in 0..<inner { po[i] = f(v, pb[i]) }
                default: let v = f(pa[0], pb[0]); for i in 0..<inner { po[i] = v }
                }
            }
        }
    }
}
