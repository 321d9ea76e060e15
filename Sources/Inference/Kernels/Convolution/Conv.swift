import COpenBLAS

/// 2-D convolution, NCHW Float32: X [N, C, H, W], W [M, C/group, kh, kw], optional
/// B [M], and (after fusion) a residual R [N, M, OH, OW] added before the epilogue
/// activation. Any kernel, stride, padding (incl. auto_pad), dilation and group count.
/// After `GraphOptimizer` fuses a channel Concat into it, X is input 0 concatenated along
/// channels with the inputs from `ConvSlot.concatParts` on; `DirectConv`, `LaneConv` and
/// `WinogradConv` read those parts where they are, the other paths join them into one tensor first.
///
/// The algorithm is chosen by name at plan time (`ConvAlgorithm.choose`): one sgemm per valid tap
/// for atrous convs on small maps, Winograd, lanes or direct tiles on AVX-512, depthwise planes, sgemm for 1x1 convs elsewhere, im2col + sgemm for
/// the rest. Bias, residual and activation are applied as outputs are written.
struct Conv: Kernel {
    let node: Node
    let window: WindowAttributes
    let group: Int

    init(_ node: Node) throws {
        self.node = node
        window = try WindowAttributes(node)
        group = try node.int("group", default: 1)
        guard group >= 1 else { throw node.attributeError("group", "must be at least 1") }
    }

    /// The geometry for input X and weights W, after checking their shapes agree.
    func geometry(x: [Int], w: [Int]) throws -> Geometry {
        guard x.count == 4, w.count == 4 else { throw node.error("only 2-D convolution is supported; X is \(x), W is \(w)") }
        guard x[1] == w[1] * group, w[0] % group == 0 else {
            throw node.error("X has \(x[1]) channels but W \(w) with group \(group) expects \(w[1] * group)")
        }
        if let k = window.kernelShape, k != [w[2], w[3]] {
            throw node.error("kernel_shape \(k) does not match W \(w)")
        }
        return try window.resolve(node, inH: x[2], inW: x[3], kh: w[2], kw: w[3])
    }

    /// X's shape: input 0's, with the channels of any concatenated parts added.
    func xShape(_ parts: [[Int]]) throws -> [Int] {
        var shape = parts[0]
        for part in parts.dropFirst() {
            guard part.count == 4, shape.count == 4, part[0] == shape[0], part[2...] == shape[2...] else {
                throw node.error("concatenated inputs \(parts) differ in batch, height or width")
            }
            shape[1] += part[1]
        }
        return shape
    }

    /// X, then the concatenated parts.
    private func xParts<T>(_ inputs: [T?]) -> [T?] { [inputs[ConvSlot.x]] + inputs.dropFirst(ConvSlot.concatParts) }

    func outputs(_ inputs: [ValueInfo?]) throws -> [TensorDesc] {
        let w = try node.required(inputs, ConvSlot.weights)
        let given = xParts(inputs), parts = try given.indices.map { try node.required(given, $0) }
        for part in parts { try node.requireNCHW(part) }
        let x = try xShape(parts.map(\.shape))
        let g = try geometry(x: x, w: w.shape)
        let shape = [x[0], w.shape[0], g.outH, g.outW]
        if inputs.count > ConvSlot.bias, let b = inputs[ConvSlot.bias], b.shape != [w.shape[0]] {
            throw node.error("bias shape \(b.shape) must be [\(w.shape[0])]")
        }
        if inputs.count > ConvSlot.residual, let r = inputs[ConvSlot.residual] { _ = try node.broadcastShape(shape, r.shape) }
        return [.float(shape)]
    }

    func flops(_ inputs: [TensorDesc?], _ outputs: [TensorDesc]) -> Int {
        guard let w = inputs[ConvSlot.weights] else { return 0 }
        return 2 * outputs[0].count * w.shape[1] * w.shape[2] * w.shape[3]
    }

    /// The algorithm this conv runs with X and W of these shapes (`ConvAlgorithm.choose`).
    func algorithm(x: [Int], w: [Int], instructionSet: InstructionSet) throws -> ConvAlgorithm {
        ConvAlgorithm.choose(try geometry(x: x, w: w), inputChannels: x[1], outputChannels: w[0], group: group, instructionSet: instructionSet)
    }

