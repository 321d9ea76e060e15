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
        let rows = Rows(classes: shape[1], inH: x.shape[2], inW: x.shape[3], outH: shape[2],
                        rowTaps: resize.taps(scale: sh, inSize: x.shape[2], outSize: shape[2]),
                        columns: Resize.Columns(resize.taps(scale: sw, inSize: x.shape[3], outSize: shape[3]),
                                                avx512: context.instructionSet == .avx512),
                        linear: resize.linear)
        let threads = context.threads, slice = rows.scratchFloats
        context.scratch.reserve(floats: slice * threads)
        let scratch = context.scratch
        return {
            parallelChunks(shape[0] * rows.outH, threads: threads) { worker, range in
                rows.run(range, x: x.floats, labels: y.int64s, scratch: scratch.floats + worker * slice)
            }
        }
    }

    /// The output rows of one plan: their source rows and columns, and how to compute them.
    struct Rows {
        let classes: Int, inH: Int, inW: Int, outH: Int
        let rowTaps: [(Int, Int, Float)]
        let columns: Resize.Columns
        let linear: Bool

        /// Floats of scratch one worker needs: two interpolated rows per class and the running maximum.
        var scratchFloats: Int { (2 * classes + 1) * columns.taps.count }

        /// Computes output rows `range` (image-major) of labels from scores `x`, using `scratch`.
        func run(_ range: Range<Int>, x: UnsafeMutablePointer<Float>, labels: UnsafeMutablePointer<Int64>,
                 scratch: UnsafeMutablePointer<Float>) {
            let outW = columns.taps.count, cache = scratch, best = scratch + 2 * classes * outW
            var pairs = (0..<classes).map { Resize.RowPair(columns, slots: cache + 2 * $0 * outW) }, image = -1
            for r in range {
                let i = r / outH, oy = r % outH, out = labels + r * outW
                if i != image { pairs.indices.forEach { pairs[$0].reset() }; image = i }
                let (y0, y1, fy) = rowTaps[oy]
                for c in 0..<classes {
                    let plane = UnsafePointer(x + (i * classes + c) * inH * inW)
                    guard linear else {
                        let source = plane + y0 * inW
                        for ox in 0..<outW {
                            let v = source[columns.taps[ox].0]
                            if c == 0 || v > best[ox] { best[ox] = v; out[ox] = Int64(c) }
                        }
                        continue
                    }
                    let top = pairs[c].row(y0, of: plane, inW: inW, keep: y1), bottom = pairs[c].row(y1, of: plane, inW: inW, keep: y0)
                    if columns.avx512 {
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
