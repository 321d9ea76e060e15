import CKernels

/// The AVX-512 computation of a `DepthwiseBlock`: 1x1 expand, depthwise and (when the block has
/// one) 1x1 project, strip by strip of output rows, so the expanded and depthwise tensors stay
/// in the worker's L2 instead of going to memory and back.
///
/// Each worker holds a ring of expanded rows per channel, padding included (zero rows and
/// columns), so the depthwise rows read them without bound checks. Per strip, the expand
/// multiplies the input rows the strip's depthwise reads that the ring does not hold yet, the
/// depthwise rows read the ring into the worker's depthwise rows (or into Y, without a
/// project), and the project multiplies those into Y, adding the residual (often X itself, just
/// read by the expand and still in cache). While it projects, the worker prefetches the input
/// rows and residual of the next strip. A work unit is an image's band of strips; each band
/// expands its first rows itself.
final class DepthwiseBlockStrips {
    let depthwise: DepthwiseConv
    /// The depthwise geometry: its input is the expanded tensor, as high and wide as X.
    var g: Geometry { depthwise.g }
    let images: Int
    /// Channels of X, of the expanded tensor, and of Y (the project's output, or the depthwise
    /// conv's without a project).
    let inputs: Int, expanded: Int, outputs: Int
    /// Depthwise output rows per strip, and per work unit (a multiple of `stripRows`).
    let stripRows: Int, bandRows: Int
    /// Rows in each channel's ring: the expanded rows (padding rows included) one strip reads.
    let ringRows: Int
    /// Floats per ring row: the padding columns on both sides, and slack so that the depthwise
    /// rows' last loads stay inside the row.
    let rowWidth: Int
    /// Floats per channel of the worker's depthwise rows: a strip's outputs, rounded to an odd
    /// number of cache lines so the project's taps fall in different L1 sets.
    let depthwiseStride: Int
    /// The expand's and (nil without a project) the project's packed weights.
    let expandWeights: PackedConvWeights, projectWeights: PackedConvWeights?
    /// X's planes, `images` x `inputs` of them (the parts of a concatenation, maybe).
    let sources: ChannelSources
    /// Tap k of the expand is X's channel k, from the image's first plane ([images][inputs]); of
    /// the project, the worker's depthwise channel k.
    let expandOffsets: UnsafeMutablePointer<Int64>, projectOffsets: UnsafeMutablePointer<Int64>
    /// Whether Y is stored past the caches (`DirectConv.streams(outputFloats:)`).
    let streamsOutput: Bool

    /// Floats of rings plus depthwise rows one worker holds at most by default: well inside a
    /// 2 MiB L2, with room for the input rows and the output.
    static let defaultBudget = 1 << 18

    /// - Parameters: g: the depthwise conv's geometry; `sources` (X) -> `expanded` -> `projected`
    ///   channels (nil: no project); budget: floats of rings and depthwise rows per worker that
    ///   strips aim below.
    init(_ g: Geometry, sources: ChannelSources, images: Int, expanded: Int, projected: Int?, threads: Int,
         budget: Int = defaultBudget) {
        depthwise = DepthwiseConv(g)
        self.images = images
        self.sources = sources
        let inputs = sources.channels
        self.inputs = inputs
        self.expanded = expanded
        let outputs = projected ?? expanded
        self.outputs = outputs
        streamsOutput = DirectConv.streams(outputFloats: images * outputs * g.outH * g.outW)
        func readRows(_ rows: Int) -> Int { (rows - 1) * g.sh + (g.kh - 1) * g.dh + 1 }
        let rowWidth = (g.padLeft + g.inW + g.padRight + g.sw + 15) & ~15
        var rows = g.outH
        while rows > 1, expanded * (readRows(rows) * rowWidth + (projected == nil ? 0 : rows * g.outW)) > budget { rows -= 1 }
        stripRows = rows
        ringRows = readRows(rows)
        self.rowWidth = rowWidth
        // Enough bands that every thread gets at least two.
        let wanted = max(1, (2 * threads + images - 1) / images)
        let strips = (g.outH + rows - 1) / rows
        bandRows = (strips + wanted - 1) / wanted * rows
        expandWeights = PackedConvWeights(outputs: expanded, taps: inputs)
        projectWeights = projected.map { PackedConvWeights(outputs: $0, taps: expanded) }
        expandOffsets = .allocate(capacity: images * inputs)
        for i in 0..<images {
            let first = sources.plane(image: i, channel: 0)
            for k in 0..<inputs { expandOffsets[i * inputs + k] = Int64(sources.plane(image: i, channel: k) - first) }
        }
        projectOffsets = .allocate(capacity: expanded)
        let lines = (rows * g.outW + 15) / 16
        depthwiseStride = (lines | 1) * 16
        for k in 0..<expanded { projectOffsets[k] = Int64(k * depthwiseStride) }
    }

