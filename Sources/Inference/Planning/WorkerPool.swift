import CKernels
import Dispatch
import Foundation
import Synchronization

/// Threads that run the chunks of `parallelChunks` alongside the calling thread. Between jobs
/// they spin for a moment, so the back-to-back steps of a run start on every core at once,
/// then sleep on a condition variable. (libdispatch's `concurrentPerform` on Linux wakes its
/// pool threads only after some hundreds of microseconds, so short steps ran on one core.)
final class WorkerPool: @unchecked Sendable {
    /// One worker per core besides the caller's.
    static let shared = WorkerPool(workers: max(ProcessInfo.processInfo.activeProcessorCount - 1, 0))

    /// The current job: its number (bits 40...), the threads taking part (bits 32..<40), chunk
    /// count (bits 16..<32) and next unclaimed chunk (bits 0..<16).
    private let state = Atomic<Int>(0)
    /// Claimed chunks of the current job still running.
    private let unfinished = Atomic<Int>(0)
    /// Whether a caller owns the pool (a nested or concurrent caller falls back to libdispatch).
    private let owned = Atomic<Bool>(false)
    /// The current job's body (chunk, slot), written by the owner before it publishes `state`.
    private var job: ((Int, Int) -> Void)?
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let wakeUp = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
    /// How long an idle worker spins before it sleeps.
    private static let spinNanoseconds: UInt64 = 200_000

    private init(workers: Int) {
        pthread_mutex_init(mutex, nil)
        pthread_cond_init(wakeUp, nil)
        for index in 0..<workers {
            let thread = Thread { [self] in work(slot: index + 1) }
            thread.name = "segstream-worker"
            thread.start()
        }
    }

    /// Runs `body(c, slot)` for every `c` in `0..<chunks` (at most 65535) on at most `threads`
    /// threads at once, the calling thread and workers, each claiming the next chunk when it
    /// is free. `slot` (below `threads`) tells apart the threads running at once, e.g. to pick
    /// a per-thread scratch slice. A nested or concurrent call runs its chunks on libdispatch,
    /// dealt out in turn.
    func run(_ chunks: Int, threads: Int, _ body: (_ chunk: Int, _ slot: Int) -> Void) {
        let threads = min(max(threads, 1), chunks, 255)
        guard threads > 1, chunks < 1 << 16, owned.compareExchange(expected: false, desired: true, ordering: .acquiring).exchanged else {
            // The body runs on several threads at once by contract: its chunks are independent.
            nonisolated(unsafe) let body = body
            DispatchQueue.concurrentPerform(iterations: threads) { slot in
                for c in stride(from: slot, to: chunks, by: threads) { body(c, slot) }
            }
            return
        }
        withoutActuallyEscaping(body) { body in
            job = body
            unfinished.store(chunks, ordering: .relaxed)
            let number = (state.load(ordering: .relaxed) >> 40) + 1
            state.store(number << 40 | threads << 32 | chunks << 16, ordering: .releasing)
            pthread_mutex_lock(mutex)
            pthread_cond_broadcast(wakeUp)
            pthread_mutex_unlock(mutex)
            while runClaimedChunk(slot: 0) {}
            while unfinished.load(ordering: .acquiring) > 0 { ss_cpu_relax() }
            job = nil
        }
        owned.store(false, ordering: .releasing)
    }

    /// Claims the next chunk of the current job and runs it as `slot`; false when none is left
    /// for that slot.
    private func runClaimedChunk(slot: Int) -> Bool {
        var current = state.load(ordering: .acquiring)
        while WorkerPool.hasUnclaimedChunk(current, slot: slot) {
            let (exchanged, found) = state.compareExchange(expected: current, desired: current + 1, ordering: .acquiringAndReleasing)
            if exchanged {
                job!(current & 0xFFFF, slot)
                unfinished.subtract(1, ordering: .releasing)
                return true
            }
            current = found
        }
        return false
    }

    /// Whether job `state` has a chunk nobody has claimed yet that `slot` may take.
    private static func hasUnclaimedChunk(_ state: Int, slot: Int) -> Bool {
        slot < (state >> 32) & 0xFF && state & 0xFFFF < (state >> 16) & 0xFFFF
    }

    private func hasWork(slot: Int) -> Bool { WorkerPool.hasUnclaimedChunk(state.load(ordering: .acquiring), slot: slot) }

    private func work(slot: Int) {
        while true {
            while runClaimedChunk(slot: slot) {}
            let idleSince = DispatchTime.now().uptimeNanoseconds
            var spins = 0
            while !hasWork(slot: slot) {
                spins += 1
                if spins % 64 == 0, DispatchTime.now().uptimeNanoseconds - idleSince > WorkerPool.spinNanoseconds {
                    pthread_mutex_lock(mutex)
                    while !hasWork(slot: slot) { pthread_cond_wait(wakeUp, mutex) }
                    pthread_mutex_unlock(mutex)
                } else {
                    ss_cpu_relax()
                }
            }
        }
    }
}