    func step(_ inputs: [Buffer?], _ outputs: [Buffer], _ context: PlanContext) throws -> Step {
        let parts = xParts(inputs).map { $0! }, w = inputs[ConvSlot.weights]!, y = outputs[0]
        let xShape = try xShape(parts.map(\.shape))
        let g = try geometry(x: xShape, w: w.shape)
        let n = xShape[0], c = xShape[1], m = w.shape[0]
        let bias = inputs.count > ConvSlot.bias ? inputs[ConvSlot.bias]?.floats : nil
        let residual = inputs.count > ConvSlot.residual ? inputs[ConvSlot.residual] : nil
        let sameShapeResidual = residual.map { $0.shape == y.shape } ?? false
        let epilogue = ConvEpilogue(channelCount: m, bias: bias, residual: sameShapeResidual ? residual?.floats : nil,
                                    activation: node.epilogue.residual && !sameShapeResidual ? nil : node.epilogue.activation)
        var broadcastResidual: Step?
        if let r = residual, !sameShapeResidual {
            let add = Binary.makeStep(.add, y, r, y, context), activation = node.epilogue.activation
            broadcastResidual = { add(); activation?.apply(y.floats, y.count) }
        }
        let algorithm = ConvAlgorithm.choose(g, inputChannels: c, outputChannels: m, group: group, instructionSet: context.instructionSet)
        let threads = context.threads
        let sources = ChannelSources(parts: parts.map { ($0.floats, $0.shape[1]) }, planeSize: g.inH * g.inW)
        var x = parts[0], join: Step?
        if parts.count > 1, !algorithm.readsConcatParts {
            let joined = Memory(bytes: xShape.reduce(1, *) * MemoryLayout<Float>.stride)
            context.retained.append(joined)
            x = Buffer(desc: .float(xShape), raw: joined.raw)
            join = { [x] in Conv.join(sources, images: n, into: x.floats, threads: threads) }
        }
        let fusedResidual = sameShapeResidual ? residual : nil, constantWeights = context.isConstant(w)
        let core: Step
        switch algorithm {
        case .winograd:
            let winograd = WinogradConv(g, sources: sources, outputChannels: m, images: n, threads: threads)
            context.retained.append(winograd)
            core = winograd.step(w: w, constantWeights: constantWeights, bias: bias, residual: fusedResidual,
                                 activation: epilogue.activation, y: y, context: context)
        case .lanes:
            let lanes = LaneConv(g, sources: sources, outputChannels: m, group: group, images: n)
            context.retained.append(lanes)
            core = lanes.step(w: w, constantWeights: constantWeights, bias: bias, residual: fusedResidual,
                              activation: epilogue.activation, y: y, context: context)
        case .direct:
            let direct = DirectConv(g, sources: sources, outputChannels: m, group: group, images: n, threads: threads)
            context.retained.append(direct)
            core = direct.step(w: w, constantWeights: constantWeights, bias: bias, residual: fusedResidual,
                               activation: epilogue.activation, y: y, context: context)
        case .shiftedTaps:
            let shifted = ShiftedTapConv(g, channels: c, outputChannels: m, images: n, threads: threads)
            context.retained.append(shifted)
            core = shifted.step(x: x, w: w, constantWeights: constantWeights, y: y, epilogue: epilogue, context: context)
        case .packedPointwise:
            core = Conv.pointwiseStep(x: x, w: w, y: y, g, images: n, epilogue: epilogue, threads: threads)
        case .depthwise:
            core = Conv.depthwiseStep(x: x, w: w, y: y, g, images: n, epilogue: epilogue, context: context)
        case .im2col:
            core = Conv.im2colStep(x: x, w: w, y: y, g, images: n, group: group, epilogue: epilogue, context: context)
        }
        let steps = [join, core, broadcastResidual].compactMap { $0 }
        return steps.count == 1 ? core : { for step in steps { step() } }
    }

