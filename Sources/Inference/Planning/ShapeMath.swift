import Dispatch

/// Row-major strides of `shape`.
func stridesOf(_ shape: [Int]) -> [Int] {
    var strides = [Int](repeating: 1, count: shape.count)
    var s = 1
    for i in stride(from: shape.count - 1, through: 0, by: -1) {
        strides[i] = s
        s *= shape[i]
    }
    return strides
}

extension Node {
    /// `axis` made non-negative for a tensor of `rank` dimensions.
    func normalizedAxis(_ axis: Int, rank: Int) throws -> Int {
        let a = axis < 0 ? axis + rank : axis
        guard a >= 0, a < max(rank, 1) else { throw error("axis \(axis) is out of range for rank \(rank)") }
        return a
    }

    /// The numpy-style broadcast of two shapes.
    func broadcastShape(_ a: [Int], _ b: [Int]) throws -> [Int] {
        let rank = max(a.count, b.count)
        let pa = [Int](repeating: 1, count: rank - a.count) + a
        let pb = [Int](repeating: 1, count: rank - b.count) + b
        return try (0..<rank).map { i in
            if pa[i] == pb[i] || pb[i] == 1 { return pa[i] }
            if pa[i] == 1 { return pb[i] }
            throw error("shapes \(a) and \(b) cannot be broadcast together")
        }
    }
}

/// The element count of `shape`, or nil when a dimension is negative or the count
/// exceeds `TensorDecoder.maxElements` (hostile or corrupt sizes).
func checkedCount(_ shape: [Int]) -> Int? {
    var count = 1
    for d in shape {
        guard d >= 0 else { return nil }
        let (p, overflow) = count.multipliedReportingOverflow(by: d)
        guard !overflow, p <= TensorDecoder.maxElements else { return nil }
        count = p
    }
    return count
}

/// Index `raw` along an axis of `count` elements as the gather and scatter ops read it:
/// negative counts from the end, out of range clamped to the axis.
@inline(__always)
func clampedIndex(_ raw: Int64, count: Int) -> Int {
    let i = Int(truncatingIfNeeded: raw)
    return min(max(i < 0 ? i + count : i, 0), count - 1)
}

/// Strides for reading a tensor of `shape` as if broadcast to `target` (0 on broadcast axes).
func broadcastStrides(_ shape: [Int], to target: [Int]) -> [Int] {
    let padded = [Int](repeating: 1, count: target.count - shape.count) + shape
    let s = stridesOf(padded)
    return (0..<target.count).map { padded[$0] == 1 && target[$0] != 1 ? 0 : s[$0] }
}

/// Copies `bytes` from `source` to `target`, in one piece per thread once there is at least
/// a MiB (copies are memory-bound, and two cores move more than one).
func parallelCopy(from source: UnsafeRawPointer, to target: UnsafeMutableRawPointer, bytes: Int, threads: Int) {
    let pieces = min(max(threads, 1), max(bytes >> 20, 1))
    parallelFor(pieces, threads: pieces) { range in
        for p in range {
            let start = p * bytes / pieces, end = (p + 1) * bytes / pieces
            (target + start).copyMemory(from: source + start, byteCount: end - start)
        }
    }
}

/// Runs `body` over `0..<count` split into at most `threads` contiguous chunks.
func parallelFor(_ count: Int, threads: Int, _ body: (Range<Int>) -> Void) {
    parallelChunks(count, threads: threads) { _, range in body(range) }
}

/// Like `parallelFor`, also passing the chunk's index (below `threads`), e.g. to pick a
/// per-worker scratch slice.
func parallelChunks(_ count: Int, threads: Int, _ body: (Int, Range<Int>) -> Void) {
    let chunks = min(max(threads, 1), count)
    if chunks <= 1 {
        if count > 0 { body(0, 0..<count) }
        return
    }
    WorkerPool.shared.run(chunks, threads: chunks) { c, _ in
        body(c, (c * count / chunks)..<((c + 1) * count / chunks))
    }
}

/// Runs `body` over `0..<count` in ranges of `grain` that threads claim as they become free
/// (so a thread slowed by other work on its core takes fewer), passing the thread's slot
/// (below `threads`) for per-thread scratch.
func parallelClaimed(_ count: Int, threads: Int, grain: Int, _ body: (_ slot: Int, Range<Int>) -> Void) {
    let grain = max(grain, 1), chunks = (count + grain - 1) / grain
    if min(threads, chunks) <= 1 {
        if count > 0 { body(0, 0..<count) }
        return
    }
    WorkerPool.shared.run(chunks, threads: threads) { c, slot in
        body(slot, (c * grain)..<min(count, (c + 1) * grain))
    }
}
