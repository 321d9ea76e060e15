import Foundation

/// Routes SIGINT to a handler instead of killing the process, while it is installed.
///
/// The handler is released with this object, on the thread that drops it: a cancelled Dispatch
/// source frees its own handler later on one of Dispatch's threads, and a handler holding a
/// pipeline then closed its reader there while the CLI was exiting (and once crashed it).
public final class InterruptSignal: @unchecked Sendable {
    private let source: DispatchSourceSignal
    private let handler: @Sendable () -> Void

    public init(handler: @escaping @Sendable () -> Void) {
        self.handler = handler
        signal(SIGINT, SIG_IGN)
        source = DispatchSource.makeSignalSource(signal: SIGINT, queue: DispatchQueue(label: "segstream.sigint"))
        source.setEventHandler { [weak self] in self?.handler() }
        source.resume()
    }

    deinit {
        source.cancel()
        signal(SIGINT, SIG_DFL)
    }
}
