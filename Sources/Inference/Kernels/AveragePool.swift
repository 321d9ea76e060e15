/// 2-D average pooling, NCHW Float32; `count_include_pad` decides whether padding
/// counts toward the divisor.
struct AveragePool: Kernel {
    let node: Node
    let window: WindowAttributes
    let countIncludePad: Bool

    init(_ node: Node) throws {
        self.node = node
        window = try WindowAttributes(pooling: node)
        countIncludePad = try node.int("count_include_pad", default: 0) != 0
    }

    func outputs(_ inputs: [ValueInfo?]) throws -> [TensorDesc] {
        let x = try node.required(inputs, 0)
        try node.requireNCHW(x)
        let g = try window.poolGeometry(node, input: x.shape)
        return [.float([x.shape[0], x.shape[1], g.outH, g.outW])]
    }

    func step(_ inputs: [Buffer?], _ outputs: [Buffer], _ context: PlanContext) throws -> Step {
        let x = inputs[0]!, y = outputs[0]
        let g = try window.poolGeometry(node, input: x.shape)
        let planes = x.shape[0] * x.shape[1], threads = context.threads, includePad = countIncludePad
        return {
            parallelFor(planes, threads: threads) { range in
                for p in range {
                    let src = x.floats + p * g.inH * g.inW, dst = y.floats + p * g.outH * g.outW
                    for oy in 0..<g.outH {
                        for ox in 0..<g.outW {
                            var sum: Float = 0, valid = 0, padded = 0
                            for ky in 0..<g.kh {
                                let iy = oy * g.sh - g.padTop + ky * g.dh
                                if iy >= g.inH + g.padBottom { break }
                                for kx in 0..<g.kw {
                                    let ix = ox * g.sw - g.padLeft + kx * g.dw
                                    if ix >= g.inW + g.padRight { break }
                                    padded += 1
                                    if iy < 0 || iy >= g.inH || ix < 0 || ix >= g.inW { continue }
                                    sum += src[iy * g.inW + ix]
                                    valid += 1
                                }
                            }
                            dst[oy * g.outW + ox] = sum / Float(max(includePad ? padded : valid, 1))
                        }
                    }
                }
            }
        }
    }

    /// Plain average pooling, the test oracle: X [N, C, H, W], `pads` [top, left, bottom,
    /// right]; the divisor counts the window's taps inside X, or with `countIncludePad`
    /// those inside the padded X.
    static func reference(_ x: Tensor, kernel: [Int], strides: [Int], pads: [Int], dilations: [Int], ceilMode: Bool,
                          countIncludePad: Bool) -> Tensor {
        let shape = [x.shape[0], x.shape[1]] + (0..<2).map {
            pooledLength(input: x.shape[$0 + 2], kernel: kernel[$0], stride: strides[$0], dilation: dilations[$0],
                         pads: (pads[$0], pads[$0 + 2]), ceilMode: ceilMode)
        }
        var y = Tensor(zeros: shape)
        for index in allIndices(shape) {
            var sum: Float = 0, inside = 0, insidePadded = 0
            for ky in 0..<kernel[0] {
                for kx in 0..<kernel[1] {
                    let iy = index[2] * strides[0] - pads[0] + ky * dilations[0], ix = index[3] * strides[1] - pads[1] + kx * dilations[1]
                    if iy >= -pads[0], iy < x.shape[2] + pads[2], ix >= -pads[1], ix < x.shape[3] + pads[3] { insidePadded += 1 }
                    guard iy >= 0, iy < x.shape[2], ix >= 0, ix < x.shape[3] else { continue }
                    sum += x[index: [index[0], index[1], iy, ix]]
                    inside += 1
                }
            }
            y[index: index] = sum / Float(countIncludePad ? insidePadded : inside)
        }
        return y
    }
}
