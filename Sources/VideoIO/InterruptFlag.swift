import CFFmpeg
import Dispatch
import Synchronization

/// A flag libav polls during blocking I/O, so a stuck network read can be abandoned: when the
/// flag is raised (cancellation) or a deadline set for the current operation has passed (a stall).
final class InterruptFlag: Sendable {
    private let raised = Atomic<Bool>(false)
    /// Uptime in nanoseconds after which blocking I/O gives up; 0: no deadline.
    private let deadline = Atomic<UInt64>(0)

    func raise() { raised.store(true, ordering: .relaxed) }
    var isRaised: Bool { raised.load(ordering: .relaxed) }

    /// Abandons the blocking I/O that follows if it runs longer than `seconds` (nil: never).
    func setDeadline(in seconds: Double?) {
        deadline.store(seconds.map { DispatchTime.now().uptimeNanoseconds + UInt64(max(0, $0) * 1e9) } ?? 0, ordering: .relaxed)
    }

    /// Whether a deadline was set and has passed.
    var isPastDeadline: Bool {
        let limit = deadline.load(ordering: .relaxed)
        return limit != 0 && DispatchTime.now().uptimeNanoseconds >= limit
    }

    /// A callback for `AVFormatContext.interrupt_callback`; `self` must outlive the context.
    var callback: AVIOInterruptCB {
        AVIOInterruptCB(
            callback: { opaque in
                guard let opaque else { return 0 }
                let flag = Unmanaged<InterruptFlag>.fromOpaque(opaque).takeUnretainedValue()
                return flag.isRaised || flag.isPastDeadline ? 1 : 0
            },
            opaque: Unmanaged.passUnretained(self).toOpaque()
        )
    }
}

/// A count shared between threads (and between the readers of one live input).
final class SharedCounter: Sendable {
    private let count = Atomic<Int>(0)

    var value: Int { count.load(ordering: .relaxed) }
    func add(_ amount: Int) { count.add(amount, ordering: .relaxed) }
}
