import COpenBLAS

/// 2-D convolution, NCHW Float32: X [N, C, H, W], W [M, C/group, kh, kw], optional
/// B [M], and (after fusion) a residual R [N, M, OH, OW] added before the epilogue
/// activation. Any kernel, stride, padding (incl. auto_pad), dilation and group count.
///
/// 1x1 stride-1 unpadded convs are one sgemm per image; depthwise convs use SIMD
/// row kernels; everything else is im2col + sgemm. Bias, residual and activation are
/// applied in one pass over each output plane.
struct Conv: Kernel {
    let node: Node
    let window: WindowAttributes
    let group: Int

    init(_ node: Node) throws {
        self.node = node
        window = try WindowAttributes(node)
        group = try node.int("group", default: 1)
        guard group >= 1 else { throw node.attributeError("group", "must be at least 1") }
    }

    /// The geometry for input X and weights W, after checking their shapes agree.
    func geometry(x: [Int], w: [Int]) throws -> Geometry {
        guard x.count == 4, w.count == 4 else { throw node.error("only 2-D convolution is supported; X is \(x), W is \(w)") }
        guard x[1] == w[1] * group, w[0] % group == 0 else {
            throw node.error("X has \(x[1]) channels but W \(w) with group \(group) expects \(w[1] * group)")
        }
        if let k = window.kernelShape, k != [w[2], w[3]] {
            throw node.error("kernel_shape \(k) does not match W \(w)")
        }
        return try window.resolve(node, inH: x[2], inW: x[3], kh: w[2], kw: w[3])
    }

    func outputs(_ inputs: [ValueInfo?]) throws -> [TensorDesc] {
        let x = try node.required(inputs, 0), w = try node.required(inputs, 1)
        try node.requireNCHW(x)
        let g = try geometry(x: x.shape, w: w.shape)
        let shape = [x.shape[0], w.shape[0], g.outH, g.outW]
        if inputs.count > 2, let b = inputs[2], b.shape != [w.shape[0]] { throw node.error("bias shape \(b.shape) must be [\(w.shape[0])]") }
        if inputs.count > 3, let r = inputs[3] { _ = try node.broadcastShape(shape, r.shape) }
        return [.float(shape)]
    }

    func flops(_ inputs: [TensorDesc?], _ outputs: [TensorDesc]) -> Int {
        guard let w = inputs[1] else { return 0 }
        return 2 * outputs[0].count * w.shape[1] * w.shape[2] * w.shape[3]
    }