    /// 1x1 convs as sgemm over column bands: each worker runs single-threaded sgemm and the
    /// epilogue on its own bands, so input and output stay in its cache and nothing synchronises.
    private static func pointwiseStep(x: Buffer, w: Buffer, y: Buffer, _ g: Geometry, images n: Int, epilogue: ConvEpilogue,
                                      threads: Int) -> Step {
        let c = x.shape[1], m = w.shape[0], plane = g.outH * g.outW
        let band = Conv.bandSize(total: plane, perUnit: max(c, m), images: n, threads: threads, minimum: 64)
        let bands = (plane + band - 1) / band
        return {
            parallelFor(n * bands, threads: threads) { tasks in
                for t in tasks {
                    let i = t / bands, start = (t % bands) * band, cols = min(band, plane - start)
                    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(m), Int32(cols), Int32(c), 1,
                                w.floats, Int32(c), x.floats + i * c * plane + start, Int32(plane), 0,
                                y.floats + i * m * plane + start, Int32(plane))
                    epilogue.apply(y.floats, image: i, channels: 0..<m, plane: plane, columns: start..<(start + cols))
                }
            }
        }
    }

    /// Depthwise convs plane by plane: the AVX-512 rows with the epilogue fused where they run,
    /// else the portable plane and the epilogue after it.
    private static func depthwiseStep(x: Buffer, w: Buffer, y: Buffer, _ g: Geometry, images n: Int, epilogue: ConvEpilogue,
                                      context: PlanContext) -> Step {
        let c = x.shape[1], plane = g.outH * g.outW
        let depthwise = DepthwiseConv(g), direct = context.instructionSet == .avx512 && depthwise.hasDirectRows
        let workers = min(context.threads, n * c), slice = direct ? 0 : depthwise.scratchFloats
        let activation = FusedActivation(epilogue.activation)
        context.scratch.reserve(floats: slice * workers)
        let scratch = context.scratch
        return {
            parallelChunks(n * c, threads: workers) { worker, planes in
                for p in planes {
                    let ch = p % c, input = x.floats + p * g.inH * g.inW, weights = w.floats + ch * g.kh * g.kw
                    if direct {
                        depthwise.plane(input, weights, bias: epilogue.bias?[ch] ?? 0, residual: epilogue.residual.map { UnsafePointer($0 + p * plane) },
                                        activation: activation, y.floats + p * plane)
                    } else {
                        depthwise.plane(input, weights, y.floats + p * plane, scratch: scratch.floats + worker * slice)
                        epilogue.apply(y.floats + p * plane, channel: ch, offset: p * plane, count: plane)
                    }
                }
            }
        }
    }

    /// Any conv as im2col + sgemm over bands of output rows: each worker unrolls its band into
    /// its own cache-sized column buffer, multiplies, and applies the epilogue.
    private static func im2colStep(x: Buffer, w: Buffer, y: Buffer, _ g: Geometry, images n: Int, group: Int, epilogue: ConvEpilogue,
                                   context: PlanContext) -> Step {
        let c = x.shape[1], m = w.shape[0], plane = g.outH * g.outW
        let cg = c / group, mg = m / group, k = cg * g.kh * g.kw
        let band = Conv.bandSize(total: g.outH, perUnit: k * g.outW, images: n * group, threads: context.threads, minimum: 1)
        let bands = (g.outH + band - 1) / band, slice = k * band * g.outW
        let workers = min(context.threads, n * group * bands)
        context.scratch.reserve(floats: slice * workers)
        let scratch = context.scratch
        return {
            parallelChunks(n * group * bands, threads: workers) { worker, tasks in
                let col = scratch.floats + worker * slice
                for t in tasks {
                    let i = t / (group * bands), gi = (t / bands) % group, row = (t % bands) * band
                    let rows = min(band, g.outH - row), cols = rows * g.outW
                    Conv.im2col(x.floats + (i * c + gi * cg) * g.inH * g.inW, channels: cg, g, rows: row..<(row + rows), col)
                    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(mg), Int32(cols), Int32(k), 1,
                                w.floats + gi * mg * k, Int32(k), col, Int32(cols), 0,
                                y.floats + (i * m + gi * mg) * plane + row * g.outW, Int32(plane))
                    epilogue.apply(y.floats, image: i, channels: (gi * mg)..<((gi + 1) * mg), plane: plane,
                                   columns: (row * g.outW)..<(row * g.outW + cols))
                }
            }
        }
    }

    /// Copies the parts of `sources` into one NCHW tensor at `x` (`images` images).
    static func join(_ sources: ChannelSources, images: Int, into x: UnsafeMutablePointer<Float>, threads: Int) {
        let parts = sources.parts, plane = sources.planeSize, c = sources.channels
        parallelFor(images * parts.count, threads: threads) { blocks in
            for b in blocks {
                let i = b / parts.count, p = b % parts.count
                let before = parts[..<p].reduce(0) { $0 + $1.channels }
                (x + (i * c + before) * plane).update(from: parts[p].floats + i * parts[p].channels * plane,
                                                       count: parts[p].channels * plane)
            }
        }
    }

    /// Band length along an axis of `total` units (columns or rows) costing `perUnit`
    /// floats each: at most `columnBudget` floats, and short enough that `images` x bands
    /// gives every thread at least two bands.
    static func bandSize(total: Int, perUnit: Int, images: Int, threads: Int, minimum: Int) -> Int {
        var band = max(minimum, columnBudget / max(perUnit, 1))
        let wanted = (2 * threads + images - 1) / images
        if threads > 1, wanted > 1 { band = min(band, max(minimum, (total + wanted - 1) / wanted)) }
        return max(1, min(band, total))
    }

    /// Floats of column buffer per band (512 KiB): small enough to stay in the worker's L2
    /// while single-threaded sgemm packs it; 0.1-0.5 MiB measured best, 4 MiB about 2x slower.
    static let columnBudget = 1 << 17

    /// Unrolls the receptive fields of `channels` input planes, for output rows `rows`,
    /// into `col` [channels*kh*kw, rows.count*outW], zero where the window reads padding.
    static func im2col(_ x: UnsafePointer<Float>, channels: Int, _ g: Geometry, rows: Range<Int>, _ col: UnsafeMutablePointer<Float>) {
        if g.sw == 2 {
            im2colStride2(x, channels: channels, g, rows: rows, col)
            return
        }
        let plane = rows.count * g.outW
        var row = 0
        for ch in 0..<channels {
            let src = x + ch * g.inH * g.inW
            for ky in 0..<g.kh {
                for kx in 0..<g.kw {
                    let dst = col + row * plane
                    let xOff = kx * g.dw - g.padLeft
                    let (lo, hi) = validRange(out: g.outW, stride: g.sw, offset: xOff, size: g.inW)
                    for oy in rows {
                        let iy = oy * g.sh - g.padTop + ky * g.dh
                        let d = dst + (oy - rows.lowerBound) * g.outW
                        if iy < 0 || iy >= g.inH {
                            d.update(repeating: 0, count: g.outW)
                            continue
                        }
                        let s = src + iy * g.inW + xOff
                        if lo > 0 { d.update(repeating: 0, count: lo) }
                        if g.sw == 1 {
                            if hi > lo { (d + lo).update(from: s + lo, count: hi - lo) }
                        } else {
                            for ox in lo..<hi { d[ox] = s[ox * g.sw] }
                        }
                        if hi < g.outW { (d + hi).update(repeating: 0, count: g.outW - hi) }
                    }
                    row += 1
                }
            }
        }
    }

    /// im2col for horizontal stride 2: each input row is split once into even and odd
    /// columns, after which every kx tap is a contiguous copy.
    static func im2colStride2(_ x: UnsafePointer<Float>, channels: Int, _ g: Geometry, rows: Range<Int>, _ col: UnsafeMutablePointer<Float>) {
        let plane = rows.count * g.outW, half = (g.inW + 1) / 2
        let split = UnsafeMutablePointer<Float>.allocate(capacity: 2 * half)
        defer { split.deallocate() }
        let even = UnsafePointer(split), odd = UnsafePointer(split + half)
        for ch in 0..<channels {
            let src = x + ch * g.inH * g.inW
            for ky in 0..<g.kh {
                let first = (ch * g.kh + ky) * g.kw
                for oy in rows {
                    let iy = oy * g.sh - g.padTop + ky * g.dh
                    let offset = (oy - rows.lowerBound) * g.outW
                    if iy < 0 || iy >= g.inH {
                        for kx in 0..<g.kw { (col + (first + kx) * plane + offset).update(repeating: 0, count: g.outW) }
                        continue
                    }
                    let r = src + iy * g.inW
                    for j in 0..<(g.inW / 2) { split[j] = r[2 &* j]; split[half &+ j] = r[2 &* j &+ 1] }
                    if g.inW % 2 == 1 { split[half - 1] = r[g.inW - 1] }
                    for kx in 0..<g.kw {
                        // Input column 2*ox + t is even[ox + t/2] or odd[ox + (t-1)/2].
                        let t = kx * g.dw - g.padLeft
                        let (lo, hi) = validRange(out: g.outW, stride: 2, offset: t, size: g.inW)
                        let s = t & 1 == 0 ? even + (t >> 1) : odd + ((t - 1) >> 1)
                        let d = col + (first + kx) * plane + offset
                        if lo > 0 { d.update(repeating: 0, count: lo) }
                        if hi > lo { (d + lo).update(from: s + lo, count: hi - lo) }
                        if hi < g.outW { (d + hi).update(repeating: 0, count: g.outW - hi) }
                    }
                }
            }
        }
    }

    /// The output positions `lo..<hi` whose input index `o*stride + offset` lies in `0..<size`.
    static func validRange(out: Int, stride: Int, offset: Int, size: Int) -> (Int, Int) {
        let lo = offset >= 0 ? 0 : (-offset + stride - 1) / stride
        let hi = size - 1 - offset < 0 ? 0 : min(out, (size - 1 - offset) / stride + 1)
        return (min(lo, out), max(hi, min(lo, out)))
    }

    /// Plain direct convolution, the test oracle: X [N, C, H, W], W [M, C/group, kh, kw],
    /// optional bias [M]; padding reads as zero.
    static func reference(x: Tensor, w: Tensor, bias: Tensor?, group: Int, _ g: Geometry) -> Tensor {
        let n = x.shape[0], c = x.shape[1], m = w.shape[0], cg = c / group, mg = m / group
        var y = Tensor(zeros: [n, m, g.outH, g.outW])
        for i in 0..<n { for o in 0..<m { for oy in 0..<g.outH { for ox in 0..<g.outW {
            var acc: Float = bias?.data[o] ?? 0
            let gi = o / mg
            for ci in 0..<cg { for ky in 0..<g.kh { for kx in 0..<g.kw {
                let iy = oy * g.sh - g.padTop + ky * g.dh, ix = ox * g.sw - g.padLeft + kx * g.dw
                guard iy >= 0, iy < g.inH, ix >= 0, ix < g.inW else { continue }
                acc += x.data[((i * c + gi * cg + ci) * g.inH + iy) * g.inW + ix] * w.data[((o * cg + ci) * g.kh + ky) * g.kw + kx]
            } } }
            y.data[((i * m + o) * g.outH + oy) * g.outW + ox] = acc
        } } } }
        return y
    }
}

