import Foundation

/// Routes SIGINT and SIGTERM (what Ctrl-C, `systemctl stop`, `docker stop` and Kubernetes send)
/// to a handler instead of killing the process, while it is installed.
///
/// The handler is released with this object, on the thread that drops it: a cancelled Dispatch
/// source frees its own handler later on one of Dispatch's threads, and a handler holding a
/// pipeline then closed its reader there while the CLI was exiting (and once crashed it).
public final class InterruptSignal: @unchecked Sendable {
    public static let signals = [SIGINT, SIGTERM]
    private let sources: [DispatchSourceSignal]
    private let handler: @Sendable () -> Void
    private let lock = NSLock()
    private var first: Int32?

    /// The first signal received, if any.
    public var received: Int32? { lock.withLock { first } }

    /// The exit status a run ended by `received` reports: 128 + the signal's number (130 for
    /// SIGINT, 143 for SIGTERM), as a shell does for a process the signal killed.
    public var exitStatus: Int32? { received.map { 128 + $0 } }

    /// - Parameter handler: called on each signal, on a queue of its own.
    public init(handler: @escaping @Sendable () -> Void) {
        self.handler = handler
        let queue = DispatchQueue(label: "segstream.signals")
        sources = Self.signals.map { number in
            signal(number, SIG_IGN)
            return DispatchSource.makeSignalSource(signal: number, queue: queue)
        }
        for (source, number) in zip(sources, Self.signals) {
            source.setEventHandler { [weak self] in
                guard let self else { return }
                lock.withLock { if self.first == nil { self.first = number } }
                self.handler()
            }
            source.resume()
        }
    }

    deinit {
        sources.forEach { $0.cancel() }
        Self.signals.forEach { signal($0, SIG_DFL) }
    }
}
