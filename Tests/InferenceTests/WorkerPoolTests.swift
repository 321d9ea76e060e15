import Synchronization
import Testing
@testable import Inference

/// The engine's parallel loops on its worker pool: every index runs exactly once, and threads
/// running at the same time never share a slot (kernels pick per-thread scratch by slot).
@Suite struct WorkerPoolTests {
    /// Runs `parallelClaimed` and checks coverage and slots.
    func checkClaimed(count: Int, threads: Int, grain: Int) {
        let runs = Mutex([Int](repeating: 0, count: count)), busy = Mutex(Set<Int>()), clash = Atomic<Bool>(false)
        parallelClaimed(count, threads: threads, grain: grain) { slot, range in
            let fresh = busy.withLock { $0.insert(slot).inserted }
            if !fresh || slot >= threads { clash.store(true, ordering: .relaxed) }
            runs.withLock { for i in range { $0[i] += 1 } }
            busy.withLock { _ = $0.remove(slot) }
        }
        let counts = runs.withLock { $0 }
        #expect(counts == [Int](repeating: 1, count: count), "count \(count) threads \(threads) grain \(grain)")
        let clashed = clash.load(ordering: .relaxed)
        #expect(!clashed, "a slot at or past \(threads), or two threads in one slot at once")
    }

    @Test(arguments: [(count: 1000, threads: 2, grain: 7), (count: 5, threads: 4, grain: 1), (count: 64, threads: 1, grain: 8),
                      (count: 0, threads: 2, grain: 3)])
    func claimedRangesRunEveryIndexOnceInDistinctSlots(_ shape: (count: Int, threads: Int, grain: Int)) {
        checkClaimed(count: shape.count, threads: shape.threads, grain: shape.grain)
    }

    /// A loop inside another loop's body finds the pool taken and runs on libdispatch.
    @Test func nestedLoopsRunOnLibdispatch() {
        parallelChunks(2, threads: 2) { _, _ in checkClaimed(count: 300, threads: 3, grain: 4) }
    }
}
