import CKernels
import Foundation

/// Resize (opset 11+) and Upsample: nearest or linear interpolation of the last two
/// axes of an NCHW Float32 tensor, to constant `sizes` or `scales`. Coordinate modes:
/// half_pixel, pytorch_half_pixel, align_corners, asymmetric, tf_half_pixel_for_nn.
struct Resize: Kernel {
    let node: Node
    let linear: Bool
    let coordinateMode: String
    let nearestMode: String
    let scalesInput: Int
    let sizesInput: Int?

    init(_ node: Node) throws {
        self.node = node
        let mode = try node.string("mode", default: "nearest")
        guard ["nearest", "linear", "bilinear"].contains(mode) else { throw node.attributeError("mode", "'\(mode)' is not supported (use nearest or linear)") }
        linear = mode != "nearest"
        if node.opType == "Upsample" {
            coordinateMode = "asymmetric"
            nearestMode = "floor"
            scalesInput = 1
            sizesInput = nil
        } else {
            coordinateMode = try node.string("coordinate_transformation_mode", default: "half_pixel")
            nearestMode = try node.string("nearest_mode", default: "round_prefer_floor")
            scalesInput = 2
            sizesInput = 3
        }
        guard ["half_pixel", "pytorch_half_pixel", "align_corners", "asymmetric", "tf_half_pixel_for_nn"].contains(coordinateMode) else {
            throw node.attributeError("coordinate_transformation_mode", "'\(coordinateMode)' is not supported")
        }
        guard ["round_prefer_floor", "round_prefer_ceil", "floor", "ceil"].contains(nearestMode) else {
            throw node.attributeError("nearest_mode", "'\(nearestMode)' is not supported")
        }
        guard try node.int("antialias", default: 0) == 0 else { throw node.attributeError("antialias", "is not supported") }
        guard try node.ints("axes") == nil else { throw node.attributeError("axes", "is not supported; resize all axes") }
        guard try node.string("keep_aspect_ratio_policy", default: "stretch") == "stretch" else {
            throw node.attributeError("keep_aspect_ratio_policy", "must be stretch")
        }
    }

    /// Output shape and the scale for the two spatial axes.
    func resolve(_ inputs: [ValueInfo?]) throws -> (shape: [Int], scaleH: Float, scaleW: Float) {
        let x = try node.required(inputs, 0)
        try node.requireNCHW(x)
        let sizes = try sizesInput.flatMap { try node.constantInput(inputs, $0)?.intValues }.flatMap { $0.isEmpty ? nil : $0 }
        if let sizes {
            guard sizes.count == 4, sizes[0] == x.shape[0], sizes[1] == x.shape[1], sizes[2] > 0, sizes[3] > 0 else {
                throw node.error("sizes \(sizes) must be [N, C, H, W] with N and C unchanged")
            }
            return (sizes, Float(sizes[2]) / Float(x.shape[2]), Float(sizes[3]) / Float(x.shape[3]))
        }
        guard let scales = try node.constantInput(inputs, scalesInput)?.floatValues, scales.count == 4 else {
            throw node.error("needs constant scales [1, 1, sh, sw] or sizes")
        }
        guard scales[0] == 1, scales[1] == 1, scales[2] > 0, scales[3] > 0 else { throw node.error("only spatial scaling is supported, got scales \(scales)") }
        let h = Int((Float(x.shape[2]) * scales[2]).rounded(.down)), w = Int((Float(x.shape[3]) * scales[3]).rounded(.down))
        guard h > 0, w > 0, h <= 1 << 16, w <= 1 << 16 else { throw node.error("output size \(h)x\(w) is out of range") }
        return ([x.shape[0], x.shape[1], h, w], scales[2], scales[3])
    }

    func outputs(_ inputs: [ValueInfo?]) throws -> [TensorDesc] { [.float(try resolve(inputs).shape)] }

    /// The input coordinate sampled by output coordinate `o` along one axis.
    func sourceCoordinate(_ o: Int, scale: Float, inSize: Int, outSize: Int) -> Float {
        let o = Float(o)
        switch coordinateMode {
        case "asymmetric": return o / scale
        case "align_corners": return outSize == 1 ? 0 : o * Float(inSize - 1) / Float(outSize - 1)
        case "pytorch_half_pixel": return outSize > 1 ? (o + 0.5) / scale - 0.5 : 0
        case "tf_half_pixel_for_nn": return (o + 0.5) / scale
        default: return (o + 0.5) / scale - 0.5
        }
    }

