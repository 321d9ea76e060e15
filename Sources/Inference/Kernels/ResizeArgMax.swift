import CKernels

/// Resize of class scores followed by ArgMax over the channel axis (keepdims, first
/// maximum), fused by the optimiser: NCHW Float32 [N, C, h, w] in, Int64 [N, 1, H, W] out.
/// The node carries the Resize's inputs and attributes and the ArgMax's output.
///
/// Each output row interpolates every class and keeps a running maximum, so the resized
/// scores are never written. The interpolation is `Resize`'s own arithmetic (each source
/// row along x, then the two rows along y), so the labels equal ArgMax(Resize(x)). Linear
/// resizes run the `CKernels` AVX-512 rows where the CPU has them.
struct ResizeArgMax: Kernel {
    let node: Node
    let resize: Resize

    init(_ node: Node) throws {
        self.node = node
        resize = try Resize(node)
    }

    func outputs(_ inputs: [ValueInfo?]) throws -> [TensorDesc] {
        var shape = try resize.resolve(inputs).shape
        shape[1] = 1
        return [.int64(shape)]
    }

    func step(_ inputs: [Buffer?], _ outputs: [Buffer], _ context: PlanContext) throws -> Step {
        let infos = inputs.map { $0.map { ValueInfo(desc: $0.desc, constant: $0.load()) } }
        let (shape, sh, sw) = try resize.resolve(infos)
        let x = inputs[0]!, y = outputs[0]
        let rows = Rows(classes: shape[1], inH: x.shape[2], inW: x.shape[3], outH: shape[2], outW: shape[3],
                        rowTaps: resize.taps(scale: sh, inSize: x.shape[2], outSize: shape[2]),
                        colTaps: resize.taps(scale: sw, inSize: x.shape[3], outSize: shape[3]),
                        linear: resize.linear, avx512: context.instructionSet == .avx512)
        let threads = context.threads
        return {
            parallelFor(shape[0] * rows.outH, threads: threads) { range in rows.run(range, x: x.floats, labels: y.int64s) }
        }
    }

    /// The output rows of one plan: their source rows and columns, and how to compute them.
    struct Rows {
        let classes: Int, inH: Int, inW: Int, outH: Int, outW: Int
        let rowTaps: [(Int, Int, Float)]
        let colTaps: [(Int, Int, Float)]
        let linear: Bool, avx512: Bool

        /// Computes output rows `range` (image-major) of labels from scores `x`.
        func run(_ range: Range<Int>, x: UnsafeMutablePointer<Float>, labels: UnsafeMutablePointer<Int64>) {
            // Per class, the last two source rows interpolated along x, and which rows they are.
            let cache = UnsafeMutablePointer<Float>.allocate(capacity: classes * 2 * outW)
            let best = UnsafeMutablePointer<Float>.allocate(capacity: outW)
            defer { cache.deallocate(); best.deallocate() }
            var held = [Int](repeating: -1, count: 2 * classes), image = -1
            let columns = Resize.ColumnTaps(colTaps)
            for r in range {
                let i = r / outH, oy = r % outH, out = labels + r * outW
                if i != image { held.indices.forEach { held[$0] = -1 }; image = i }
                let (y0, y1, fy) = rowTaps[oy]
                for c in 0..<classes {
                    let plane = UnsafePointer(x + (i * classes + c) * inH * inW)
                    guard linear else {
                        let source = plane + y0 * inW
                        for ox in 0..<outW {
                            let v = source[colTaps[ox].0]
                            if c == 0 || v > best[ox] { best[ox] = v; out[ox] = Int64(c) }
                        }
                        continue
                    }
                    /// The cache row holding source row `row` along x, filling one not holding `keep`.
                    func interpolated(_ row: Int, keep: Int) -> UnsafeMutablePointer<Float> {
                        if held[2 * c] == row { return cache + 2 * c * outW }
                        if held[2 * c + 1] == row { return cache + (2 * c + 1) * outW }
                        let slot = held[2 * c] == keep ? 1 : 0, source = plane + row * inW, target = cache + (2 * c + slot) * outW
                        if avx512 {
                            ss_interpolate_row(source, columns.x0, columns.x1, columns.fx, Int64(outW), target)
                        } else {
                            for ox in 0..<outW {
                                let (a, b, f) = colTaps[ox]
                                target[ox] = source[a] + (source[b] - source[a]) * f
                            }
                        }
                        held[2 * c + slot] = row
                        return target
                    }
                    let top = interpolated(y0, keep: y1), bottom = interpolated(y1, keep: y0)
                    if avx512 {
                        ss_argmax_update(top, bottom, fy, Int64(outW), Int64(c), best, out)
                    } else {
                        for ox in 0..<outW {
                            let v = top[ox] + (bottom[ox] - top[ox]) * fy
                            if c == 0 || v > best[ox] { best[ox] = v; out[ox] = Int64(c) }
                        }
                    }
                }
            }
        }
    }
}
