/// Element type and shape of a planned value.
struct TensorDesc: Equatable {
    var type: ElementType
    var shape: [Int]
    var count: Int { shape.reduce(1, *) }
    var elementSize: Int { type == .float32 ? 4 : 8 }

    static func float(_ shape: [Int]) -> TensorDesc { TensorDesc(type: .float32, shape: shape) }
    static func int64(_ shape: [Int]) -> TensorDesc { TensorDesc(type: .int64, shape: shape) }
}

/// What the planner knows about a value: its type and shape, and its contents when
/// they are known before running (initializers and folded constants).
struct ValueInfo {
    var desc: TensorDesc
    var constant: TensorValue?

    var shape: [Int] { desc.shape }
    var type: ElementType { desc.type }
}

/// A planned value in preallocated memory that stays valid for the life of its session.
struct Buffer {
    let desc: TensorDesc
    let raw: UnsafeMutableRawPointer

    var shape: [Int] { desc.shape }
    var count: Int { desc.count }
    var floats: UnsafeMutablePointer<Float> { raw.assumingMemoryBound(to: Float.self) }
    var int64s: UnsafeMutablePointer<Int64> { raw.assumingMemoryBound(to: Int64.self) }

    /// Copies `value` in, cut across `threads`; its type and element count must match.
    func store(_ value: TensorValue, threads: Int = 1) {
        let bytes = count * desc.elementSize
        switch value {
        case .float32(let t):
            precondition(desc.type == .float32 && t.data.count == count)
            t.data.withUnsafeBytes { parallelCopy(from: $0.baseAddress!, to: raw, bytes: bytes, threads: threads) }
        case .int64(let t):
            precondition(desc.type == .int64 && t.data.count == count)
            t.data.withUnsafeBytes { parallelCopy(from: $0.baseAddress!, to: raw, bytes: bytes, threads: threads) }
        }
    }

    /// A copy of the contents, cut across `threads`.
    func load(threads: Int = 1) -> TensorValue {
        switch desc.type {
        case .float32: return .float32(Tensor(shape: shape, data: copiedArray(of: Float.self, threads: threads)))
        case .int64: return .int64(Int64Tensor(shape: shape, data: copiedArray(of: Int64.self, threads: threads)))
        }
    }

    private func copiedArray<T>(of _: T.Type, threads: Int) -> [T] {
        [T](unsafeUninitializedCapacity: count) { out, initialized in
            parallelCopy(from: raw, to: UnsafeMutableRawPointer(out.baseAddress!), bytes: count * MemoryLayout<T>.stride, threads: threads)
            initialized = count
        }
    }
}

/// Owns one block of 64-byte-aligned memory.
final class Memory {
    let raw: UnsafeMutableRawPointer
    let bytes: Int

    init(bytes: Int) {
        self.bytes = max(bytes, 64)
        raw = UnsafeMutableRawPointer.allocate(byteCount: self.bytes, alignment: 64)
        raw.initializeMemory(as: UInt8.self, repeating: 0, count: self.bytes)
    }

    deinit { raw.deallocate() }
}

/// Scratch memory shared by the steps of one session (they run one at a time).
final class Scratch {
    private(set) var memory = Memory(bytes: 64)

    /// Makes sure at least `floats` Float32 elements are available (planning time only). New
    /// scratch holds NaNs, not zeros: steps share it, so a step must write what it reads (and a
    /// step that does not shows in tests).
    func reserve(floats: Int) {
        guard floats * 4 > memory.bytes else { return }
        memory = Memory(bytes: floats * 4)
        self.floats.update(repeating: .nan, count: floats)
    }

    var floats: UnsafeMutablePointer<Float> { memory.raw.assumingMemoryBound(to: Float.self) }
}
