import CKernels

/// Convolution as a GEMM that reads its columns straight from the input instead of an
/// im2col copy, NCHW Float32: X [N, C, H, W], W [M, C/group, kh, kw], any kernel, stride,
/// padding, dilation and group count. X may be the parts of a channel concatenation that
/// was never written (`ChannelSources`).
///
/// The `CKernels` AVX-512 tiles multiply weights packed in blocks of
/// `SS_CONV_BLOCK` output channels with K = C/group x kh x kw taps, each tap a load at a
/// fixed offset: into X itself when the conv has no padding and horizontal stride 1, else
/// into a `PaddedPlane` copy of the input rows that a band of output rows reads, made by
/// the worker right before it multiplies the band, so the copy stays in its cache. An
/// unpadded 1x1 conv, whatever its stride, reads X through chunks of taps packed into
/// worker scratch (see `ss_conv_gemm`).
/// Bias, a same-shape residual and the activation are applied as each tile is stored
/// (Sigmoid and Tanh right after, on the rows just written).
///
/// Work units (bands of rows, or column ranges of a 1x1 conv) are claimed by whichever
/// thread is free; while it computes one, a thread prefetches what its next one reads.
final class DirectConv {
    let g: Geometry
    let images: Int, group: Int
    /// Input and output channels per group.
    let cg: Int, mg: Int
    /// Output rows per work unit (with `layout`, per padded copy).
    let bandRows: Int
    /// The layout of one band's padded copy of one channel, or nil when taps read X directly.
    let layout: PaddedPlane?
    /// True for an unpadded 1x1 conv: `ss_conv_gemm` packs its taps.
    let packsTaps: Bool
    /// True for an unpadded 1x1 stride-1 conv: its output plane is one long row, cut into
    /// `flatColumns`-wide units.
    let flat: Bool
    let flatColumns: Int
    /// Weights for `taps` = cg x kh x kw.
    let weights: PackedConvWeights
    let sources: ChannelSources
    /// Per tap, its offset from the first tap of an output: in the padded copy ([taps]), or,
    /// when taps read X directly, from the group's first input plane ([images x group][taps]).
    let tapOffsets: UnsafeMutablePointer<Int64>
    let taps: Int
    /// Whether the output is stored past the caches (`streams(outputFloats:)`).
    let streamsOutput: Bool

    /// Floats of padded copy per band (all channels of a group) that `bandRows` aims below.
    static let bandBudget = 1 << 18
    /// Floats of input a 1x1 conv's unit reads at most (some columns or rows of each input
    /// plane): few enough to prefetch into L2 while the unit before it runs.
    static let unitInputFloats = 1 << 16
    /// Outputs larger than this many bytes are stored past the caches: they would not stay
    /// there for the next step anyway, and streaming spares the read of each line before it
    /// is written (1x1 convs expanding channels at high resolution are bound by that).
    static let streamedOutputBytes = 16 << 20

    /// - Parameter sources: X's planes, `images` x C of them.
    /// - Precondition: the CPU has AVX-512 (`InstructionSet.best == .avx512`).
    init(_ g: Geometry, sources: ChannelSources, outputChannels m: Int, group: Int, images: Int, threads: Int) {
        let c = sources.channels
        self.g = g
        self.sources = sources
        self.images = images
        self.group = group
        cg = c / group
        mg = m / group
        taps = cg * g.kh * g.kw
        streamsOutput = DirectConv.streams(outputFloats: images * m * g.outH * g.outW)
        weights = PackedConvWeights(outputs: mg, taps: taps, groups: group)
        // Enough units that every thread gets at least two.
        let wanted = max(1, (2 * threads + images * group - 1) / (images * group))
        let unpadded = g.padTop + g.padLeft + g.padBottom + g.padRight == 0
        packsTaps = unpadded && g.kh == 1 && g.kw == 1
        let direct = unpadded && (g.sw == 1 || packsTaps)
        flat = packsTaps && g.sh == 1 && g.sw == 1
        flatColumns = max(256, min((g.outH * g.outW + wanted - 1) / wanted, DirectConv.unitInputFloats / cg & ~127))
        var rows = max(1, (g.outH + wanted - 1) / wanted)
        if !direct {
            while rows > 1, cg * PaddedPlane(g, outputRows: rows).floats > DirectConv.bandBudget { rows = (rows + 1) / 2 }
        } else if packsTaps {
            while rows > 1, cg * rows * g.sh * g.inW > DirectConv.unitInputFloats { rows = (rows + 1) / 2 }
        }
        bandRows = rows
        let layout = direct ? nil : PaddedPlane(g, outputRows: rows)
        self.layout = layout
        if let layout {
            tapOffsets = .allocate(capacity: taps)
            var k = 0
            for ci in 0..<cg {
                for ky in 0..<g.kh {
                    for kx in 0..<g.kw {
                        tapOffsets[k] = Int64(ci * layout.floats + layout.tapOffset(ky: ky, kx: kx))
                        k += 1
                    }
                }
            }
        } else {
            // Input planes may lie in separate buffers (concatenation parts): offsets from the
            // group's first plane, per image and group.
            tapOffsets = .allocate(capacity: images * group * taps)
            var k = 0
            for i in 0..<images {
                for gi in 0..<group {
                    let first = Int(bitPattern: sources.plane(image: i, channel: gi * cg))
                    for ci in 0..<cg {
                        let plane = (Int(bitPattern: sources.plane(image: i, channel: gi * cg + ci)) - first) / MemoryLayout<Float>.stride
                        for ky in 0..<g.kh {
                            for kx in 0..<g.kw {
                                tapOffsets[k] = Int64(plane + ky * g.dh * g.inW + kx * g.dw)
                                k += 1
                            }
                        }
                    }
                }
            }
        }
    }

