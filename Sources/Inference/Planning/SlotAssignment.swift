/// Which memory slot each value of a plan lives in: runtime values whose lifetimes do not
/// overlap share a slot of their element type (a view shares its source's); constants read at
/// run time get slots of their own, pinned and filled once.
struct SlotAssignment {
    /// Each slot's size.
    private(set) var bytes: [Int] = []
    /// The slot of each value.
    private(set) var slotOf: [String: Int] = [:]
    /// The constants to store in their slots before the first run.
    private(set) var constants: [String] = []
    /// Bytes of the slots that hold runtime values (not constants).
    var runtimeBytes: Int { zip(bytes, pinned).filter { !$0.1 }.map(\.0).reduce(0, +) }

    /// Where each runtime slot starts in one block of `arenaBytes` (64-byte aligned); nil for
    /// constants' slots, which get memory of their own.
    var arenaOffsets: [Int?] {
        var next = 0
        return bytes.indices.map { s in
            guard !pinned[s] else { return nil }
            defer { next += (bytes[s] + 63) / 64 * 64 }
            return next
        }
    }

    /// The size of the block `arenaOffsets` lays the runtime slots out in.
    var arenaBytes: Int { bytes.indices.filter { !pinned[$0] }.reduce(0) { $0 + (bytes[$1] + 63) / 64 * 64 } }

    private var types: [ElementType] = []
    private var pinned: [Bool] = []
    private var live: [Int] = []
    private var free: [Int] = []

    /// Assigns the values `work` reads and writes, in order, and the graph's inputs.
    init(_ work: [Planner.Work], graph: Graph, infos: [String: ValueInfo]) {
        var lastUse: [String: Int] = [:]
        for (k, w) in work.enumerated() { for i in w.inputs where !i.isEmpty { lastUse[i] = k } }
        for o in graph.outputs { lastUse[o.name] = Int.max }
        for w in work {
            for i in w.inputs where !i.isEmpty && slotOf[i] == nil {
                guard let info = infos[i], info.constant != nil else { continue }
                slotOf[i] = newSlot(info.type, bytes: info.desc.count * info.desc.elementSize, pinned: true)
                constants.append(i)
            }
        }
        for input in graph.inputs {
            slotOf[input.name] = acquire(infos[input.name]!.desc)
            if lastUse[input.name] == nil { release(input.name) }
        }
        for (k, w) in work.enumerated() {
            for (o, name) in w.outputs.enumerated() where !name.isEmpty {
                if o == 0, w.kernel.isView, let s = slotOf[w.inputs[0]] {
                    slotOf[name] = s
                    if !pinned[s] { live[s] += 1 }
                } else {
                    slotOf[name] = acquire(infos[name]!.desc)
                }
            }
            for name in Set(w.inputs) where !name.isEmpty && lastUse[name] == k { release(name) }
            for name in w.outputs where !name.isEmpty && lastUse[name] == nil { release(name) }
        }
    }

    private mutating func newSlot(_ type: ElementType, bytes size: Int, pinned isPinned: Bool) -> Int {
        types.append(type)
        bytes.append(size)
        pinned.append(isPinned)
        live.append(isPinned ? 0 : 1)
        return bytes.count - 1
    }

    /// A free slot of `desc`'s type, the smallest that fits (else the largest, grown), or a new one.
    private mutating func acquire(_ desc: TensorDesc) -> Int {
        let size = desc.count * desc.elementSize
        let candidates = free.filter { types[$0] == desc.type }
        let pick = candidates.filter { bytes[$0] >= size }.min { bytes[$0] < bytes[$1] } ?? candidates.max { bytes[$0] < bytes[$1] }
        guard let s = pick else { return newSlot(desc.type, bytes: size, pinned: false) }
        free.removeAll { $0 == s }
        bytes[s] = max(bytes[s], size)
        live[s] = 1
        return s
    }

    /// One reader of `name`'s slot is done with it; the slot is free when none is left.
    private mutating func release(_ name: String) {
        guard let s = slotOf[name], !pinned[s] else { return }
        live[s] -= 1
        if live[s] == 0 { free.append(s) }
    }
}
