/// DepthToSpace (DCR or CRD order) and SpaceToDepth on N x C x H x W, Float32 or Int64: blocks
/// of `blocksize` x `blocksize` pixels moved between the channel axis and the spatial axes.
struct DepthToSpace: Kernel {
    let node: Node
    let block: Int
    /// DepthToSpace in column-row-depth order (`mode` CRD) instead of depth-column-row (DCR).
    let columnRowDepth: Bool
    let toSpace: Bool

    init(_ node: Node) throws {
        self.node = node
        block = try node.int("blocksize", default: 0)
        guard block > 0 else { throw node.error("blocksize must be positive") }
        toSpace = node.opType == "DepthToSpace"
        let mode = try node.string("mode", default: "DCR")
        guard ["DCR", "CRD"].contains(mode) else { throw node.error("mode must be DCR or CRD, not \(mode)") }
        columnRowDepth = mode == "CRD"
    }

    func outputs(_ inputs: [ValueInfo?]) throws -> [TensorDesc] {
        let x = try node.required(inputs, 0), s = x.shape, b = block
        guard s.count == 4 else { throw node.error("input must be N x C x H x W, got shape \(s)") }
        if toSpace {
            guard s[1] % (b * b) == 0 else { throw node.error("\(s[1]) channels do not divide into blocks of \(b)x\(b)") }
            return [TensorDesc(type: x.type, shape: [s[0], s[1] / (b * b), s[2] * b, s[3] * b])]
        }
        guard s[2] % b == 0, s[3] % b == 0 else { throw node.error("\(s[2])x\(s[3]) does not divide into blocks of \(b)x\(b)") }
        return [TensorDesc(type: x.type, shape: [s[0], s[1] * b * b, s[2] / b, s[3] / b])]
    }

    func step(_ inputs: [Buffer?], _ outputs: [Buffer], _ context: PlanContext) throws -> Step {
        let x = inputs[0]!, y = outputs[0], source = Self.sourceIndex(x.shape, block: block, toSpace: toSpace, columnRowDepth: columnRowDepth)
        let size = y.desc.elementSize, count = y.count, outShape = y.shape
        return {
            for i in 0..<count {
                let w = i % outShape[3], h = i / outShape[3] % outShape[2], c = i / (outShape[3] * outShape[2]) % outShape[1]
                let n = i / (outShape[3] * outShape[2] * outShape[1])
                (y.raw + i * size).copyMemory(from: x.raw + source(n, c, h, w) * size, byteCount: size)
            }
        }
    }

    /// The flat input index each output element (n, c, h, w) reads.
    static func sourceIndex(_ s: [Int], block b: Int, toSpace: Bool, columnRowDepth: Bool) -> (Int, Int, Int, Int) -> Int {
        let (channels, height, width) = (s[1], s[2], s[3])
        func flat(_ n: Int, _ c: Int, _ h: Int, _ w: Int) -> Int { ((n * channels + c) * height + h) * width + w }
        if toSpace {
            let groups = channels / (b * b)
            return { n, c, h, w in
                let (i, j) = (h % b, w % b)
                return flat(n, columnRowDepth ? c * b * b + i * b + j : (i * b + j) * groups + c, h / b, w / b)
            }
        }
        return { n, c, h, w in
            let (block, channel) = (c / channels, c % channels)
            return flat(n, channel, h * b + block / b, w * b + block % b)
        }
    }

    /// The ONNX definition by reshape and transpose, the test oracle.
    static func reference(_ x: Tensor, block b: Int, toSpace: Bool, columnRowDepth: Bool) -> Tensor {
        let (n, c, h, w) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
        let (shape, perm, out): ([Int], [Int], [Int])
        if toSpace {
            let g = c / (b * b)
            (shape, perm) = columnRowDepth ? ([n, g, b, b, h, w], [0, 1, 4, 2, 5, 3]) : ([n, b, b, g, h, w], [0, 3, 4, 1, 5, 2])
            out = [n, g, h * b, w * b]
        } else {
            (shape, perm, out) = ([n, c, h / b, b, w / b, b], [0, 3, 5, 1, 2, 4], [n, c * b * b, h / b, w / b])
        }
        let transposed = Transpose.reference(Tensor(shape: shape, data: x.data), perm: perm)
        return Tensor(shape: out, data: transposed.data)
    }
}
