import COpenBLAS

/// Stride-1 single-group convs as one sgemm per kernel tap over the output rectangle where that
/// tap reads the input rather than padding. Atrous convs on small maps (ASPP: dilation 12-36 on a
/// 16x32 map) read padding with most taps: those are skipped, so the work is what the valid taps
/// need, not kh x kw times the output. Workers own bands of output rows and run every tap on
/// their band, so no two write the same outputs.
final class ShiftedTapConv {
    /// One kernel position: its offset into the input and the output rows and columns where
    /// that offset lands inside the input.
    struct Tap {
        var index: Int
        var dy, dx: Int
        var rows: Range<Int>
        var columns: Range<Int>
    }

    let g: Geometry
    let taps: [Tap]
    let channels: Int
    let outputChannels: Int
    let images: Int
    /// Output rows per task.
    let band: Int
    /// Weights as one [M, C] matrix per tap.
    private let packed: Memory

    /// Taps that land in the input somewhere, with their valid output rectangles.
    static func taps(_ g: Geometry) -> [Tap] {
        var taps: [Tap] = []
        for ky in 0..<g.kh {
            for kx in 0..<g.kw {
                let dy = ky * g.dh - g.padTop, dx = kx * g.dw - g.padLeft
                let (top, bottom) = (max(0, -dy), min(g.outH, g.inH - dy)), (left, right) = (max(0, -dx), min(g.outW, g.inW - dx))
                guard top < bottom, left < right else { continue }
                taps.append(Tap(index: ky * g.kw + kx, dy: dy, dx: dx, rows: top..<bottom, columns: left..<right))
            }
        }
        return taps
    }

    /// Stride 1, one group, dilated, and either at most 60% of the taps' work reads the input
    /// (below that the skipped taps outweigh what Winograd or the direct tiles would save) or a
    /// dilation of 8 or more (Winograd's dilated tiles, 2d rows tall, then fit the map badly:
    /// DeepLabV3's rate-12 ASPP conv on a 32x64 map took 109 ms as Winograd, 53 as taps).
    static func suits(_ g: Geometry, group: Int) -> Bool {
        guard g.sh == 1, g.sw == 1, group == 1, g.dh > 1 || g.dw > 1, g.outH > 0, g.outW > 0 else { return false }
        if max(g.dh, g.dw) >= 8 { return true }
        let valid = taps(g).reduce(0) { $0 + $1.rows.count * $1.columns.count }
        return valid * 5 <= g.kh * g.kw * g.outH * g.outW * 3
    }

    init(_ g: Geometry, channels c: Int, outputChannels m: Int, images: Int, threads: Int) {
        self.g = g
        taps = ShiftedTapConv.taps(g)
        channels = c
        outputChannels = m
        self.images = images
        band = Conv.bandSize(total: g.outH, perUnit: (c + m) * g.outW, images: images, threads: threads, minimum: 1)
        packed = Memory(bytes: g.kh * g.kw * m * c * MemoryLayout<Float>.stride)
    }

    /// Floats of scratch one worker needs: the shifted input and the product of one tap's band.
    var scratchFloats: Int { (channels + outputChannels) * band * g.outW }

    /// Reorders W [M, C, kh, kw] into one [M, C] matrix per tap.
    func pack(_ w: UnsafePointer<Float>) {
        let p = packed.raw.assumingMemoryBound(to: Float.self), taps = g.kh * g.kw, mc = outputChannels * channels
        for i in 0..<mc { for t in 0..<taps { p[t * mc + i] = w[i * taps + t] } }
    }

    func step(x: Buffer, w: Buffer, constantWeights: Bool, y: Buffer, epilogue: ConvEpilogue, context: PlanContext) -> Step {
        if constantWeights { pack(w.floats) }
        let bands = (g.outH + band - 1) / band, workers = min(context.threads, images * bands), slice = scratchFloats
        context.scratch.reserve(floats: slice * workers)
        let scratch = context.scratch
        return { [self] in
            if !constantWeights { pack(w.floats) }
            parallelChunks(images * bands, threads: workers) { worker, tasks in
                for t in tasks {
                    let image = t / bands, rows = (t % bands) * band..<min(g.outH, (t % bands + 1) * band)
                    run(image: image, rows: rows, x: x.floats, y: y.floats, scratch: scratch.floats + worker * slice)
                    epilogue.apply(y.floats, image: image, channels: 0..<outputChannels, plane: g.outH * g.outW,
                                   columns: rows.lowerBound * g.outW..<rows.upperBound * g.outW)
                }
            }
        }
    }

    /// Output rows `rows` of one image: zeroed, then each tap's product added where it is valid.
    private func run(image: Int, rows: Range<Int>, x: UnsafePointer<Float>, y: UnsafeMutablePointer<Float>,
                     scratch: UnsafeMutablePointer<Float>) {
        let (c, m) = (channels, outputChannels), inPlane = g.inH * g.inW, outPlane = g.outH * g.outW
        let xi = x + image * c * inPlane, yi = y + image * m * outPlane
        for ch in 0..<m { (yi + ch * outPlane + rows.lowerBound * g.outW).update(repeating: 0, count: rows.count * g.outW) }
        let weights = packed.raw.assumingMemoryBound(to: Float.self)
        let shifted = scratch, product = scratch + c * band * g.outW
        for tap in taps {
            let (top, bottom) = (max(rows.lowerBound, tap.rows.lowerBound), min(rows.upperBound, tap.rows.upperBound))
            guard top < bottom else { continue }
            let r = top..<bottom
            let cols = tap.columns, n = r.count * cols.count, wt = weights + tap.index * m * c
            if cols.count == g.outW, g.inW == g.outW {
                // Whole rows: the shifted input and the output rows are contiguous; add in place.
                let source = xi + (r.lowerBound + tap.dy) * g.inW + tap.dx
                cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(m), Int32(n), Int32(c), 1, wt, Int32(c),
                            source, Int32(inPlane), 1, yi + r.lowerBound * g.outW, Int32(outPlane))
                continue
            }
            for ch in 0..<c {
                for (k, row) in r.enumerated() {
                    (shifted + ch * n + k * cols.count).update(from: xi + ch * inPlane + (row + tap.dy) * g.inW + cols.lowerBound + tap.dx,
                                                               count: cols.count)
                }
            }
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(m), Int32(n), Int32(c), 1, wt, Int32(c),
                        shifted, Int32(n), 0, product, Int32(n))
            for ch in 0..<m {
                for (k, row) in r.enumerated() {
                    let out = yi + ch * outPlane + row * g.outW + cols.lowerBound, source = product + ch * n + k * cols.count
                    for j in 0..<cols.count { out[j] += source[j] }
                }
            }
        }
    }
}
