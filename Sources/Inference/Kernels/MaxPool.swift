import CKernels

/// 2-D max pooling, NCHW Float32, with the optional Indices output (int64, flat
/// offsets into the whole input tensor, row-major as `storage_order` 0).
struct MaxPool: Kernel {
    let node: Node
    let window: WindowAttributes

    init(_ node: Node) throws {
        self.node = node
        window = try WindowAttributes(pooling: node)
        guard try node.int("storage_order", default: 0) == 0 else { throw node.attributeError("storage_order", "must be 0 (row major)") }
    }

    func outputs(_ inputs: [ValueInfo?]) throws -> [TensorDesc] {
        let x = try node.required(inputs, 0)
        try node.requireNCHW(x)
        let g = try window.poolGeometry(node, input: x.shape)
        let shape = [x.shape[0], x.shape[1], g.outH, g.outW]
        return node.outputs.count > 1 ? [.float(shape), .int64(shape)] : [.float(shape)]
    }

    func step(_ inputs: [Buffer?], _ outputs: [Buffer], _ context: PlanContext) throws -> Step {
        let x = inputs[0]!, y = outputs[0], indices = outputs.count > 1 ? outputs[1].int64s : nil
        let g = try window.poolGeometry(node, input: x.shape)
        let planes = x.shape[0] * x.shape[1], threads = context.threads, avx512 = context.instructionSet == .avx512
        return {
            parallelFor(planes, threads: threads) { range in
                for p in range {
                    MaxPool.plane(x.floats + p * g.inH * g.inW, g, y.floats + p * g.outH * g.outW,
                                  indices.map { $0 + p * g.outH * g.outW }, indexBase: p * g.inH * g.inW, avx512: avx512)
                }
            }
        }
    }

    /// Pools one [inH, inW] plane into [outH, outW]; with `indices`, also writes each
    /// maximum's flat offset (`indexBase` + offset in the plane). Windows fully inside
    /// the plane skip the bounds checks; with `avx512` (the CPU must have it), 2x2 stride-2
    /// windows without indices run as AVX-512 rows.
    static func plane(_ src: UnsafePointer<Float>, _ g: Geometry, _ dst: UnsafeMutablePointer<Float>,
                      _ indices: UnsafeMutablePointer<Int64>?, indexBase: Int, avx512: Bool) {
        let xlo = min(g.outW, (g.padLeft + g.sw - 1) / g.sw)
        let lastTap = (g.kw - 1) * g.dw - g.padLeft
        let xhi = max(xlo, min(g.outW, g.inW - 1 - lastTap < 0 ? 0 : (g.inW - 1 - lastTap) / g.sw + 1))
        for oy in 0..<g.outH {
            let kyLo = max(0, (g.padTop - oy * g.sh + g.dh - 1) / g.dh)
            let lastRow = g.inH - 1 - oy * g.sh + g.padTop
            let kyHi = lastRow < 0 ? 0 : min(g.kh, lastRow / g.dh + 1)
            let out = dst + oy * g.outW
            let idx = indices.map { $0 + oy * g.outW }
            func pool(_ ox: Int, checked: Bool) {
                var best = -Float.infinity, at = -1
                for ky in kyLo..<max(kyLo, kyHi) {
                    let rowStart = (oy &* g.sh &- g.padTop &+ ky &* g.dh) &* g.inW
                    for kx in 0..<g.kw {
                        let ix = ox &* g.sw &- g.padLeft &+ kx &* g.dw
                        if checked && (ix < 0 || ix >= g.inW) { continue }
                        let v = src[rowStart &+ ix]
                        if v > best || at < 0 { best = v; at = rowStart &+ ix }
                    }
                }
                out[ox] = best
                idx?[ox] = Int64(indexBase + max(at, 0))
            }
            for ox in 0..<xlo { pool(ox, checked: true) }
            if g.kh == 2, g.kw == 2, g.dh == 1, g.dw == 1, kyHi - kyLo == 2 {
                let top = (oy * g.sh - g.padTop) * g.inW - g.padLeft
                let r0 = src + top, r1 = r0 + g.inW
                if let idx {
                    let base = Int64(indexBase + top)
                    for ox in xlo..<xhi {
                        let i = ox &* g.sw
                        var best = r0[i], at = i
                        if r0[i &+ 1] > best { best = r0[i &+ 1]; at = i &+ 1 }
                        if r1[i] > best { best = r1[i]; at = i &+ g.inW }
                        if r1[i &+ 1] > best { best = r1[i &+ 1]; at = i &+ g.inW &+ 1 }
                        out[ox] = best
                        idx[ox] = base &+ Int64(at)
                    }
                } else if avx512, g.sw == 2 {
                    ss_max_pool_2x2_row(r0 + 2 * xlo, r1 + 2 * xlo, Int64(xhi - xlo), out + xlo)
                } else {
                    for ox in xlo..<xhi {
                        let i = ox &* g.sw
                        out[ox] = max(max(r0[i], r0[i &+ 1]), max(r1[i], r1[i &+ 1]))
                    }
                }
            } else if idx == nil, kyHi > kyLo {
                // A running maximum, one window tap at a time over the whole interior of the row.
                for ky in kyLo..<kyHi {
                    let top: Int = (oy &* g.sh &- g.padTop &+ ky &* g.dh) &* g.inW
                    let row = src + (top &- g.padLeft)
                    for kx in 0..<g.kw {
                        let tap = row + kx &* g.dw
                        if ky == kyLo && kx == 0 {
                            for ox in xlo..<xhi { out[ox] = tap[ox &* g.sw] }
                        } else {
                            for ox in xlo..<xhi { out[ox] = max(out[ox], tap[ox &* g.sw]) }
                        }
                    }
                }
            } else {
                for ox in xlo..<xhi { pool(ox, checked: false) }
            }
            for ox in xhi..<g.outW { pool(ox, checked: true) }
        }
    }

    /// Plain max pooling, the test oracle: X [N, C, H, W]; `pads` [top, left, bottom, right]
    /// never win; each index is the flat offset in X of the window's first maximum.
    static func reference(_ x: Tensor, kernel: [Int], strides: [Int], pads: [Int], dilations: [Int], ceilMode: Bool)
        -> (values: Tensor, indices: Int64Tensor) {
        let shape = [x.shape[0], x.shape[1]] + (0..<2).map {
            pooledLength(input: x.shape[$0 + 2], kernel: kernel[$0], stride: strides[$0], dilation: dilations[$0],
                         pads: (pads[$0], pads[$0 + 2]), ceilMode: ceilMode)
        }
        var values = Tensor(zeros: shape), indices = Int64Tensor(shape: shape, data: Array(repeating: 0, count: values.data.count))
        for index in allIndices(shape) {
            var best = -Float.infinity, at = -1
            for ky in 0..<kernel[0] {
                for kx in 0..<kernel[1] {
                    let iy = index[2] * strides[0] - pads[0] + ky * dilations[0], ix = index[3] * strides[1] - pads[1] + kx * dilations[1]
                    guard iy >= 0, iy < x.shape[2], ix >= 0, ix < x.shape[3] else { continue }
                    let source = [index[0], index[1], iy, ix]
                    if at < 0 || x[index: source] > best { (best, at) = (x[index: source], flatOffset(source, in: x.shape)) }
                }
            }
            values[index: index] = best
            indices[index: index] = Int64(at)
        }
        return (values, indices)
    }
}