    deinit { tapOffsets.deallocate() }

    /// Whether an output of `floats` floats goes past the caches (see `streamedOutputBytes`).
    static func streams(outputFloats floats: Int) -> Bool { floats * MemoryLayout<Float>.stride > streamedOutputBytes }

    /// Floats of scratch one worker needs: its padded copy, or the chunks `ss_conv_gemm`
    /// packs (`packsTaps`), or none.
    var scratchFloats: Int { layout.map { $0.floats * cg } ?? (packsTaps ? Int(SS_CONV_PACK_FLOATS) : 0) }

    /// Work units per image and group: column ranges when `flat`, else bands of rows.
    var unitsPerGroup: Int {
        flat ? (g.outH * g.outW + flatColumns - 1) / flatColumns : (g.outH + bandRows - 1) / bandRows
    }

    /// The step computing `y` from `sources` with weights `w` (packed now when `constantWeights`,
    /// else at every run), optional `bias` [M] and same-shape `residual`, then `activation`.
    func step(w: Buffer, constantWeights: Bool, bias: UnsafeMutablePointer<Float>?, residual: Buffer?,
              activation: Activation?, y: Buffer, context: PlanContext) -> Step {
        let activation = FusedActivation(activation)
        return packedConvStep(w: w, constantWeights: constantWeights, pack: weights.pack, units: images * group * unitsPerGroup,
                              scratchFloats: scratchFloats, context: context) { [self] u, next, copy in
            run(unit: u, next: next, bias: bias, residual: residual?.floats, activation: activation, y: y.floats, copy: copy)
        }
    }

    /// Where work unit `u` lies: its image, group and, within the group's output planes, the
    /// first output and the rows and columns it computes.
    private func place(unit u: Int) -> (image: Int, group: Int, first: Int, rows: Int, cols: Int, firstRow: Int) {
        let perGroup = unitsPerGroup, i = u / (group * perGroup), gi = (u / perGroup) % group, part = u % perGroup
        if flat {
            let first = part * flatColumns
            return (i, gi, first, 1, min(flatColumns, g.outH * g.outW - first), 0)
        }
        let r0 = part * bandRows
        return (i, gi, r0 * g.outW, min(bandRows, g.outH - r0), g.outW, r0)
    }

    /// Computes work unit `u`, padding its input rows into `copy` first when taps read a
    /// padded copy, and prefetching what unit `next` (the one this worker computes next)
    /// reads as it goes.
    private func run(unit u: Int, next: Int?, bias: UnsafeMutablePointer<Float>?,
                     residual: UnsafeMutablePointer<Float>?, activation: FusedActivation, y: UnsafeMutablePointer<Float>,
                     copy: UnsafeMutablePointer<Float>) {
        let (i, gi, first, rows, cols, r0) = place(unit: u)
        let outPlane = g.outH * g.outW
        let groupInput = sources.plane(image: i, channel: gi * cg)
        var input: UnsafePointer<Float>, inputRow: Int
        var offsets = tapOffsets
        if flat {
            (input, inputRow) = (UnsafePointer(groupInput + first), 0)
            offsets += (i * group + gi) * taps
        } else if let layout {
            for ci in 0..<cg {
                layout.fill(from: sources.plane(image: i, channel: gi * cg + ci), firstRow: r0, into: copy + ci * layout.floats,
                            avx512: true)
            }
            (input, inputRow) = (UnsafePointer(copy), layout.rowStep)
        } else {
            (input, inputRow) = (UnsafePointer(groupInput + r0 * g.sh * g.inW), g.sh * g.inW)
            offsets += (i * group + gi) * taps
        }
        let outBase = (i * group + gi) * mg * outPlane + first
        var conv = SSConvGemm(weights: weights.floats + gi * weights.perGroup, tap_offsets: offsets, channels: Int64(mg),
                              taps: Int64(taps), bias: bias.map { UnsafePointer($0 + gi * mg) }, activation: activation.kind,
                              alpha: activation.alpha, beta: activation.beta, stream_output: streamsOutput ? 1 : 0,
                              pack: packsTaps ? copy : nil, column_step: Int64(packsTaps ? g.sw : 1))
        withUnsafeTemporaryAllocation(of: SSPrefetchRuns.self, capacity: sources.parts.count + 1) { upcoming in
            let count = next.map { readRuns(unit: $0, residual: residual, into: upcoming) } ?? 0
            ss_conv_gemm(&conv, input, Int64(inputRow), y + outBase, residual.map { UnsafePointer($0 + outBase) },
                         Int64(g.outW), Int64(outPlane), Int64(rows), Int64(cols), upcoming.baseAddress, Int64(count))
        }
        if let after = activation.after {
            for o in 0..<mg { after.apply(y + outBase + o * outPlane, rows * cols) }
        }
    }