    func nearest(_ c: Float, _ size: Int) -> Int {
        let i: Float
        switch nearestMode {
        case "floor": i = c.rounded(.down)
        case "ceil": i = c.rounded(.up)
        case "round_prefer_ceil": i = c - c.rounded(.down) >= 0.5 ? c.rounded(.down) + 1 : c.rounded(.down)   // not floor(c + 0.5): that sum can round up
        default: i = c == c.rounded(.down) + 0.5 ? c.rounded(.down) : c.rounded()
        }
        return min(max(Int(i), 0), size - 1)
    }

    /// Per output index along one axis: the two source indices and the weight of the second.
    func taps(scale: Float, inSize: Int, outSize: Int) -> [(Int, Int, Float)] {
        (0..<outSize).map { o in
            let c = sourceCoordinate(o, scale: scale, inSize: inSize, outSize: outSize)
            if !linear { let i = nearest(c, inSize); return (i, i, 0) }
            let clamped = min(max(c, 0), Float(inSize - 1))
            let lo = Int(clamped.rounded(.down)), hi = min(lo + 1, inSize - 1)
            return (lo, hi, clamped - Float(lo))
        }
    }

    func step(_ inputs: [Buffer?], _ outputs: [Buffer], _ context: PlanContext) throws -> Step {
        let infos = inputs.map { $0.map { ValueInfo(desc: $0.desc, constant: $0.load()) } }
        let (shape, sh, sw) = try resolve(infos)
        let x = inputs[0]!, y = outputs[0]
        let inH = x.shape[2], inW = x.shape[3], outH = shape[2], outW = shape[3]
        let rowTaps = taps(scale: sh, inSize: inH, outSize: outH), colTaps = taps(scale: sw, inSize: inW, outSize: outW)
        let planes = shape[0] * shape[1], threads = context.threads, linear = self.linear
        let columns = Columns(colTaps, avx512: context.instructionSet == .avx512)
        context.scratch.reserve(floats: 2 * outW * threads)
        let scratch = context.scratch
        return {
            parallelChunks(planes, threads: threads) { worker, range in
                if linear {
                    Self.linear(x.floats, y.floats, planes: range, inH: inH, inW: inW, outH: outH, rowTaps: rowTaps, columns: columns,
                                scratch: scratch.floats + worker * 2 * outW)
                    return
                }
                colTaps.withUnsafeBufferPointer { colTaps in
                    for p in range {
                        let src = x.floats + p * inH * inW, dst = y.floats + p * outH * outW
                        for oy in 0..<outH {
                            let r0 = src + rowTaps[oy].0 * inW, out = dst + oy * outW
                            for ox in 0..<outW { out[ox] = r0[colTaps[ox].0] }
                        }
                    }
                }
            }
        }
    }

    /// Linear interpolation of source rows along x, per output column from `taps`: the
    /// `CKernels` AVX-512 row with `avx512`, else Swift; either rounds a + (b - a) * f as written.
    struct Columns {
        let taps: [(Int, Int, Float)]
        let avx512: Bool
        private let x0: [Int32], x1: [Int32], fx: [Float]

        init(_ taps: [(Int, Int, Float)], avx512: Bool) {
            self.taps = taps
            self.avx512 = avx512
            x0 = avx512 ? taps.map { Int32($0.0) } : []
            x1 = avx512 ? taps.map { Int32($0.1) } : []
            fx = avx512 ? taps.map(\.2) : []
        }

        /// Writes `taps.count` interpolated values of `source` to `target`.
        func interpolate(_ source: UnsafePointer<Float>, into target: UnsafeMutablePointer<Float>) {
            if avx512 {
                ss_interpolate_row(source, x0, x1, fx, Int64(taps.count), target)
                return
            }
            taps.withUnsafeBufferPointer { taps in
                for ox in taps.indices {
                    let (a, b, f) = taps[ox]
                    target[ox] = source[a] + (source[b] - source[a]) * f
                }
            }
        }
    }

    /// The last two source rows of a plane interpolated along x, held in two rows of caller
    /// memory, so that each source row is interpolated once however many output rows mix it.
    struct RowPair {
        let columns: Columns
        /// Two rows of `columns.taps.count` floats.
        let slots: UnsafeMutablePointer<Float>
        private var held = [-1, -1]

        init(_ columns: Columns, slots: UnsafeMutablePointer<Float>) {
            self.columns = columns
            self.slots = slots
        }

        /// Forgets the rows held (for a new plane).
        mutating func reset() { held = [-1, -1] }