    func step(_ inputs: [Buffer?], _ outputs: [Buffer], _ context: PlanContext) throws -> Step {
        let x = inputs[0]!, w = inputs[1]!, y = outputs[0]
        let g = try geometry(x: x.shape, w: w.shape)
        let n = x.shape[0], c = x.shape[1], m = w.shape[0]
        let bias = inputs.count > 2 ? inputs[2]?.floats : nil
        let residual = inputs.count > 3 ? inputs[3] : nil
        let sameShapeResidual = residual.map { $0.shape == y.shape } ?? false
        let epilogue = ConvEpilogue(bias: bias, residual: sameShapeResidual ? residual?.floats : nil,
                                    activation: node.epilogue.residual && !sameShapeResidual ? nil : node.epilogue.activation)
        var broadcastResidual: Step?
        if let r = residual, !sameShapeResidual {
            let add = Binary.makeStep(.add, y, r, y, context), activation = node.epilogue.activation
            broadcastResidual = { add(); activation?.apply(y.floats, y.count) }
        }
        let core: Step
        let plane = g.outH * g.outW
        let threads = context.threads
        if g.kh == 1, g.kw == 1, g.sh == 1, g.sw == 1, g.padTop + g.padLeft + g.padBottom + g.padRight == 0, group == 1 {
            core = {
                for i in 0..<n {
                    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(m), Int32(plane), Int32(c), 1,
                                w.floats, Int32(c), x.floats + i * c * plane, Int32(plane), 0, y.floats + i * m * plane, Int32(plane))
                }
                epilogue.apply(y.floats, images: n, channels: m, plane: plane, threads: threads)
            }
        } else if group == c, m == c {
            core = {
                parallelFor(n * c, threads: threads) { range in
                    for p in range {
                        let ch = p % c
                        Conv.depthwisePlane(x.floats + p * g.inH * g.inW, w.floats + ch * g.kh * g.kw,
                                            y.floats + p * plane, g)
                        epilogue.apply(y.floats + p * plane, channel: ch, offset: p * plane, count: plane)
                    }
                }
            }
        } else {
            let cg = c / group, mg = m / group, k = cg * g.kh * g.kw
            context.scratch.reserve(floats: k * plane)
            let scratch = context.scratch
            core = {
                let col = scratch.floats
                for i in 0..<n {
                    for gi in 0..<group {
                        Conv.im2col(x.floats + (i * c + gi * cg) * g.inH * g.inW, channels: cg, g, col)
                        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(mg), Int32(plane), Int32(k), 1,
                                    w.floats + gi * mg * k, Int32(k), col, Int32(plane), 0,
                                    y.floats + (i * m + gi * mg) * plane, Int32(plane))
                    }
                }
                epilogue.apply(y.floats, images: n, channels: m, plane: plane, threads: threads)
            }
        }
        guard let post = broadcastResidual else { return core }
        return { core(); post() }
    }

    /// Unrolls the receptive fields of `channels` input planes into `col`
    /// [channels*kh*kw, outH*outW], zero where the window reads padding.
    static func im2col(_ x: UnsafePointer<Float>, channels: Int, _ g: Geometry, _ col: UnsafeMutablePointer<Float>) {
        let plane = g.outH * g.outW
        var row = 0
        for ch in 0..<channels {
            let src = x + ch * g.inH * g.inW
            for ky in 0..<g.kh {
                for kx in 0..<g.kw {
                    let dst = col + row * plane
                    let xOff = kx * g.dw - g.padLeft
                    let (lo, hi) = validRange(out: g.outW, stride: g.sw, offset: xOff, size: g.inW)
                    for oy in 0..<g.outH {
                        let iy = oy * g.sh - g.padTop + ky * g.dh
                        let d = dst + oy * g.outW
                        if iy < 0 || iy >= g.inH {
                            d.update(repeating: 0, count: g.outW)
                            continue
                        }
                        let s = src + iy * g.inW + xOff
                        if lo > 0 { d.update(repeating: 0, count: lo) }
                        if g.sw == 1 {
                            if hi > lo { (d + lo).update(from: s + lo, count: hi - lo) }
                        } else {
                            for ox in lo..<max(lo, hi) { d[ox] = s[ox * g.sw] }
                        }
                        if hi < g.outW { (d + max(hi, lo)).update(repeating: 0, count: g.outW - max(hi, lo)) }
                    }
                    row += 1
                }
            }
        }
    }

    /// The output positions `lo..<hi` whose input index `o*stride + offset` lies in `0..<size`.
    static func validRange(out: Int, stride: Int, offset: Int, size: Int) -> (Int, Int) {
        let lo = offset >= 0 ? 0 : (-offset + stride - 1) / stride
        let hi = size - 1 - offset < 0 ? 0 : min(out, (size - 1 - offset) / stride + 1)
        return (min(lo, out), max(hi, min(lo, out)))
    }

    /// One depthwise plane: `y` [outH, outW] = conv of `x` [inH, inW] with `w` [kh, kw].
    /// Stride-1 rows run as SIMD8 multiply-adds.
    static func depthwisePlane(_ x: UnsafePointer<Float>, _ w: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ g: Geometry) {
        y.update(repeating: 0, count: g.outH * g.outW)
        for oy in 0..<g.outH {
            let out = y + oy * g.outW
            for ky in 0..<g.kh {
                let iy = oy * g.sh - g.padTop + ky * g.dh
                if iy < 0 || iy >= g.inH { continue }
                let row = x + iy * g.inW
                for kx in 0..<g.kw {
                    let wv = w[ky * g.kw + kx]
                    let xOff = kx * g.dw - g.padLeft
                    let (lo, hi) = validRange(out: g.outW, stride: g.sw, offset: xOff, size: g.inW)
                    if g.sw == 1 {
                        var ox = lo
                        let src = row + xOff
                        let wVec = SIMD8<Float>(repeating: wv)
                        while ox + 8 <= hi {
                            let v = UnsafeRawPointer(src + ox).loadUnaligned(as: SIMD8<Float>.self)
                            let o = UnsafeRawPointer(out + ox).loadUnaligned(as: SIMD8<Float>.self)
                            UnsafeMutableRawPointer(out + ox).storeBytes(of: o + v * wVec, as: SIMD8<Float>.self)
                            ox += 8
                        }
                        while ox < hi { out[ox] += wv * src[ox]; ox += 1 }
                    } else {
                        for ox in lo..<hi { out[ox] += wv * row[ox * g.sw + xOff] }
                    }
                }
            }
        }
    }

    /// Plain direct convolution, the test oracle: X [N, C, H, W], W [M, C/group, kh, kw],
    /// optional bias [M]; padding reads as zero.
    static func reference(x: Tensor, w: Tensor, bias: Tensor?, group: Int, _ g: Geometry) -> Tensor {
        let n = x.shape[0], c = x.shape[1], m = w.shape[0], cg = c / group, mg = m / group
        var y = Tensor(zeros: [n, m, g.outH, g.outW])
        for i in 0..<n { for o in 0..<m { for oy in 0..<g.outH { for ox in 0..<g.outW {
            var acc: Float = bias?.data[o] ?? 0
            let gi = o / mg
            for ci in 0..<cg { for ky in 0..<g.kh { for kx in 0..<g.kw {
                let iy = oy * g.sh - g.padTop + ky * g.dh, ix = ox * g.sw - g.padLeft + kx * g.dw
                guard iy >= 0, iy < g.inH, ix >= 0, ix < g.inW else { continue }
                acc += x.data[((i * c + gi * cg + ci) * g.inH + iy) * g.inW + ix] * w.data[((o * cg + ci) * g.kh + ky) * g.kw + kx]
            } } }
            y.data[((i * m + o) * g.outH + oy) * g.outW + ox] = acc
        } } } }
        return y
    }
}

/// Bias, same-shape residual and activation applied to conv output planes in one pass.
struct ConvEpilogue {
    let bias: UnsafeMutablePointer<Float>?
    let residual: UnsafeMutablePointer<Float>?
    let activation: Activation?

    /// Applies the epilogue to one plane of `count` values for `channel`, at element
    /// `offset` of the whole output (to find the matching residual values).
    func apply(_ p: UnsafeMutablePointer<Float>, channel: Int, offset: Int, count: Int) {
        if let b = bias {
            let v = b[channel]
            for i in 0..<count { p[i] += v }
        }
        if let r = residual {
            let rp = r + offset
            for i in 0..<count { p[i] += rp[i] }
        }
        activation?.apply(p, count)
    }

    /// Applies the epilogue to a whole [images, channels, plane] output.
    func apply(_ y: UnsafeMutablePointer<Float>, images: Int, channels: Int, plane: Int, threads: Int) {
        guard bias != nil || residual != nil || activation != nil else { return }
        parallelFor(images * channels, threads: threads) { range in
            for p in range { apply(y + p * plane, channel: p % channels, offset: p * plane, count: plane) }
        }
    }
}
