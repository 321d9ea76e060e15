import CKernels

/// The layout of a zero-padded copy of the part of one input plane that `outputRows`
/// consecutive output rows read, split into `sw` stride phases (phase q of a padded row
/// holds its columns q, q + sw, ...), that convolution kernels read instead of the input:
/// every tap of every output column is then a contiguous load at a fixed offset, with no
/// bounds checks whatever the padding, stride or dilation.
///
/// Padded row r is stored as `sw` phase rows of `phaseW` floats; output row oy (counted
/// from the first row copied) starts `rowStep * oy` floats into the copy, and tap (ky, kx)
/// sits `tapOffset(ky, kx)` after that.
struct PaddedPlane {
    let g: Geometry
    /// Columns of one phase row: the output columns rounded up to whole SIMD8 blocks, plus
    /// the columns the widest tap reaches past them, rounded up to whole 64-byte lines (so
    /// that every phase row of a 64-byte aligned copy starts on a line).
    let phaseW: Int
    /// Rows of the padded input that the windows of `outputRows` output rows reach.
    let paddedH: Int
    /// Whether some tap reads padded row r (mod `sh`; a 1x1 stride-2 kernel reads even rows
    /// only) and phase q: `fill` leaves the others unwritten.
    private let readsRow: [Bool], readsPhase: [Bool]

    init(_ g: Geometry, outputRows: Int) {
        self.g = g
        phaseW = (((g.outW + 7) & ~7) + (g.kw - 1) * g.dw / g.sw + 15) & ~15
        paddedH = (outputRows - 1) * g.sh + (g.kh - 1) * g.dh + 1
        readsRow = (0..<g.sh).map { r in (0..<g.kh).contains { $0 * g.dh % g.sh == r } }
        readsPhase = (0..<g.sw).map { q in (0..<g.kw).contains { $0 * g.dw % g.sw == q } }
    }

    /// Floats of one padded plane.
    var floats: Int { paddedH * g.sw * phaseW }

    /// Floats between the starts of consecutive output rows.
    var rowStep: Int { g.sh * g.sw * phaseW }

    /// Offset of tap (ky, kx) from the start of its output row.
    func tapOffset(ky: Int, kx: Int) -> Int {
        let t = kx * g.dw
        return (ky * g.dh * g.sw + t % g.sw) * phaseW + t / g.sw
    }

    /// Writes the padded phase rows of `x` [inH, inW] that output rows from `firstRow` on
    /// read into `padded` (`floats` long), zero outside `x` (rows and phases no tap reads are
    /// left as they were); with `avx512` (the CPU must have it) a stride-2 copy runs as
    /// AVX-512 shuffles.
    func fill(from x: UnsafePointer<Float>, firstRow: Int = 0, into padded: UnsafeMutablePointer<Float>, avx512: Bool) {
        for r in 0..<paddedH where readsRow[r % g.sh] {
            let iy = firstRow * g.sh + r - g.padTop
            for q in 0..<g.sw where readsPhase[q] {
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
                } else if avx512 {
                    ss_gather_strided(src + lo * g.sw, Int64(g.sw), Int64(hi - lo), dst + lo, 1)
                } else {
                    for j in lo..<hi { dst[j] = src[j &* g.sw] }
                }
                (dst + hi).update(repeating: 0, count: phaseW - hi)
            }
        }
    }
}