    deinit {
        expandOffsets.deallocate()
        projectOffsets.deallocate()
    }

    var units: Int { images * ((g.outH + bandRows - 1) / bandRows) }

    /// Floats of a channel's ring.
    private var ringFloats: Int { ringRows * rowWidth }

    /// Floats of scratch per worker: rings, depthwise rows (with a project), and the expand's packed taps.
    var scratchFloats: Int { expanded * (ringFloats + (projectWeights == nil ? 0 : depthwiseStride)) + Int(SS_CONV_PACK_FLOATS) }

    /// The expanded rows that depthwise output rows `rows` read, padding rows (outside 0..<inH) included.
    private func readRows(_ rows: Range<Int>) -> Range<Int> {
        let first = rows.lowerBound * g.sh - g.padTop
        return first..<((rows.upperBound - 1) * g.sh - g.padTop + (g.kh - 1) * g.dh + 1)
    }

    /// The weights and epilogue of one of the convs (weights [M, C, kh, kw] as ONNX stores them).
    struct Stage {
        var weights: UnsafePointer<Float>
        var bias: UnsafePointer<Float>?
        var activation: FusedActivation
    }

    /// The step computing `y` from `sources` (and `residual`, Y's shape, when given).
    func step(expand: Stage, depthwise dw: Stage, project: Stage?, residual: Buffer?, y: Buffer,
              context: PlanContext) -> Step {
        expandWeights.pack(expand.weights)
        if let project { projectWeights?.pack(project.weights) }
        let units = units, workers = min(context.threads, units), slice = scratchFloats, scratch = context.scratch
        scratch.reserve(floats: slice * workers)
        return { [self] in
            parallelClaimed(units, threads: workers, grain: 1) { worker, range in
                for u in range {
                    run(unit: u, expand: expand, depthwise: dw, project: project, residual: residual?.floats,
                        y: y.floats, scratch: scratch.floats + worker * slice)
                }
            }
        }
    }

    private func run(unit u: Int, expand: Stage, depthwise dw: Stage, project: Stage?,
                     residual: UnsafeMutablePointer<Float>?, y: UnsafeMutablePointer<Float>, scratch: UnsafeMutablePointer<Float>) {
        let bands = (g.outH + bandRows - 1) / bandRows, i = u / bands, r0 = (u % bands) * bandRows
        let band = r0..<min(g.outH, r0 + bandRows)
        let outPlane = g.outH * g.outW
        let rings = scratch, depthwiseRows = rings + expanded * ringFloats
        let pack = depthwiseRows + (project == nil ? 0 : expanded * depthwiseStride)
        let image = sources.plane(image: i, channel: 0)
        let output = y + i * outputs * outPlane, added = residual.map { $0 + i * outputs * outPlane }
        var expandConv = SSConvGemm(weights: expandWeights.floats, tap_offsets: expandOffsets + i * inputs, channels: Int64(expanded),
                                    taps: Int64(inputs), bias: expand.bias, activation: expand.activation.kind,
                                    alpha: expand.activation.alpha, beta: expand.activation.beta, stream_output: 0,
                                    pack: pack, column_step: 1)
        // Expanded row r lies in ring row (r - base) % ringRows of every channel's ring.
        let base = readRows(band.lowerBound..<(band.lowerBound + 1)).lowerBound
        func slot(_ row: Int) -> Int { (row - base) % ringRows }
        /// Expands (or zeroes, outside the plane) rows `rows`, which lie in consecutive ring rows.
        func fill(_ rows: Range<Int>) {
            let at = rings + slot(rows.lowerBound) * rowWidth
            let inside = rows.clamped(to: 0..<g.inH)
            guard !inside.isEmpty else {
                for ch in 0..<expanded { (at + ch * ringFloats).update(repeating: 0, count: rows.count * rowWidth) }
                return
            }
            // A row's padding columns are zeroed where it is written, so stale rows never leak in.
            for ch in 0..<expanded {
                for r in rows {
                    let row = at + ch * ringFloats + (r - rows.lowerBound) * rowWidth
                    if inside.contains(r) {
                        row.update(repeating: 0, count: g.padLeft)
                        (row + g.padLeft + g.inW).update(repeating: 0, count: rowWidth - g.padLeft - g.inW)
                    } else {
                        row.update(repeating: 0, count: rowWidth)
                    }
                }
            }
            let first = at + (inside.lowerBound - rows.lowerBound) * rowWidth + g.padLeft
            ss_conv_gemm(&expandConv, image + inside.lowerBound * g.inW, Int64(g.inW), first, nil, Int64(rowWidth),
                         Int64(ringFloats), Int64(inside.count), Int64(g.inW), nil, 0)
            if let after = expand.activation.after {
                for ch in 0..<expanded {
                    for r in 0..<inside.count { after.apply(first + ch * ringFloats + r * rowWidth, g.inW) }
                }
            }
        }
        var held = base..<base
        for s0 in stride(from: band.lowerBound, to: band.upperBound, by: stripRows) {
            let strip = s0..<min(band.upperBound, s0 + stripRows), read = readRows(strip)
            // Rows the ring does not hold yet, cut where they wrap around the ring.
            var fresh = max(held.upperBound, read.lowerBound)..<read.upperBound
            while !fresh.isEmpty {
                let run = fresh.lowerBound..<min(fresh.upperBound, fresh.lowerBound + ringRows - slot(fresh.lowerBound))
                fill(run)
                fresh = run.upperBound..<fresh.upperBound
            }
            held = read
            let first = strip.lowerBound * g.outW
            depthwise.ringRows(rings, channels: expanded, inputStride: ringFloats, ring: ringRows, first: slot(read.lowerBound),
                               rows: read.count, rowWidth: rowWidth, outputRows: strip.count, dw.weights, bias: dw.bias,
                               activation: dw.activation, project == nil ? output + first : depthwiseRows,
                               outputStride: project == nil ? outPlane : depthwiseStride)
            guard let project else { continue }
            let next = strip.upperBound..<min(band.upperBound, strip.upperBound + stripRows)
            self.project(project, strip: strip, image: i, depthwiseRows: depthwiseRows, output: output, residual: added,
                         prefetching: next, expandedUpTo: read.upperBound)
        }
    }