    /// Writes the stretches of memory unit `u` reads into `runs`: per part of `sources` that
    /// its group's channels come from, the input rows or columns of those planes, then its
    /// part of `residual`. Returns how many runs it wrote.
    private func readRuns(unit u: Int, residual: UnsafeMutablePointer<Float>?, into runs: UnsafeMutableBufferPointer<SSPrefetchRuns>) -> Int {
        let (i, gi, first, rows, cols, r0) = place(unit: u)
        var start: Int, length: Int
        if flat {
            (start, length) = (first, cols)
        } else {
            let firstRow = max(0, r0 * g.sh - g.padTop), endRow = min(g.inH, (r0 + rows - 1) * g.sh - g.padTop + (g.kh - 1) * g.dh + 1)
            (start, length) = (firstRow * g.inW, (endRow - firstRow) * g.inW)
        }
        var count = 0, channel = gi * cg
        let end = channel + cg
        while length > 0, channel < end {
            let inPart = sources.channelsInPart(from: channel, upTo: end)
            runs[count] = SSPrefetchRuns(base: sources.plane(image: i, channel: channel) + start, count: Int64(inPart),
                                         stride: Int64(sources.planeSize), length: Int64(length))
            count += 1
            channel += inPart
        }
        if let residual {
            let outPlane = g.outH * g.outW
            runs[count] = SSPrefetchRuns(base: residual + (i * group + gi) * mg * outPlane + first, count: Int64(mg),
                                         stride: Int64(outPlane), length: Int64(rows * cols))
            count += 1
        }
        return count
    }
}

/// Where each input plane of a convolution lies: one NCHW tensor, or the parts of a
/// concatenation along channels (a Concat fused into the Conv reading it), in order.
struct ChannelSources {
    let parts: [(floats: UnsafeMutablePointer<Float>, channels: Int)]
    /// Floats per plane (H x W).
    let planeSize: Int

    var channels: Int { parts.reduce(0) { $0 + $1.channels } }

    /// The plane of input `channel` (counted across the parts) of image `image`.
    func plane(image: Int, channel: Int) -> UnsafeMutablePointer<Float> {
        var c = channel
        for part in parts {
            if c < part.channels { return part.floats + (image * part.channels + c) * planeSize }
            c -= part.channels
        }
        preconditionFailure("channel \(channel) past the \(channels) input channels")
    }

    /// Every plane, image by image: entry i x channels + c is `plane(image: i, channel: c)`.
    /// The caller deallocates it.
    func planeTable(images: Int) -> UnsafeMutablePointer<UnsafePointer<Float>?> {
        let table = UnsafeMutablePointer<UnsafePointer<Float>?>.allocate(capacity: images * channels)
        for i in 0..<images {
            for c in 0..<channels { table[i * channels + c] = UnsafePointer(plane(image: i, channel: c)) }
        }
        return table
    }

    /// How many channels from `channel` on, before `end`, lie in the same part as `channel`
    /// (their planes one after another).
    func channelsInPart(from channel: Int, upTo end: Int) -> Int {
        var first = 0
        for part in parts {
            if channel < first + part.channels { return min(end, first + part.channels) - channel }
            first += part.channels
        }
        preconditionFailure("channel \(channel) past the \(channels) input channels")
    }
}

/// An epilogue activation split for the `CKernels` stores: what they apply as they store
/// (`kind` with `alpha`, `beta`), and what the caller applies after (the rest: Sigmoid, Tanh,
/// GELU, ...).
struct FusedActivation {
    var kind = SSActivationNone
    var alpha: Float = 0, beta: Float = 0
    var after: Activation?

    init(_ activation: Activation?) {
        switch activation {
        case nil: break
        case .relu: kind = SSActivationRelu
        case .clip(let lo, let hi): (kind, alpha, beta) = (SSActivationClip, lo, hi)
        case .leakyRelu(let a): (kind, alpha) = (SSActivationLeakyRelu, a)
        case .hardSigmoid(let a, let b): (kind, alpha, beta) = (SSActivationHardSigmoid, a, b)
        case .hardSwish: kind = SSActivationHardSwish
        case .sigmoid, .tanh, .gelu, .erf, .sqrt, .reciprocal, .exp, .log, .neg, .abs, .floor, .ceil, .round, .sign: after = activation
        }
    }
}
