/// 2-D max pooling, NCHW Float32, with the optional Indices output (int64, flat
/// offsets into the whole input tensor, row-major as `storage_order` 0).
struct MaxPool: Kernel {
    let node: Node
    let window: WindowAttributes

    init(_ node: Node) throws {
        self.node = node
        window = try WindowAttributes(node)
        guard window.kernelShape != nil else { throw node.attributeError("kernel_shape", "is required") }
        guard try node.int("storage_order", default: 0) == 0 else { throw node.attributeError("storage_order", "must be 0 (row major)") }
    }

    func geometry(_ x: [Int]) throws -> Geometry {
        let k = window.kernelShape!
        return try window.resolve(node, inH: x[2], inW: x[3], kh: k[0], kw: k[1])
    }

    func outputs(_ inputs: [ValueInfo?]) throws -> [TensorDesc] {
        let x = try node.required(inputs, 0)
        try node.requireNCHW(x)
        let g = try geometry(x.shape)
        let shape = [x.shape[0], x.shape[1], g.outH, g.outW]
        return node.outputs.count > 1 ? [.float(shape), .int64(shape)] : [.float(shape)]
    }

    func step(_ inputs: [Buffer?], _ outputs: [Buffer], _ context: PlanContext) throws -> Step {
        let x = inputs[0]!, y = outputs[0], indices = outputs.count > 1 ? outputs[1].int64s : nil
        let g = try geometry(x.shape)
        let planes = x.shape[0] * x.shape[1], threads = context.threads
        return {
            parallelFor(planes, threads: threads) { range in
                for p in range {
                    let src = x.floats + p * g.inH * g.inW, dst = y.floats + p * g.outH * g.outW
                    for oy in 0..<g.outH {
                        for ox in 0..<g.outW {
                            var best = -Float.infinity, at = -1
                            for ky in 0..<g.kh {
                                let iy = oy * g.sh - g.padTop + ky * g.dh
                                if iy < 0 || iy >= g.inH { continue }
                                for kx in 0..<g.kw {
                                    let ix = ox * g.sw - g.padLeft + kx * g.dw
                                    if ix < 0 || ix >= g.inW { continue }
                                    let v = src[iy * g.inW + ix]
                                    if v > best || at < 0 { best = v; at = iy * g.inW + ix }
                                }
                            }
                            dst[oy * g.outW + ox] = best
                            indices?[p * g.outH * g.outW + oy * g.outW + ox] = Int64(p * g.inH * g.inW + max(at, 0))
                        }
                    }
                }
            }
        }
    }
}
