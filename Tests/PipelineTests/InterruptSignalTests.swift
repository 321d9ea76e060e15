import Testing
@testable import Pipeline

@Suite struct InterruptSignalTests {
    /// Dropping the signal frees its handler, and what the handler holds, at once: freed later on
    /// a Dispatch thread, a pipeline's reader closed there while the CLI exited.
    @Test func droppingItFreesTheHandlerAtOnce() {
        final class Held: Sendable {}
        for _ in 0..<20 {
            weak var held: Held?
            do {
                let object = Held()
                held = object
                let signal = InterruptSignal { withExtendedLifetime(object) {} }
                withExtendedLifetime(signal) {}
            }
            #expect(held == nil)
        }
    }
}