/// Bias, same-shape residual and activation applied to conv output planes in one pass.
struct ConvEpilogue {
    /// Output channels per image.
    let channelCount: Int
    let bias: UnsafeMutablePointer<Float>?
    let residual: UnsafeMutablePointer<Float>?
    let activation: Activation?

    /// Applies the epilogue to one plane of `count` values for `channel`, at element
    /// `offset` of the whole output (to find the matching residual values).
    func apply(_ p: UnsafeMutablePointer<Float>, channel: Int, offset: Int, count: Int) {
        if let b = bias {
            let v = b[channel]
            for i in 0..<count { p[i] += v }
        }
        if let r = residual {
            let rp = r + offset
            for i in 0..<count { p[i] += rp[i] }
        }
        activation?.apply(p, count)
    }

    /// Applies the epilogue to `columns` of `channels` of one image of an output whose
    /// channels hold `plane` values each, right after sgemm wrote them (still in cache).
    func apply(_ y: UnsafeMutablePointer<Float>, image: Int, channels: Range<Int>, plane: Int, columns: Range<Int>) {
        guard bias != nil || residual != nil || activation != nil else { return }
        for m in channels {
            let offset = (image * channelCount + m) * plane + columns.lowerBound
            apply(y + offset, channel: m, offset: offset, count: columns.count)
        }
    }
}

/// Where a Conv node's inputs are, after `GraphOptimizer`'s fusions: ONNX's X, W and B, then the
/// residual fused from an Add, then the other parts of a channel Concat fused into X.
enum ConvSlot {
    static let x = 0, weights = 1, bias = 2
    /// Added before the activation (`Epilogue.residual`).
    static let residual = 3
    /// The first of the parts X is concatenated with, along channels.
    static let concatParts = 4
}
