import CKernels

/// Depthwise convolution (group == C == M), one plane at a time: with AVX-512 and a
/// horizontal stride of 1 or 2, the `CKernels` rows read the input plane directly (masked
/// loads at its borders) with the epilogue fused; otherwise portable Swift SIMD8 reads a
/// `PaddedPlane` copy of the input plane, so all outputs are SIMD loads at fixed tap offsets
/// with no bounds checks, whatever the padding, stride or dilation.
struct DepthwiseConv {
    let g: Geometry
    let layout: PaddedPlane
    /// Per tap (ky, kx): its offset in the padded copy from the first tap of output (0, 0).
    let tapOffsets: [Int64]

    init(_ g: Geometry) {
        self.g = g
        let layout = PaddedPlane(g, outputRows: g.outH)
        self.layout = layout
        tapOffsets = (0..<g.kh).flatMap { ky in (0..<g.kw).map { kx in Int64(layout.tapOffset(ky: ky, kx: kx)) } }
    }

    /// Whether the AVX-512 rows can run this geometry (horizontal stride 1 or 2).
    var hasDirectRows: Bool { g.sw <= 2 }

    /// Scratch floats one plane needs on the portable path: the padded phase rows and one output block.
    var scratchFloats: Int { layout.floats + 8 }

    /// `y` [outH, outW] = activation(depthwise conv of `x` [inH, inW] with `w` [kh, kw] +
    /// `bias` + `residual` [outH, outW]) with the `CKernels` AVX-512 rows.
    /// - Precondition: `hasDirectRows`, and the CPU has AVX-512.
    func plane(_ x: UnsafePointer<Float>, _ w: UnsafePointer<Float>, bias: Float, residual: UnsafePointer<Float>?,
               activation: FusedActivation, _ y: UnsafeMutablePointer<Float>) {
        var conv = direct(inH: g.inH, inW: g.inW, outH: g.outH, padTop: g.padTop, padLeft: g.padLeft, activation: activation)
        ss_depthwise_direct(&conv, x, w, bias, residual, y)
        activation.after?.apply(y, g.outH * g.outW)
    }

    /// `outputRows` rows of `channels` planes of `y`, `outputStride` floats apart, from `rows`
    /// input rows of each that hold the padding too (zeros): input row r (the first padding row is
    /// 0) of channel c is row (`first` + r) % `ring` of x + c x `inputStride`, `rowWidth` floats
    /// each, the first padding column first. Weights `w` [channels, kh, kw], `bias` [channels] or nil.
    func ringRows(_ x: UnsafePointer<Float>, channels: Int, inputStride: Int, ring: Int, first: Int, rows: Int, rowWidth: Int,
                  outputRows: Int, _ w: UnsafePointer<Float>, bias: UnsafePointer<Float>?, activation: FusedActivation,
                  _ y: UnsafeMutablePointer<Float>, outputStride: Int) {
        var conv = direct(inH: rows, inW: rowWidth, outH: outputRows, padTop: 0, padLeft: 0, activation: activation,
                          ring: ring, first: first)
        ss_depthwise_direct_channels(&conv, Int64(channels), x, Int64(inputStride), w, bias, y, Int64(outputStride))
        if let after = activation.after {
            for c in 0..<channels { after.apply(y + c * outputStride, outputRows * g.outW) }
        }
    }

    /// The `CKernels` geometry of this conv's kernel, strides and dilations over the given
    /// input rows and output rows (input row r at row (`first` + r) % `ring` of the buffer).
    private func direct(inH: Int, inW: Int, outH: Int, padTop: Int, padLeft: Int, activation: FusedActivation,
                        ring: Int = .max, first: Int = 0) -> SSDepthwiseDirect {
        SSDepthwiseDirect(in_h: Int64(inH), in_w: Int64(inW), out_h: Int64(outH), out_w: Int64(g.outW), kh: Int64(g.kh),
                          kw: Int64(g.kw), stride_h: Int64(g.sh), stride_w: Int64(g.sw), dilation_h: Int64(g.dh),
                          dilation_w: Int64(g.dw), pad_top: Int64(padTop), pad_left: Int64(padLeft), activation: activation.kind,
                          alpha: activation.alpha, beta: activation.beta, ring_rows: Int64(ring), ring_first: Int64(first))
    }

    /// `y` [outH, outW] = depthwise conv of `x` [inH, inW] with `w` [kh, kw], using `scratch`
    /// (portable Swift SIMD8).
    func plane(_ x: UnsafePointer<Float>, _ w: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>,
               scratch: UnsafeMutablePointer<Float>) {
        layout.fill(from: x, into: scratch, avx512: false)
        let tail = scratch + layout.floats
        let rowStep = layout.rowStep, taps = g.kh * g.kw
        tapOffsets.withUnsafeBufferPointer { offsets in
            let offsets = offsets.baseAddress!
            for oy in 0..<g.outH {
                let base = UnsafePointer(scratch + oy &* rowStep), out = y + oy &* g.outW
                var ox = 0
                while ox &+ 32 <= g.outW {
                    var a0 = SIMD8<Float>(), a1 = SIMD8<Float>(), a2 = SIMD8<Float>(), a3 = SIMD8<Float>()
                    for t in 0..<taps {
                        let p = UnsafeRawPointer(base + (Int(offsets[t]) &+ ox)), wv = SIMD8<Float>(repeating: w[t])
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
                        acc += UnsafeRawPointer(base + (Int(offsets[t]) &+ ox)).loadUnaligned(as: SIMD8<Float>.self) * SIMD8<Float>(repeating: w[t])
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
}
