/// Concatenation along `axis` of tensors of one element type.
struct Concat: Kernel {
    let node: Node
    let axis: Int

    init(_ node: Node) throws {
        self.node = node
        guard let a = node.attributes["axis"], case .int(let v) = a else { throw node.attributeError("axis", "is required") }
        axis = v
    }

    func outputs(_ inputs: [ValueInfo?]) throws -> [TensorDesc] {
        let present = inputs.compactMap { $0 }
        guard let first = present.first else { throw node.error("needs at least one input") }
        let a = try node.normalizedAxis(axis, rank: first.shape.count)
        var shape = first.shape
        shape[a] = 0
        for v in present {
            guard v.type == first.type, v.shape.count == shape.count,
                  (0..<shape.count).allSatisfy({ $0 == a || v.shape[$0] == shape[$0] }) else {
                throw node.error("inputs \(present.map(\.shape)) cannot be concatenated on axis \(axis)")
            }
            shape[a] += v.shape[a]
        }
        return [TensorDesc(type: first.type, shape: shape)]
    }

    func step(_ inputs: [Buffer?], _ outputs: [Buffer], _ context: PlanContext) throws -> Step {
        let y = outputs[0], present = inputs.compactMap { $0 }
        let a = try node.normalizedAxis(axis, rank: y.shape.count)
        let outer = y.shape[..<a].reduce(1, *), size = y.desc.elementSize
        let inner = y.shape[(a + 1)...].reduce(1, *) * size
        let outRow = y.shape[a] * inner
        // Contiguous copies (destination offset, input, source offset, bytes), cut so that every
        // thread gets a share; the copies are memory-bound, and two cores move more than one.
        var copies: [(Int, UnsafeMutableRawPointer, Int, Int)] = []
        let piece = max(1 << 16, outer * outRow / max(2 * context.threads, 1))
        var offset = 0
        for x in present {
            let row = x.shape[a] * inner
            for o in 0..<outer {
                for start in stride(from: 0, to: row, by: piece) {
                    copies.append((o * outRow + offset + start, x.raw, o * row + start, min(piece, row - start)))
                }
            }
            offset += row
        }
        let threads = context.threads
        return {
            parallelFor(copies.count, threads: threads) { range in
                for i in range {
                    let (to, x, from, bytes) = copies[i]
                    (y.raw + to).copyMemory(from: x + from, byteCount: bytes)
                }
            }
        }
    }

    /// Plain concatenation, the test oracle: each output element is read from the input
    /// whose stretch along `axis` holds it.
    static func reference(_ inputs: [Tensor], axis: Int) -> Tensor {
        let a = axis < 0 ? axis + inputs[0].shape.count : axis
        var shape = inputs[0].shape
        shape[a] = inputs.map { $0.shape[a] }.reduce(0, +)
        var y = Tensor(zeros: shape)
        for index in allIndices(shape) {
            var source = index, part = 0
            while source[a] >= inputs[part].shape[a] {
                source[a] -= inputs[part].shape[a]
                part += 1
            }
            y[index: index] = inputs[part][index: source]
        }
        return y
    }
}