    /// Multiplies the depthwise rows of output rows `strip` of image `i` into its `output` (plus
    /// its `residual`), prefetching what the strip of output rows `next` reads: its input rows
    /// from `expandedUpTo` on, and its residual.
    private func project(_ project: Stage, strip: Range<Int>, image i: Int, depthwiseRows: UnsafePointer<Float>,
                         output: UnsafeMutablePointer<Float>, residual: UnsafeMutablePointer<Float>?, prefetching next: Range<Int>,
                         expandedUpTo: Int) {
        let plane = g.inH * g.inW, outPlane = g.outH * g.outW
        let first = strip.lowerBound * g.outW, columns = strip.count * g.outW
        let nextRead = next.isEmpty ? expandedUpTo..<expandedUpTo : readRows(next)
        let nextFresh = (max(expandedUpTo, nextRead.lowerBound)..<max(expandedUpTo, nextRead.upperBound)).clamped(to: 0..<g.inH)
        var conv = SSConvGemm(weights: projectWeights!.floats, tap_offsets: projectOffsets, channels: Int64(outputs),
                              taps: Int64(expanded), bias: project.bias, activation: project.activation.kind,
                              alpha: project.activation.alpha, beta: project.activation.beta,
                              stream_output: streamsOutput ? 1 : 0, pack: nil, column_step: 1)
        withUnsafeTemporaryAllocation(of: SSPrefetchRuns.self, capacity: sources.parts.count + 1) { upcoming in
            var count = 0, channel = 0
            while !nextFresh.isEmpty, channel < inputs {
                let inPart = sources.channelsInPart(from: channel, upTo: inputs)
                upcoming[count] = SSPrefetchRuns(base: sources.plane(image: i, channel: channel) + nextFresh.lowerBound * g.inW,
                                                 count: Int64(inPart), stride: Int64(plane), length: Int64(nextFresh.count * g.inW))
                count += 1
                channel += inPart
            }
            // A residual that is X was just read by the expand.
            if let residual, !next.isEmpty, residual != sources.plane(image: i, channel: 0) {
                upcoming[count] = SSPrefetchRuns(base: residual + next.lowerBound * g.outW, count: Int64(outputs),
                                                 stride: Int64(outPlane), length: Int64(next.count * g.outW))
                count += 1
            }
            ss_conv_gemm(&conv, depthwiseRows, 0, output + first, residual.map { UnsafePointer($0 + first) }, 0,
                         Int64(outPlane), 1, Int64(columns), upcoming.baseAddress, Int64(count))
        }
        if let after = project.activation.after {
            for o in 0..<outputs { after.apply(output + o * outPlane + first, columns) }
        }
    }
}
