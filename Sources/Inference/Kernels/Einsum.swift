import COpenBLAS

/// Einstein summation over one or two Float32 operands ("bchw,bkc->bkhw", "bij,bjk->bik",
/// "nchw->nhwc", "ii->i"), with implicit outputs, `...` and size-1 broadcasting. Every form
/// becomes one batched sgemm: each operand is gathered into [batch, rows, contracted] order
/// (subscripts an operand lacks or broadcasts read with stride 0; repeated ones read its
/// diagonal), and the output reads the product in its own order.
struct Einsum: Kernel {
    let node: Node
    let equation: EinsumEquation

    init(_ node: Node) throws {
        self.node = node
        let text = try node.string("equation", default: "")
        guard let equation = EinsumEquation(text) else { throw node.error("equation '\(text)' is not a valid einsum equation") }
        guard (1...2).contains(equation.operands.count) else {
            throw node.error("equation '\(text)' has \(equation.operands.count) operands; one or two are supported")
        }
        self.equation = equation
    }

    func outputs(_ inputs: [ValueInfo?]) throws -> [TensorDesc] {
        guard inputs.count == equation.operands.count else {
            throw node.error("the equation names \(equation.operands.count) operands, the node has \(inputs.count) inputs")
        }
        let shapes = try inputs.indices.map { i -> [Int] in
            let x = try node.required(inputs, i)
            try node.requireFloat(x, i)
            return x.shape
        }
        return [.float(try layout(shapes).outShape)]
    }

    func flops(_ inputs: [TensorDesc?], _ outputs: [TensorDesc]) -> Int {
        guard let l = try? layout(inputs.map { $0?.shape ?? [] }) else { return 0 }
        return 2 * l.batch * l.m * l.n * l.k
    }

    /// Sizes of the gemm and the strides that gather the operands and scatter the product.
    struct Layout {
        var outShape: [Int]
        var batch = 1, m = 1, n = 1, k = 1
        /// Packed shape [batch..., rows..., contracted...] per operand, with its read strides.
        var packedShapes: [[Int]] = []
        var packedStrides: [[Int]] = []
        /// The product's shape [batch..., m..., n...], and the product strides each output axis reads.
        var productShape: [Int] = []
        var outputReads: [Int] = []
    }

    func layout(_ shapes: [[Int]]) throws -> Layout {
        guard let terms = equation.expanded(ranks: shapes.map(\.count)) else {
            throw node.error("the equation does not fit operands of shapes \(shapes)")
        }
        var size: [Character: Int] = [:]
        for (term, shape) in zip(terms.operands, shapes) {
            for (label, d) in zip(term, shape) {
                if let known = size[label], known != d, known != 1, d != 1 {
                    throw node.error("subscript '\(label)' is \(known) in one place and \(d) in another")
                }
                size[label] = max(size[label] ?? 1, d)
            }
        }
        let output = terms.output, operands = terms.operands
        let inAll = operands.map(Set.init)
        let second = operands.count > 1 ? inAll[1] : []
        let batch = output.filter { inAll[0].contains($0) && second.contains($0) }
        let rows = output.filter { inAll[0].contains($0) && !second.contains($0) }
        let cols = output.filter { !inAll[0].contains($0) }
        var contracted: [Character] = []
        for term in operands { for label in term where !output.contains(label) && !contracted.contains(label) { contracted.append(label) } }

        func count(_ labels: [Character]) -> Int { labels.reduce(1) { $0 * size[$1]! } }
        var l = Layout(outShape: output.map { size[$0]! })
        (l.batch, l.m, l.n, l.k) = (count(batch), count(rows), count(cols), count(contracted))
        let orders = [batch + rows + contracted, batch + contracted + cols]
        for (i, (term, shape)) in zip(operands, shapes).enumerated() {
            let strides = stridesOf(shape)
            l.packedShapes.append(orders[i].map { size[$0]! })
            l.packedStrides.append(orders[i].map { label in
                zip(term, zip(shape, strides)).reduce(0) { $0 + ($1.0 == label && $1.1.0 > 1 ? $1.1.1 : 0) }
            })
        }
        let product = batch + rows + cols
        l.productShape = product.map { size[$0]! }
        let productStrides = stridesOf(l.productShape)
        l.outputReads = output.map { productStrides[product.firstIndex(of: $0)!] }
        return l
    }

    func step(_ inputs: [Buffer?], _ outputs: [Buffer], _ context: PlanContext) throws -> Step {
        let l = try layout(inputs.map { $0!.shape }), y = outputs[0]
        let gathers = l.packedShapes.indices.map { StridedPermute(outShape: l.packedShapes[$0], strides: l.packedStrides[$0]) }
        let packed = gathers.map { Memory(bytes: $0.outShape.reduce(1, *) * 4) }
        let product = Memory(bytes: l.productShape.reduce(1, *) * 4)
        context.retained += packed + [product]
        let reorder = StridedPermute(outShape: l.outShape, strides: l.outputReads)
        let a = packed[0].raw.assumingMemoryBound(to: Float.self), c = product.raw.assumingMemoryBound(to: Float.self)
        let b = packed.count > 1 ? packed[1].raw.assumingMemoryBound(to: Float.self) : nil
        let sources = inputs.map { $0!.floats }
        return {
            for (gather, (source, target)) in zip(gathers, zip(sources, packed)) {
                gather.run(source, target.raw.assumingMemoryBound(to: Float.self))
            }
            for i in 0..<l.batch {
                let ai = a + i * l.m * l.k, ci = c + i * l.m * l.n
                if let b {
                    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(l.m), Int32(l.n), Int32(l.k), 1,
                                ai, Int32(l.k), b + i * l.k * l.n, Int32(l.n), 0, ci, Int32(l.n))
                } else {
                    for r in 0..<l.m { ci[r] = (0..<l.k).reduce(0) { $0 + ai[r * l.k + $1] } }
                }
            }
            reorder.run(c, y.floats)
        }
    }

    /// Plain einsum, the test oracle: every combination of subscript values, summing the
    /// products of the operands' elements into the output element its subscripts name.
    static func reference(_ equation: String, _ operands: [Tensor]) -> Tensor? {
        guard let terms = EinsumEquation(equation)?.expanded(ranks: operands.map(\.shape.count)) else { return nil }
        var size: [Character: Int] = [:]
        for (term, x) in zip(terms.operands, operands) { for (label, d) in zip(term, x.shape) { size[label] = max(size[label] ?? 1, d) } }
        let labels = Array(size.keys)
        var y = Tensor(zeros: terms.output.map { size[$0]! })
        for values in allIndices(labels.map { size[$0]! }) {
            let value = Dictionary(uniqueKeysWithValues: zip(labels, values))
            let product = zip(terms.operands, operands).reduce(Float(1)) { p, pair in
                p * pair.1[index: zip(pair.0, pair.1.shape).map { $1 == 1 ? 0 : value[$0]! }]
            }
            y[index: terms.output.map { value[$0]! }] += product
        }
        return y
    }
}
