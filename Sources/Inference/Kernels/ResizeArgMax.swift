/// Resize of class scores followed by ArgMax over the channel axis (keepdims, first
/// maximum), fused by the optimiser: NCHW Float32 [N, C, h, w] in, Int64 [N, 1, H, W] out.
/// The node carries the Resize's inputs and attributes and the ArgMax's output.
///
/// Each output row interpolates every class and keeps a running maximum, so the resized
/// scores are never written. The interpolation is `Resize`'s own arithmetic (each source
/// row along x, then the two rows along y), so the labels equal ArgMax(Resize(x)).
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
        let n = shape[0], classes = shape[1], inH = x.shape[2], inW = x.shape[3], outH = shape[2], outW = shape[3]
        let rowTaps = resize.taps(scale: sh, inSize: inH, outSize: outH), colTaps = resize.taps(scale: sw, inSize: inW, outSize: outW)
        let linear = resize.linear, threads = context.threads
        return {
            parallelFor(n * outH, threads: threads) { rows in
                // Per class, the last two source rows interpolated along x, and which rows they are.
                let cache = UnsafeMutablePointer<Float>.allocate(capacity: classes * 2 * outW)
                let best = UnsafeMutablePointer<Float>.allocate(capacity: outW)
                defer { cache.deallocate(); best.deallocate() }
                var held = [Int](repeating: -1, count: 2 * classes), image = -1
                colTaps.withUnsafeBufferPointer { colTaps in
                    for r in rows {
                        let i = r / outH, oy = r % outH, labels = y.int64s + r * outW
                        if i != image { held.indices.forEach { held[$0] = -1 }; image = i }
                        let (y0, y1, fy) = rowTaps[oy]
                        for c in 0..<classes {
                            let plane = UnsafePointer(x.floats + (i * classes + c) * inH * inW)
                            let values: (Int) -> Float
                            if linear {
                                /// The cache row holding source row `row` along x, filling one not holding `keep`.
                                func interpolated(_ row: Int, keep: Int) -> UnsafeMutablePointer<Float> {
                                    if held[2 * c] == row { return cache + 2 * c * outW }
                                    if held[2 * c + 1] == row { return cache + (2 * c + 1) * outW }
                                    let slot = held[2 * c] == keep ? 1 : 0, source = plane + row * inW
                                    let target = cache + (2 * c + slot) * outW
                                    for ox in 0..<outW {
                                        let (x0, x1, fx) = colTaps[ox]
                                        target[ox] = source[x0] + (source[x1] - source[x0]) * fx
                                    }
                                    held[2 * c + slot] = row
                                    return target
                                }
                                let top = interpolated(y0, keep: y1), bottom = interpolated(y1, keep: y0)
                                values = { top[$0] + (bottom[$0] - top[$0]) * fy }
                            } else {
                                let source = plane + y0 * inW
                                values = { source[colTaps[$0].0] }
                            }
                            for ox in 0..<outW {
                                let v = values(ox)
                                if c == 0 || v > best[ox] { best[ox] = v; labels[ox] = Int64(c) }
                            }
                        }
                    }
                }
            }
        }
    }
}
