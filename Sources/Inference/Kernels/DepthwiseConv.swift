/// Depthwise convolution (group == C == M) of one plane at a time, through a zero-padded copy
/// of the input plane split into `sw` stride phases (phase q holds input columns q, q + sw, ...).
/// Every tap of every output column is then a contiguous load at a fixed offset, so all
/// outputs run as SIMD8 with no bounds checks, whatever the padding, stride or dilation.
struct DepthwiseConv {
    let g: Geometry
    /// Output columns rounded up to whole SIMD8 blocks.
    let blockedOutW: Int
    /// Columns of one phase row of the padded input.
    let phaseW: Int
    /// Rows of the padded input that the windows reach.
    let paddedH: Int
    /// Per tap (ky, kx): its offset in the padded copy from the first tap of output (0, 0).
    let tapOffsets: [Int]

    init(_ g: Geometry) {
        self.g = g
        blockedOutW = (g.outW + 7) & ~7
        phaseW = blockedOutW + (g.kw - 1) * g.dw / g.sw
        paddedH = (g.outH - 1) * g.sh + (g.kh - 1) * g.dh + 1
        var offsets: [Int] = []
        for ky in 0..<g.kh {
            for kx in 0..<g.kw {
                let t = kx * g.dw
                offsets.append((ky * g.dh * g.sw + t % g.sw) * phaseW + t / g.sw)
            }
        }
        tapOffsets = offsets
    }

    /// Scratch floats one plane needs: the padded phase rows and one output block.
    var scratchFloats: Int { paddedH * g.sw * phaseW + 8 }

    /// `y` [outH, outW] = depthwise conv of `x` [inH, inW] with `w` [kh, kw], using `scratch`.
    func plane(_ x: UnsafePointer<Float>, _ w: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>,
               scratch: UnsafeMutablePointer<Float>) {
        pad(x, into: scratch)
        let tail = scratch + paddedH * g.sw * phaseW
        let rowStep = g.sh * g.sw * phaseW, taps = g.kh * g.kw
        tapOffsets.withUnsafeBufferPointer { offsets in
            let offsets = offsets.baseAddress!
            for oy in 0..<g.outH {
                let base = UnsafePointer(scratch + oy &* rowStep), out = y + oy &* g.outW
                var ox = 0
                while ox &+ 32 <= g.outW {
                    var a0 = SIMD8<Float>(), a1 = SIMD8<Float>(), a2 = SIMD8<Float>(), a3 = SIMD8<Float>()
                    for t in 0..<taps {
                        let p = UnsafeRawPointer(base + (offsets[t] &+ ox)), wv = SIMD8<Float>(repeating: w[t])
                        a0 += p.loadUnaligned(as: SIMD8<Float>.self) * wv
                        a1 += p.loadUnaligned(fromByteOffset: 32, as: SIMD8<Float>.self) * wv
                        a2 += p.loadUnaligned(fromByteOffset: 64, as: SIMD8<Float>.self) * wv
                        a3 += p.loadUnaligned(fromByteOffset: 96, as: SIMD8<Float>.self) * wv
                    }
                    let o = UnsafeMutableRawPointer(out + ox)
                    o.storeBytes(of: a0, as: SIMD8<Float>.self)
                    o.storeBytes(of: a1, toByteOffset: 32, as: SIMD8<Float>.self)
                    o.storeBytes(of: a2, toByteOffset: 64, as: SIMD8<Float>.self)
                    o.storeBytes(of: a3, toByteOffset: 96, as: SIMD8<Float>.self)
                    ox &+= 32
                }
                while ox < g.outW {
                    var acc = SIMD8<Float>()
                    for t in 0..<taps {
                        acc += UnsafeRawPointer(base + (offsets[t] &+ ox)).loadUnaligned(as: SIMD8<Float>.self) * SIMD8<Float>(repeating: w[t])
                    }
                    if ox &+ 8 <= g.outW {
                        UnsafeMutableRawPointer(out + ox).storeBytes(of: acc, as: SIMD8<Float>.self)
                    } else {
                        UnsafeMutableRawPointer(tail).storeBytes(of: acc, as: SIMD8<Float>.self)
                        (out + ox).update(from: tail, count: g.outW - ox)
                    }
                    ox &+= 8
                }
            }
        }
    }

    /// Writes the padded input rows, each as `sw` phase rows of `phaseW` columns, zero outside `x`.
    private func pad(_ x: UnsafePointer<Float>, into padded: UnsafeMutablePointer<Float>) {
        for r in 0..<paddedH {
            let iy = r - g.padTop
            for q in 0..<g.sw {
                let dst = padded + (r * g.sw + q) * phaseW
                guard iy >= 0, iy < g.inH else {
                    dst.update(repeating: 0, count: phaseW)
                    continue
                }
                let (lo, hi) = Conv.validRange(out: phaseW, stride: g.sw, offset: q - g.padLeft, size: g.inW)
                let src = x + iy * g.inW + q - g.padLeft
                dst.update(repeating: 0, count: lo)
                if g.sw == 1 {
                    (dst + lo).update(from: src + lo, count: hi - lo)
                } else {
                    for j in lo..<hi { dst[j] = src[j &* g.sw] }
                }
                (dst + hi).update(repeating: 0, count: phaseW - hi)
            }
        }
    }
}
