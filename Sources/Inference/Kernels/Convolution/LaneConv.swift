import CKernels

/// Convolution with output channels in the vector lanes, NCHW Float32: X [N, C, H, W],
/// W [M, C/group, kh, kw], any kernel, stride, padding, dilation and group count. X may be the
/// parts of a channel concatenation that was never written (`ChannelSources`).
///
/// `ss_conv_lanes_row` computes one output row of up to 64 output channels: each tap
/// multiplies a vector of 16 output channels' weights by one broadcast input element, so
/// it reads the input where it lies, whatever the stride, and keeps its partial sums in a
/// per-worker row of `lanes` floats per output, transposed into the output planes at the end.
/// Bias, a same-shape residual and the activation are applied in that store (Sigmoid and
/// Tanh right after). Rows are claimed by whichever worker is free; while it computes a row's
/// first lane group, a worker prefetches into L2 the input rows its next row adds.
final class LaneConv {
    let g: Geometry
    let images: Int, group: Int
    /// Input and output channels per group.
    let cg: Int, mg: Int
    /// A group's output channels are computed in `laneGroups` parts, each `vectors` x 16
    /// wide (`lanes` floats; `suits` makes `vectors` 3 or 4).
    let laneGroups: Int, vectors: Int, lanes: Int
    /// Weights [group][laneGroups][cg][kh][kw][lanes], zero past the group's channels.
    let packed: UnsafeMutablePointer<Float>
    /// Per image, each input channel's plane.
    let planes: UnsafeMutablePointer<UnsafePointer<Float>?>
    let channels: Int
    /// Input channels whose weights one pass over a row reads: at most `channelBlockFloats`
    /// of them, so that they stay in L1 while the row's outputs go by.
    let channelBlock: Int
    /// Floats of weights per pass over a row (18 KiB): with the input lines and partial sums a
    /// tile reads, they fit a 32 KiB L1. (With 24 KiB, 3-vector lane groups ran 1.3-1.45x
    /// slower on AMD Zen 4; 4-vector ones the same.)
    static let channelBlockFloats = 4608
    /// Whether the output is stored past the caches (`DirectConv.streams(outputFloats:)`).
    let streamsOutput: Bool

    /// Whether a group of `inputChannels` -> `outputChannels` runs faster here than in
    /// `DirectConv`: kernels larger than 1x1, with enough output channels to fill 3 or 4
    /// vectors per lane group (fewer leave lanes idle) and enough input channels to sum.
    static func suits(_ g: Geometry, inputChannels: Int, outputChannels: Int) -> Bool {
        g.kh * g.kw > 1 && inputChannels >= 8 && outputChannels >= 48
    }

    /// - Parameter sources: X's planes, `images` x C of them.
    /// - Precondition: the CPU has AVX-512 (`InstructionSet.best == .avx512`).
    init(_ g: Geometry, sources: ChannelSources, outputChannels m: Int, group: Int, images: Int) {
        self.g = g
        self.images = images
        self.group = group
        channels = sources.channels
        cg = channels / group
        mg = m / group
        laneGroups = (mg + 63) / 64
        vectors = ((mg + 15) / 16 + laneGroups - 1) / laneGroups
        lanes = 16 * vectors
        let taps = g.kh * g.kw
        channelBlock = max(1, LaneConv.channelBlockFloats / (taps * lanes))
        streamsOutput = DirectConv.streams(outputFloats: images * m * g.outH * g.outW)
        packed = .allocate(capacity: group * laneGroups * cg * taps * lanes)
        planes = sources.planeTable(images: images)
    }

    deinit {
        packed.deallocate()
        planes.deallocate()
    }

    /// Output channels in lane group `lg` of a group.
    func channels(inLaneGroup lg: Int) -> Int { min(lanes, mg - lg * lanes) }

    /// Repacks `w` [M, cg, kh, kw] into `packed`.
    func pack(_ w: UnsafePointer<Float>) {
        let taps = g.kh * g.kw, perLaneGroup = cg * taps * lanes
        packed.update(repeating: 0, count: group * laneGroups * perLaneGroup)
        for gi in 0..<group {
            for lg in 0..<laneGroups {
                let dst = packed + (gi * laneGroups + lg) * perLaneGroup
                for j in 0..<channels(inLaneGroup: lg) {
                    let src = w + (gi * mg + lg * lanes + j) * cg * taps
                    for k in 0..<(cg * taps) { dst[k * lanes + j] = src[k] }
                }
            }
        }
    }

    /// The step computing `y` from the sources with weights `w` (packed now when
    /// `constantWeights`, else at every run), optional `bias` [M] and same-shape `residual`,
    /// then `activation`.
    func step(w: Buffer, constantWeights: Bool, bias: UnsafeMutablePointer<Float>?, residual: Buffer?,
              activation: Activation?, y: Buffer, context: PlanContext) -> Step {
        let activation = FusedActivation(activation)
        return packedConvStep(w: w, constantWeights: constantWeights, pack: pack, units: images * group * g.outH * laneGroups,
                              scratchFloats: g.outW * lanes, context: context) { [self] u, next, scratch in
            run(unit: u, prefetching: next != nil, bias: bias, residual: residual?.floats, activation: activation, y: y.floats,
                scratch: scratch)
        }
    }

    /// Computes unit `u`: one output row of one lane group (units ordered by image, group,
    /// row, then lane group, so that consecutive units read the same input rows). With
    /// `prefetching` (its worker computes the units after it), the first lane group prefetches
    /// the input rows the next output row adds.
    private func run(unit u: Int, prefetching: Bool, bias: UnsafeMutablePointer<Float>?, residual: UnsafeMutablePointer<Float>?,
                     activation: FusedActivation, y: UnsafeMutablePointer<Float>, scratch: UnsafeMutablePointer<Float>) {
        let lg = u % laneGroups, row = (u / laneGroups) % g.outH, gi = (u / (laneGroups * g.outH)) % group
        let nextRow = prefetching && lg == 0 && row + 1 < g.outH ? row + 1 : -1
        let i = u / (laneGroups * g.outH * group)
        let firstChannel = gi * mg + lg * lanes, count = channels(inLaneGroup: lg), outPlane = g.outH * g.outW
        let at = (i * group * mg + firstChannel) * outPlane + row * g.outW
        var conv = SSConvLanes(weights: packed + (gi * laneGroups + lg) * cg * g.kh * g.kw * lanes, in_channels: Int64(cg),
                               kh: Int64(g.kh), kw: Int64(g.kw), in_h: Int64(g.inH), in_w: Int64(g.inW), out_w: Int64(g.outW),
                               stride_h: Int64(g.sh), stride_w: Int64(g.sw), dilation_h: Int64(g.dh), dilation_w: Int64(g.dw),
                               pad_top: Int64(g.padTop), pad_left: Int64(g.padLeft), channels: Int64(count),
                               vectors: Int32(vectors), channel_block: Int64(channelBlock), activation: activation.kind,
                               alpha: activation.alpha, beta: activation.beta, stream_output: streamsOutput ? 1 : 0)
        ss_conv_lanes_row(&conv, planes + i * channels + gi * cg, Int64(row), Int64(nextRow), bias.map { UnsafePointer($0 + firstChannel) },
                          residual.map { UnsafePointer($0 + at) }, y + at, Int64(outPlane), scratch)
        if let after = activation.after {
            for o in 0..<count { after.apply(y + at + o * outPlane, g.outW) }
        }
    }
}
