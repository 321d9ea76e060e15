// The vocabulary of the plain reference kernels (the test oracles): multi-index access,
// numpy broadcasting and pooled lengths, written for clarity. Optimised kernels do not use it.

/// Every multi-index of `shape`, in row-major order.
func allIndices(_ shape: [Int]) -> [[Int]] {
    shape.reduce([[]]) { prefixes, d in prefixes.flatMap { p in (0..<d).map { p + [$0] } } }
}

/// The row-major offset of multi-index `index` in `shape`.
func flatOffset(_ index: [Int], in shape: [Int]) -> Int {
    zip(index, shape).reduce(0) { $0 * $1.1 + $1.0 }
}

extension Tensor {
    /// The element at multi-index `index`.
    subscript(index index: [Int]) -> Float {
        get { data[flatOffset(index, in: shape)] }
        set { data[flatOffset(index, in: shape)] = newValue }
    }
}

extension Int64Tensor {
    /// The element at multi-index `index`.
    subscript(index index: [Int]) -> Int64 {
        get { data[flatOffset(index, in: shape)] }
        set { data[flatOffset(index, in: shape)] = newValue }
    }
}

/// The numpy broadcast of two compatible shapes.
func broadcastShapes(_ a: [Int], _ b: [Int]) -> [Int] {
    let rank = max(a.count, b.count)
    func dim(_ s: [Int], _ i: Int) -> Int { i < rank - s.count ? 1 : s[i - rank + s.count] }
    return (0..<rank).map { max(dim(a, $0), dim(b, $0)) }
}

/// The multi-index that numpy broadcasting reads from a tensor of `shape` for the
/// broadcast result's multi-index `index`.
func broadcastIndex(_ index: [Int], into shape: [Int]) -> [Int] {
    shape.indices.map { shape[$0] == 1 ? 0 : index[index.count - shape.count + $0] }
}

/// The output length of a pooling axis by the ONNX formula:
/// (input + pads - dilated kernel) / stride + 1, rounded down (or up with `ceilMode`, then
/// dropping a last window that would start in the end padding).
func pooledLength(input: Int, kernel: Int, stride: Int, dilation: Int, pads: (begin: Int, end: Int), ceilMode: Bool) -> Int {
    let steps = Double(input + pads.begin + pads.end - (kernel - 1) * dilation - 1) / Double(stride)
    let length = Int(ceilMode ? steps.rounded(.up) : steps.rounded(.down)) + 1
    return ceilMode && (length - 1) * stride >= input + pads.begin ? length - 1 : length
}
