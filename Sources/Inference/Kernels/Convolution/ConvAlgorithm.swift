/// How a `Conv` node is computed, chosen once at plan time by `choose`. (The fused
/// 1x1 → depthwise → 1x1 chain, `DepthwiseBlock`, is chosen earlier, by `Planner`.)
enum ConvAlgorithm: String, CaseIterable, Sendable {
    /// Dilated stride-1 convs whose taps mostly read padding (`ShiftedTapConv.suits`): one
    /// sgemm per tap over the outputs it reaches, on any instruction set.
    case shiftedTaps
    /// 3x3 stride-1 convs `WinogradConv.suits`, on AVX-512.
    case winograd
    /// Output channels in AVX-512 lanes, for the grouped or plain convs `LaneConv.suits`.
    case lanes
    /// Packed-weight AVX-512 tiles (`DirectConv`): every other conv but depthwise ones.
    case direct
    /// Depthwise convs (one group per channel, as many outputs): `DepthwiseConv`, with its
    /// AVX-512 rows where it has them.
    case depthwise
    /// 1x1 stride-1 unpadded single-group convs without AVX-512: one sgemm per column band.
    case packedPointwise
    /// Everything else without AVX-512: im2col and sgemm per band of output rows.
    case im2col

    /// The algorithm for a conv of geometry `g` from `inputChannels` to `outputChannels` in
    /// `group` groups, on `instructionSet`.
    static func choose(_ g: Geometry, inputChannels c: Int, outputChannels m: Int, group: Int,
                       instructionSet: InstructionSet) -> ConvAlgorithm {
        let depthwise = group == c && m == c
        if ShiftedTapConv.suits(g, group: group) { return .shiftedTaps }
        if instructionSet == .avx512 {
            if WinogradConv.suits(g, inputChannels: c, outputChannels: m, group: group) { return .winograd }
            if !depthwise, LaneConv.suits(g, inputChannels: c / group, outputChannels: m / group) { return .lanes }
            if !depthwise { return .direct }
        }
        if g.isPointwise, group == 1 { return .packedPointwise }
        return depthwise ? .depthwise : .im2col
    }

    /// Whether the algorithm reads the parts of a fused channel concatenation where they are
    /// (the others need them joined into one tensor first).
    var readsConcatParts: Bool { self == .winograd || self == .lanes || self == .direct }
}
