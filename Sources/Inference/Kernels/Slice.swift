/// Strided slicing (opset >= 10 form): constant starts, ends, optional axes and steps
/// inputs; negative indices count from the end, then out-of-range starts and ends clamp
/// (for negative steps, starts to [0, dim - 1] and ends to [-1, dim - 1]).
struct Slice: Kernel {
    let node: Node

    init(_ node: Node) throws { self.node = node }

    /// Per-axis start and step plus the output shape.
    func resolve(_ inputs: [ValueInfo?]) throws -> (starts: [Int], steps: [Int], shape: [Int]) {
        let x = try node.required(inputs, 0)
        let rank = x.shape.count
        guard let starts = try node.constantInput(inputs, 1)?.int64Values,
              let ends = try node.constantInput(inputs, 2)?.int64Values else { throw node.error("starts and ends are required") }
        let axes = try node.constantInput(inputs, 3)?.intValues ?? Array(0..<starts.count)
        let steps = try node.constantInput(inputs, 4)?.int64Values ?? [Int64](repeating: 1, count: starts.count)
        guard ends.count == starts.count, axes.count == starts.count, steps.count == starts.count else {
            throw node.error("starts, ends, axes and steps must have the same length")
        }
        var begin = [Int](repeating: 0, count: rank), step = [Int](repeating: 1, count: rank), shape = x.shape
        for i in 0..<starts.count {
            let a = try node.normalizedAxis(axes[i], rank: rank), dim = Int64(x.shape[a])
            guard steps[i] != 0 else { throw node.error("step must not be zero") }
            func clampIndex(_ v: Int64, _ lo: Int64, _ hi: Int64) -> Int64 {
                let w = v < 0 ? v &+ dim : v
                return min(max(w, lo), hi)
            }
            let s: Int64, e: Int64
            if steps[i] > 0 {
                s = clampIndex(starts[i], 0, dim)
                e = clampIndex(ends[i], 0, dim)
                shape[a] = e > s ? Int((e - s + steps[i] - 1) / steps[i]) : 0
            } else {
                s = clampIndex(starts[i], 0, dim - 1)
                e = clampIndex(ends[i], -1, dim - 1)
                shape[a] = s > e ? Int((s - e - steps[i] - 1) / -steps[i]) : 0
            }
            begin[a] = Int(s)
            step[a] = Int(steps[i])
        }
        return (begin, step, shape)
    }

    func outputs(_ inputs: [ValueInfo?]) throws -> [TensorDesc] {
        let x = try node.required(inputs, 0)
        return [TensorDesc(type: x.type, shape: try resolve(inputs).shape)]
    }

    func step(_ inputs: [Buffer?], _ outputs: [Buffer], _ context: PlanContext) throws -> Step {
        let infos = inputs.map { $0.map { ValueInfo(desc: $0.desc, constant: $0.load()) } }
        let (begin, steps, shape) = try resolve(infos)
        let x = inputs[0]!, y = outputs[0]
        return StridedCopy(inShape: x.shape, begin: begin, steps: steps, outShape: shape, elementSize: x.desc.elementSize)
            .step(from: x.raw, to: y.raw)
    }

    /// Plain slicing by the ONNX rules, the test oracle: negative starts and ends count from
    /// the end; then starts clamp to [0, dim] (step > 0) or [0, dim - 1] (step < 0), ends to
    /// [0, dim] or [-1, dim - 1]; each sliced axis reads start, start + step, ... short of end.
    static func reference(_ x: Tensor, starts: [Int], ends: [Int], axes: [Int]?, steps: [Int]?) -> Tensor {
        var picks = x.shape.map { Array(0..<$0) }
        for (i, axis) in (axes ?? Array(starts.indices)).enumerated() {
            let a = axis < 0 ? axis + x.shape.count : axis, dim = x.shape[a], step = steps?[i] ?? 1
            let start = starts[i] < 0 ? starts[i] + dim : starts[i], end = ends[i] < 0 ? ends[i] + dim : ends[i]
            picks[a] = step > 0 ? Array(stride(from: min(max(start, 0), dim), to: min(max(end, 0), dim), by: step))
                                : Array(stride(from: min(max(start, 0), dim - 1), to: min(max(end, -1), dim - 1), by: step))
        }
        var y = Tensor(zeros: picks.map(\.count))
        for index in allIndices(y.shape) { y[index: index] = x[index: index.indices.map { picks[$0][index[$0]] }] }
        return y
    }
}

/// Copies a strided window of a tensor into a dense one, innermost axis run by run.
struct StridedCopy {
    let inShape: [Int], begin: [Int], steps: [Int], outShape: [Int], elementSize: Int

    func step(from src: UnsafeMutableRawPointer, to dst: UnsafeMutableRawPointer) -> Step {
        let rank = outShape.count, inStrides = stridesOf(inShape), size = elementSize
        let rows = outShape.dropLast().reduce(1, *), len = outShape.last ?? 1
        let lastStep = steps.last ?? 1, lastStride = inStrides.last ?? 1
        let base = zip(begin, inStrides).map(*).reduce(0, +)
        guard outShape.reduce(1, *) > 0 else { return {} }
        return {
            for r in 0..<rows {
                var rem = r, offset = base
                for d in stride(from: rank - 2, through: 0, by: -1) {
                    let i = rem % outShape[d]
                    rem /= outShape[d]
                    offset += i * steps[d] * inStrides[d]
                }
                let out = dst + r * len * size
                if lastStep == 1 {
                    out.copyMemory(from: src + offset * size, byteCount: len * size)
                } else {
                    for j in 0..<len { (out + j * size).copyMemory(from: src + (offset + j * lastStep * lastStride) * size, byteCount: size) }
                }
            }
        }
    }
}
