import CKernels

/// A 3x3, stride-1, ungrouped convolution as Winograd F(2x2, 3x3), NCHW Float32: X [N, C, H, W],
/// W [M, C, 3, 3], any padding and dilation. X may be the parts of a channel concatenation that
/// was never written (`ChannelSources`).
///
/// Each 2x2 block of outputs (a tile; its outputs and inputs `dilation` apart) is
/// At [U ⊙ (Bt d B)] A, d the tile's 4x4 input block and U = G w Gt the transformed weights:
/// 16 products per input channel instead of 36. A work unit, one row of tiles (a block of one,
/// or a few rows when a row is short) of one image, transforms its input blocks into the worker's scratch
/// (`ss_winograd_input`), multiplies them as 16 GEMMs of M x C by C x tiles with `DirectConv`'s
/// tiles (`ss_conv_gemm`), and transforms the products back into the output with bias, residual
/// and activation (`ss_winograd_output`).
final class WinogradConv {
    let g: Geometry
    let images: Int, channels: Int, outputChannels: Int
    /// Rows of tiles, and super-columns per row (each `dilation` tiles, 2 x `dilation` outputs wide).
    let tileRows: Int, columnsPerRow: Int
    /// Super-columns per work unit, rows of tiles per work unit (more than one only when a
    /// unit holds whole rows), and floats per channel of its transformed blocks.
    let unitColumns: Int, unitRows: Int, tileStride: Int
    /// Transformed weights, per position of the 4x4 block packed as `ss_conv_gemm` reads them:
    /// [16][ceil(M / 8)][C][8], zero past M.
    let packed: UnsafeMutablePointer<Float>
    let packedPerPosition: Int
    /// `ss_conv_gemm`'s tap offsets: channel k of a transformed block at k x `tileStride`.
    let tapOffsets: UnsafeMutablePointer<Int64>
    /// Per image, each input channel's plane.
    let planes: UnsafeMutablePointer<UnsafePointer<Float>?>

    /// Floats of transformed inputs and products a unit keeps (in the worker's L2) at most.
    static let unitBudget = 1 << 18

    /// Whether Winograd runs this conv: 3x3, stride 1, the same dilation both ways, ungrouped,
    /// with enough channels on both sides that the 16 GEMMs are efficient, on maps over 128
    /// pixels (on ResNet's 8x16 stage the transformed weights, 16/9 the size, cost more to
    /// stream than the multiplications saved: 512->512 took 5.8 ms against the lanes' 2.2).
    static func suits(_ g: Geometry, inputChannels: Int, outputChannels: Int, group: Int) -> Bool {
        g.kh == 3 && g.kw == 3 && g.sh == 1 && g.sw == 1 && g.dh == g.dw && group == 1 && g.outH * g.outW > 128
            && inputChannels >= 16 && outputChannels >= 16
    }

    /// - Parameter sources: X's planes, `images` x C of them.
    /// - Precondition: the CPU has AVX-512 (`InstructionSet.best == .avx512`) and `suits` holds.
    init(_ g: Geometry, sources: ChannelSources, outputChannels m: Int, images: Int, threads: Int) {
        self.g = g
        self.images = images
        channels = sources.channels
        outputChannels = m
        let d = g.dh
        tileRows = d * ((g.outH + 2 * d - 1) / (2 * d))
        columnsPerRow = (g.outW + 2 * d - 1) / (2 * d)
        // Blocks of a row as even as can be, in whole tiles of `ss_conv_gemm` (32 columns).
        let fitting = max(32, WinogradConv.unitBudget / (16 * (channels + m) * d) & ~31)
        let blocks = (columnsPerRow + fitting - 1) / fitting
        unitColumns = min(((columnsPerRow + blocks - 1) / blocks + 31) & ~31, columnsPerRow)
        unitRows = blocks > 1 ? 1 : WinogradConv.rowsPerUnit(tiles: d * columnsPerRow, rows: tileRows, images: images,
                                                             perTile: 16 * (channels + m), threads: threads)
        tileStride = WinogradConv.tileStride(rows: unitRows, tiles: d * unitColumns)
        let block = Int(SS_CONV_BLOCK)
        packedPerPosition = (m + block - 1) / block * block * channels
        packed = .allocate(capacity: 16 * packedPerPosition)
        tapOffsets = .allocate(capacity: channels)
        for k in 0..<channels { tapOffsets[k] = Int64(k * tileStride) }
        planes = sources.planeTable(images: images)
    }

    deinit {
        packed.deallocate()
        tapOffsets.deallocate()
        planes.deallocate()
    }

    /// Column blocks per row of tiles.
    var blocksPerRow: Int { (columnsPerRow + unitColumns - 1) / unitColumns }

    /// Units per image: groups of rows, or column blocks of each row.
    var unitsPerImage: Int { (tileRows + unitRows - 1) / unitRows * blocksPerRow }

    /// Floats per channel for `rows` rows of `tiles` tiles, one after another (a whole number of cache lines).
    private static func tileStride(rows: Int, tiles: Int) -> Int { (rows * tiles + 15) & ~15 }

