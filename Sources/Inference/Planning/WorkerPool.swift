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

    /// The current job: its number (bits 32...), chunk count (bits 16..<32) and next unclaimed chunk (bits 0..<16).
    private let state = Atomic<Int>(0)
    /// Claimed chunks of the current job still running.
    private let unfinished = Atomic<Int>(0)
    /// Whether a caller owns the pool (a nested or concurrent caller falls back to libdispatch).
    private let owned = Atomic<Bool>(false)
    /// The current job's body, written by the owner before it publishes `state`.
    private var job: ((Int) -> Void)?
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let wakeUp = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
    /// How long an idle worker spins before it sleeps.
    private static let spinNanoseconds: UInt64 = 200_000

    private init(workers: Int) {
        pthread_mutex_init(mutex, nil)
        pthread_cond_init(wakeUp, nil)
        for _ in 0..<workers {
            let thread = Thread { [self] in work() }
            thread.name = "segstream-worker"
            thread.start()
        }
    }

    /// Runs `body(c)` for every `c` in `0..<chunks` (at most 65535), on the calling thread and the workers.
    func run(_ chunks: Int, _ body: (Int) -> Void) {
        guard chunks > 1, chunks < 1 << 16, owned.compareExchange(expected: false, desired: true, ordering: .acquiring).exchanged else {
            DispatchQueue.concurrentPerform(iterations: chunks, execute: body)
            return
        }
        withoutActuallyEscaping(body) { body in
            job = body
            unfinished.store(chunks, ordering: .relaxed)
            let number = (state.load(ordering: .relaxed) >> 32) + 1
            state.store(number << 32 | chunks << 16, ordering: .releasing)
            pthread_mutex_lock(mutex)
            pthread_cond_broadcast(wakeUp)
            pthread_mutex_unlock(mutex)
            while runClaimedChunk() {}
            while unfinished.load(ordering: .acquiring) > 0 { ss_cpu_relax() }
            job = nil
        }
        owned.store(false, ordering: .releasing)
    }

    /// Claims the next chunk of the current job and runs it; false when none is left.
    private func runClaimedChunk() -> Bool {
        var current = state.load(ordering: .acquiring)
        while WorkerPool.hasUnclaimedChunk(current) {
            let (exchanged, found) = state.compareExchange(expected: current, desired: current + 1, ordering: .acquiringAndReleasing)
            if exchanged {
                job!(current & 0xFFFF)
                unfinished.subtract(1, ordering: .releasing)
                return true
            }
            current = found
        }
        return false
    }

    /// Whether job `state` has a chunk nobody has claimed yet.
    private static func hasUnclaimedChunk(_ state: Int) -> Bool { state & 0xFFFF < (state >> 16) & 0xFFFF }

    private var hasWork: Bool { WorkerPool.hasUnclaimedChunk(state.load(ordering: .acquiring)) }

    private func work() {
        while true {
            while runClaimedChunk() {}
            let idleSince = DispatchTime.now().uptimeNanoseconds
            var spins = 0
            while !hasWork {
                spins += 1
                if spins % 64 == 0, DispatchTime.now().uptimeNanoseconds - idleSince > WorkerPool.spinNanoseconds {
                    pthread_mutex_lock(mutex)
                    while !hasWork { pthread_cond_wait(wakeUp, mutex) }
                    pthread_mutex_unlock(mutex)
                } else {
                    ss_cpu_relax()
                }
            }
        }
    }
}
