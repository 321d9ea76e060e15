import Foundation

/// Routes SIGINT to a handler instead of killing the process, while it is installed.
public final class InterruptSignal {
    private let source: DispatchSourceSignal

    public init(handler: @escaping @Sendable () -> Void) {
        signal(SIGINT, SIG_IGN)
        source = DispatchSource.makeSignalSource(signal: SIGINT, queue: DispatchQueue(label: "segstream.sigint"))
        source.setEventHandler(handler: handler)
        source.resume()
    }

    deinit {
        source.cancel()
        signal(SIGINT, SIG_DFL)
    }
}
