import COpenBLAS

/// 2-D transposed convolution, NCHW Float32: X [N, C, H, W], W [C, M/group, kh, kw],
/// optional B [M]. Supports strides, pads, auto_pad, dilations, output_padding,
/// output_shape and groups. Runs as sgemm (W' X) followed by col2im.
struct ConvTranspose: Kernel {
    let node: Node
    let window: WindowAttributes
    let group: Int
    let outputPadding: [Int]
    let outputShape: [Int]?

    init(_ node: Node) throws {
        self.node = node
        window = try WindowAttributes(node)
        group = try node.int("group", default: 1)
        outputPadding = try node.ints("output_padding") ?? [0, 0]
        outputShape = try node.ints("output_shape").map { Array($0.suffix(2)) }
        guard group >= 1 else { throw node.attributeError("group", "must be at least 1") }
        guard outputPadding.count == 2 else { throw node.attributeError("output_padding", "must have two values") }
    }

    func geometry(x: [Int], w: [Int]) throws -> Geometry {
        guard x.count == 4, w.count == 4 else { throw node.error("only 2-D transposed convolution is supported; X is \(x), W is \(w)") }
        guard x[1] == w[0], w[0] % group == 0 else { throw node.error("X has \(x[1]) channels but W is \(w)") }
        let kh = w[2], kw = w[3], s = window.strides, d = window.dilations
        var pads = window.pads
        var out = [0, 0]
        for i in 0..<2 {
            let input = x[2 + i], extent = ((i == 0 ? kh : kw) - 1) * d[i] + 1
            let full = s[i] * (input - 1) + outputPadding[i] + extent
            if let target = outputShape?[i] {
                let total = max(0, full - target)
                let small = total / 2
                (pads[i], pads[i + 2]) = window.autoPad == "SAME_UPPER" ? (small, total - small) : (total - small, small)
                out[i] = target
            } else if window.autoPad == "SAME_UPPER" || window.autoPad == "SAME_LOWER" {
                let target = input * s[i], total = max(0, full - target), small = total / 2
                (pads[i], pads[i + 2]) = window.autoPad == "SAME_UPPER" ? (small, total - small) : (total - small, small)
                out[i] = target
            } else {
                if window.autoPad == "VALID" { (pads[i], pads[i + 2]) = (0, 0) }
                out[i] = full - pads[i] - pads[i + 2]
            }
            guard out[i] > 0 else { throw node.error("output size \(out[i]) is not positive") }
        }
        return Geometry(kh: kh, kw: kw, sh: s[0], sw: s[1], dh: d[0], dw: d[1],
                        padTop: pads[0], padLeft: pads[1], padBottom: pads[2], padRight: pads[3],
                        inH: x[2], inW: x[3], outH: out[0], outW: out[1])
    }

    func outputs(_ inputs: [ValueInfo?]) throws -> [TensorDesc] {
        let x = try node.required(inputs, 0), w = try node.required(inputs, 1)
        try node.requireNCHW(x)
        let g = try geometry(x: x.shape, w: w.shape)
        return [.float([x.shape[0], w.shape[1] * group, g.outH, g.outW])]
    }

    func flops(_ inputs: [TensorDesc?], _ outputs: [TensorDesc]) -> Int {
        guard let x = inputs[0], let w = inputs[1] else { return 0 }
        return 2 * x.count * w.shape[1] * w.shape[2] * w.shape[3]
    }

    func step(_ inputs: [Buffer?], _ outputs: [Buffer], _ context: PlanContext) throws -> Step {
        let x = inputs[0]!, w = inputs[1]!, y = outputs[0]
        let g = try geometry(x: x.shape, w: w.shape)
        let bias = inputs.count > 2 ? inputs[2]?.floats : nil
        let n = x.shape[0], c = x.shape[1], cg = c / group, mg = w.shape[1], m = mg * group
        let inPlane = g.inH * g.inW, outPlane = g.outH * g.outW, rows = mg * g.kh * g.kw
        context.scratch.reserve(floats: rows * inPlane)
        let scratch = context.scratch, group = group, threads = context.threads
        return {
            let col = scratch.floats
            for i in 0..<n {
                for gi in 0..<group {
                    // Column slices of the sgemm, then output channels, split across workers.
                    parallelFor(inPlane, threads: threads) { cols in
                        cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, Int32(rows), Int32(cols.count), Int32(cg), 1,
                                    w.floats + gi * cg * rows, Int32(rows), x.floats + (i * c + gi * cg) * inPlane + cols.lowerBound,
                                    Int32(inPlane), 0, col + cols.lowerBound, Int32(inPlane))
                    }
                    parallelFor(mg, threads: threads) { outputs in
                        for o in outputs {
                            let dst = y.floats + (i * m + gi * mg + o) * outPlane
                            dst.update(repeating: bias?[gi * mg + o] ?? 0, count: outPlane)
                            ConvTranspose.col2im(col + o * g.kh * g.kw * inPlane, g, dst)
                        }
                    }
                }
            }
        }
    }

    /// Scatter-adds one output channel's columns [kh*kw, inH*inW] into `y` [outH, outW].
    static func col2im(_ col: UnsafePointer<Float>, _ g: Geometry, _ y: UnsafeMutablePointer<Float>) {
        for ky in 0..<g.kh {
            for kx in 0..<g.kw {
                let src = col + (ky * g.kw + kx) * g.inH * g.inW
                let xOff = kx * g.dw - g.padLeft
                let (lo, hi) = Conv.validRange(out: g.inW, stride: g.sw, offset: xOff, size: g.outW)
                for iy in 0..<g.inH {
                    let oy = iy * g.sh - g.padTop + ky * g.dh
                    if oy < 0 || oy >= g.outH { continue }
                    let row = y + oy * g.outW + xOff, s = src + iy * g.inW
                    for ix in lo..<hi { row[ix * g.sw] += s[ix] }
                }
            }
        }
    }

    /// Plain scatter form, the test oracle: X [N, C, H, W], W [C, M/group, kh, kw].
    static func reference(x: Tensor, w: Tensor, bias: Tensor?, group: Int, _ g: Geometry) -> Tensor {
        let n = x.shape[0], c = x.shape[1], cg = c / group, mg = w.shape[1], m = mg * group
        var y = Tensor(zeros: [n, m, g.outH, g.outW])
        for i in 0..<n { for o in 0..<m { for p in 0..<(g.outH * g.outW) { y.data[(i * m + o) * g.outH * g.outW + p] = bias?.data[o] ?? 0 } } }
        for i in 0..<n { for ci in 0..<c { for iy in 0..<g.inH { for ix in 0..<g.inW {
            let v = x.data[((i * c + ci) * g.inH + iy) * g.inW + ix], gi = ci / cg
            for o in 0..<mg { for ky in 0..<g.kh { for kx in 0..<g.kw {
                let oy = iy * g.sh - g.padTop + ky * g.dh, ox = ix * g.sw - g.padLeft + kx * g.dw
                guard oy >= 0, oy < g.outH, ox >= 0, ox < g.outW else { continue }
                y.data[((i * m + gi * mg + o) * g.outH + oy) * g.outW + ox] += v * w.data[((ci * mg + o) * g.kh + ky) * g.kw + kx]
            } } }
        } } } }
        return y
    }
}
