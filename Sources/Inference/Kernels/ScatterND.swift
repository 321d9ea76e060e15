/// ScatterND(data, indices, updates): a copy of data whose slices at the rows of `indices`
/// (k coordinates each; negative count from the end) are replaced by, or with `reduction`
/// add/mul/max/min combined with, the matching slices of `updates`, in row order. Float32 or
/// Int64 data.
struct ScatterND: Kernel {
    enum Reduction: String { case none, add, mul, max, min }

    let node: Node
    let reduction: Reduction

    init(_ node: Node) throws {
        self.node = node
        let name = try node.string("reduction", default: "none")
        guard let reduction = Reduction(rawValue: name) else { throw node.error("reduction must be none, add, mul, max or min, not \(name)") }
        self.reduction = reduction
    }

    func outputs(_ inputs: [ValueInfo?]) throws -> [TensorDesc] {
        let x = try node.required(inputs, 0), i = try node.required(inputs, 1), u = try node.required(inputs, 2)
        guard i.type == .int64 else { throw node.error("indices must be an integer type") }
        guard u.type == x.type else { throw node.error("updates and data have different types (\(u.type), \(x.type))") }
        guard let k = i.shape.last, k <= x.shape.count, u.shape == Array(i.shape.dropLast()) + Array(x.shape[k...]) else {
            throw node.error("indices \(i.shape) and updates \(u.shape) do not fit data \(x.shape)")
        }
        return [x.desc]
    }

    func step(_ inputs: [Buffer?], _ outputs: [Buffer], _ context: PlanContext) throws -> Step {
        let x = inputs[0]!, indices = inputs[1]!, updates = inputs[2]!, y = outputs[0], reduction = reduction
        let k = indices.shape.last!, rows = indices.count / max(k, 1), slice = x.shape[k...].reduce(1, *)
        let dims = Array(x.shape[..<k]), strides = Array(stridesOf(x.shape)[..<k]), isFloat = x.desc.type == .float32
        func combine<T: Comparable & Numeric>(_ target: UnsafeMutablePointer<T>, _ source: UnsafeMutablePointer<T>) {
            for e in 0..<slice {
                switch reduction {
                case .none: target[e] = source[e]
                case .add: target[e] += source[e]
                case .mul: target[e] *= source[e]
                case .max: target[e] = Swift.max(target[e], source[e])
                case .min: target[e] = Swift.min(target[e], source[e])
                }
            }
        }
        return {
            y.raw.copyMemory(from: x.raw, byteCount: x.count * x.desc.elementSize)
            for r in 0..<rows {
                var offset = 0
                for d in 0..<k {
                    offset += clampedIndex(indices.int64s[r * k + d], count: dims[d]) * strides[d]
                }
                if isFloat {
                    combine(y.floats + offset, updates.floats + r * slice)
                } else {
                    combine(y.int64s + offset, updates.int64s + r * slice)
                }
            }
        }
    }

    /// Plain scatter, the test oracle (Float32).
    static func reference(_ data: Tensor, indices: Int64Tensor, updates: Tensor, reduction: Reduction) -> Tensor {
        var y = data
        let k = indices.shape.last!, rowShape = Array(indices.shape.dropLast())
        for row in allIndices(rowShape) {
            let coordinates = (0..<k).map { d -> Int in
                let i = Int(indices[index: row + [d]])
                return i < 0 ? i + data.shape[d] : i
            }
            for rest in allIndices(Array(data.shape[k...])) {
                let target = coordinates + rest, source = updates[index: row + rest]
                switch reduction {
                case .none: y[index: target] = source
                case .add: y[index: target] += source
                case .mul: y[index: target] *= source
                case .max: y[index: target] = Swift.max(y[index: target], source)
                case .min: y[index: target] = Swift.min(y[index: target], source)
                }
            }
        }
        return y
    }
}