    /// Rows of `tiles` tiles per unit that waste the least of `ss_conv_gemm`'s 32-column tiles,
    /// within the scratch budget (`perTile` floats per tile) and leaving each of `threads`
    /// workers two units or more.
    private static func rowsPerUnit(tiles: Int, rows: Int, images: Int, perTile: Int, threads: Int) -> Int {
        var best = 1, bestWaste = 1.0
        for k in 1...rows {
            guard perTile * tileStride(rows: k, tiles: tiles) <= unitBudget,
                  k == 1 || images * ((rows + k - 1) / k) >= 2 * threads else { break }
            let columns = k * tiles, waste = Double((columns + 31) / 32 * 32 - columns) / Double(columns)
            if waste < bestWaste - 0.01 { (best, bestWaste) = (k, waste) }
        }
        return best
    }

    /// Floats of scratch per worker: the transformed inputs and the products of one unit.
    var scratchFloats: Int { 16 * (channels + outputChannels) * tileStride }

    /// Transforms `w` [M, C, 3, 3] into U = G w Gt, G = [1 0 0; 1/2 1/2 1/2; 1/2 -1/2 1/2; 0 0 1],
    /// and packs it into `packed`.
    func pack(_ w: UnsafePointer<Float>) {
        let block = Int(SS_CONV_BLOCK)
        packed.update(repeating: 0, count: 16 * packedPerPosition)
        for o in 0..<outputChannels {
            for c in 0..<channels {
                let k = w + (o * channels + c) * 9
                // G w (4x3), then (G w) Gt (4x4), in Double so that the transform adds no rounding.
                for i in 0..<4 {
                    let row = (0..<3).map { j in WinogradConv.g(i, Double(k[j]), Double(k[3 + j]), Double(k[6 + j])) }
                    for j in 0..<4 {
                        packed[(4 * i + j) * packedPerPosition + (o / block) * channels * block + c * block + o % block] =
                            Float(WinogradConv.g(j, row[0], row[1], row[2]))
                    }
                }
            }
        }
    }

    /// Row `i` of G times the column (a, b, d).
    private static func g(_ i: Int, _ a: Double, _ b: Double, _ d: Double) -> Double {
        switch i {
        case 0: a
        case 1: (a + b + d) / 2
        case 2: (a - b + d) / 2
        default: d
        }
    }

    /// The step computing `y` from the sources with weights `w` (transformed now when
    /// `constantWeights`, else at every run), optional `bias` [M] and same-shape `residual`,
    /// then `activation`.
    func step(w: Buffer, constantWeights: Bool, bias: UnsafeMutablePointer<Float>?, residual: Buffer?,
              activation: Activation?, y: Buffer, context: PlanContext) -> Step {
        let activation = FusedActivation(activation)
        return packedConvStep(w: w, constantWeights: constantWeights, pack: pack, units: images * unitsPerImage,
                              scratchFloats: scratchFloats, context: context) { [self] u, _, scratch in
            run(unit: u, bias: bias, residual: residual?.floats, activation: activation, y: y.floats, scratch: scratch)
        }
    }

    /// Computes unit `u`: super-columns [first, first + count) of `unitRows` rows of tiles (fewer
    /// at the bottom) of one image, each row's tiles after the one above in the scratch.
    private func run(unit u: Int, bias: UnsafeMutablePointer<Float>?, residual: UnsafeMutablePointer<Float>?,
                     activation: FusedActivation, y: UnsafeMutablePointer<Float>, scratch: UnsafeMutablePointer<Float>) {
        let blocks = blocksPerRow, i = u / unitsPerImage, part = u % unitsPerImage
        let firstRow = part / blocks * unitRows, rows = firstRow ..< min(firstRow + unitRows, tileRows)
        let first = (part % blocks) * unitColumns, count = min(unitColumns, columnsPerRow - first), d = g.dh
        let transformed = scratch, products = scratch + 16 * channels * tileStride
        var conv = SSWinograd(in_channels: Int64(channels), in_h: Int64(g.inH), in_w: Int64(g.inW), out_h: Int64(g.outH),
                              out_w: Int64(g.outW), pad_top: Int64(g.padTop), pad_left: Int64(g.padLeft), dilation: Int64(d),
                              tile_stride: Int64(tileStride), activation: activation.kind, alpha: activation.alpha,
                              beta: activation.beta)
        for (k, row) in rows.enumerated() {
            ss_winograd_input(&conv, planes + i * channels, Int64(row), Int64(first), Int64(count), transformed + k * d * count)
        }
        for xi in 0..<16 {
            var gemm = SSConvGemm(weights: packed + xi * packedPerPosition, tap_offsets: tapOffsets,
                                  channels: Int64(outputChannels), taps: Int64(channels), bias: nil, activation: SSActivationNone,
                                  alpha: 0, beta: 0, stream_output: 0, pack: nil, column_step: 1)
            ss_conv_gemm(&gemm, transformed + xi * channels * tileStride, 0, products + xi * outputChannels * tileStride, nil,
                         0, Int64(tileStride), 1, Int64(rows.count * d * count), nil, 0)
        }
        let outPlane = g.outH * g.outW, at = i * outputChannels * outPlane
        for (k, row) in rows.enumerated() {
            ss_winograd_output(&conv, products + k * d * count, Int64(outputChannels), Int64(row), Int64(first), Int64(count),
                               bias.map { UnsafePointer($0) }, residual.map { UnsafePointer($0 + at) }, y + at, Int64(outPlane))
            if let after = activation.after {
                let top = 2 * d * (row / d) + row % d, x0 = 2 * d * first, width = min(2 * d * count, g.outW - x0)
                for o in 0..<outputChannels {
                    for r in stride(from: top, to: min(top + 2 * d, g.outH), by: d) { after.apply(y + at + o * outPlane + r * g.outW + x0, width) }
                }
            }
        }
    }
}