        /// Source row `row` of `plane` (rows of `inW`) interpolated along x, replacing the held
        /// row other than `keep` when it is not held yet.
        mutating func row(_ row: Int, of plane: UnsafePointer<Float>, inW: Int, keep: Int) -> UnsafeMutablePointer<Float> {
            let width = columns.taps.count
            if let slot = held.firstIndex(of: row) { return slots + slot * width }
            let slot = held[0] == keep ? 1 : 0
            columns.interpolate(plane + row * inW, into: slots + slot * width)
            held[slot] = row
            return slots + slot * width
        }
    }

    /// Bilinear resize of `planes`: each source row is interpolated along x once (`RowPair`,
    /// in `scratch`, 2 x outW floats), and output rows mix two of them along y (the same
    /// arithmetic, per output pixel, as interpolating both rows for it).
    private static func linear(_ src: UnsafeMutablePointer<Float>, _ dst: UnsafeMutablePointer<Float>, planes: Range<Int>,
                               inH: Int, inW: Int, outH: Int, rowTaps: [(Int, Int, Float)], columns: Columns,
                               scratch: UnsafeMutablePointer<Float>) {
        let outW = columns.taps.count
        var pair = RowPair(columns, slots: scratch)
        for p in planes {
            let plane = UnsafePointer(src + p * inH * inW), out = dst + p * outH * outW
            pair.reset()
            for oy in 0..<outH {
                let (y0, y1, fy) = rowTaps[oy]
                let top = pair.row(y0, of: plane, inW: inW, keep: y1), bottom = pair.row(y1, of: plane, inW: inW, keep: y0)
                let row = out + oy * outW
                if columns.avx512 {
                    ss_mix_rows(top, bottom, fy, Int64(outW), row)
                } else {
                    for ox in 0..<outW { row[ox] = top[ox] + (bottom[ox] - top[ox]) * fy }
                }
            }
        }
    }

    /// Plain resize of the last two axes by the ONNX formulas, the test oracle: the output
    /// size is `sizes` or floor(input * scale) (a scale from sizes is output / input);
    /// each output pixel maps back to an input coordinate and takes the nearest pixel or
    /// the bilinear mix of its four neighbours, the coordinate clamped to the input.
    static func reference(_ x: Tensor, scales: [Float]?, sizes: [Int]?, linear: Bool, coordinateMode: String, nearestMode: String) -> Tensor {
        let shape = sizes ?? x.shape.indices.map { Int((Float(x.shape[$0]) * scales![$0]).rounded(.down)) }
        let scale = scales ?? shape.indices.map { Float(shape[$0]) / Float(x.shape[$0]) }
        func source(_ o: Int, axis: Int) -> Float {
            let o = Float(o), s = scale[axis], inLength = Float(x.shape[axis]), outLength = Float(shape[axis])
            switch coordinateMode {
            case "half_pixel": return (o + 0.5) / s - 0.5
            case "pytorch_half_pixel": return outLength > 1 ? (o + 0.5) / s - 0.5 : 0
            case "align_corners": return outLength == 1 ? 0 : o * (inLength - 1) / (outLength - 1)
            case "asymmetric": return o / s
            default: return (o + 0.5) / s   // tf_half_pixel_for_nn
            }
        }
        func nearest(_ c: Float, axis: Int) -> [(Int, Float)] {
            let below = c.rounded(.down), fraction = c - below
            let i: Float
            switch nearestMode {
            case "floor": i = below
            case "ceil": i = c.rounded(.up)
            case "round_prefer_ceil": i = fraction >= 0.5 ? below + 1 : below
            default: i = fraction > 0.5 ? below + 1 : below   // round_prefer_floor
            }
            return [(min(max(Int(i), 0), x.shape[axis] - 1), 1)]
        }
        func neighbours(_ c: Float, axis: Int) -> [(Int, Float)] {
            let c = min(max(c, 0), Float(x.shape[axis] - 1)), below = Int(c.rounded(.down)), fraction = c - Float(below)
            return [(below, 1 - fraction), (min(below + 1, x.shape[axis] - 1), fraction)]
        }
        let taps = linear ? neighbours : nearest
        var y = Tensor(zeros: shape)
        for index in allIndices(shape) {
            for (iy, wy) in taps(source(index[2], axis: 2), 2) {
                for (ix, wx) in taps(source(index[3], axis: 3), 3) { y[index: index] += wy * wx * x[index: [index[0], index[1], iy, ix]] }
            }
        }
        return y
    }
}
