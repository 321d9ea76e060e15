import Foundation
import Testing
@testable import Pipeline

@Suite struct BoundedQueueTests {
    @Test func deliversInOrderAndEndsAfterClose() {
        let queue = BoundedQueue<Int>(name: "q", capacity: 4)
        DispatchQueue.global().async {
            for i in 0..<100 { queue.push(i) }
            queue.close()
        }
        var received: [Int] = []
        while let item = queue.pop() { received.append(item) }
        #expect(received == Array(0..<100))
        let stats = queue.statistics
        #expect(stats.pushed == 100 && stats.dropped == 0 && stats.maxDepth <= 4)
    }

    @Test func fullQueueBlocksTheProducer() {
        let queue = BoundedQueue<Int>(name: "q", capacity: 2)
        queue.push(1)
        queue.push(2)
        let started = DispatchSemaphore(value: 0), pushed = DispatchSemaphore(value: 0)
        // A thread of its own: a busy dispatch pool could start the push after the wait below.
        Thread {
            started.signal()
            queue.push(3)
            pushed.signal()
        }.start()
        started.wait()
        #expect(pushed.wait(timeout: .now() + 0.3) == .timedOut, "the third push waits for room")
        #expect(queue.pop() == 1)
        #expect(pushed.wait(timeout: .now() + 5) == .success)
        #expect(queue.depth == 2)
        #expect(queue.statistics.blockedSeconds >= 0.2)
    }

    @Test func dropOldestSparesTheItemsItKeeps() {
        let queue = BoundedQueue<Int>(name: "q", capacity: 3, policy: .dropOldest, keeps: { $0 % 10 == 0 })
        for i in [10, 1, 2, 3, 20, 4] { queue.push(i) }
        queue.close()
        var received: [Int] = []
        while let item = queue.pop() { received.append(item) }
        #expect(received == [10, 20, 4])
        #expect(queue.statistics.dropped == 3)

        let markers = BoundedQueue<Int>(name: "q", capacity: 2, policy: .dropOldest, keeps: { $0 % 10 == 0 })
        for i in [10, 20, 5] { markers.push(i) }
        #expect(markers.statistics.dropped == 1, "a full queue of protected items drops the new one")
        let pushed = DispatchSemaphore(value: 0)
        Thread {
            markers.push(30)
            pushed.signal()
        }.start()
        #expect(pushed.wait(timeout: .now() + 0.3) == .timedOut, "a protected item waits for room")
        #expect(markers.pop() == 10)
        #expect(pushed.wait(timeout: .now() + 5) == .success)
        markers.close()
        #expect(markers.pop() == 20 && markers.pop() == 30 && markers.pop() == nil)
    }

    @Test func dropOldestKeepsTheNewestAndCountsDrops() {
        let queue = BoundedQueue<Int>(name: "q", capacity: 3, policy: .dropOldest)
        for i in 0..<10 { queue.push(i) }
        queue.close()
        var received: [Int] = []
        while let item = queue.pop() { received.append(item) }
        #expect(received == [7, 8, 9])
        #expect(queue.statistics.dropped == 7)
    }

    @Test func cancelWakesBothSides() {
        let full = BoundedQueue<Int>(name: "full", capacity: 1)
        full.push(0)
        let empty = BoundedQueue<Int>(name: "empty", capacity: 1)
        let done = DispatchGroup()
        let pushResult = Box<Bool>(true)
        let popResult = Box<Int?>(0)
        DispatchQueue.global().async(group: done) { pushResult.value = full.push(1) }
        DispatchQueue.global().async(group: done) { popResult.value = empty.pop() }
        Thread.sleep(forTimeInterval: 0.1)
        full.cancel()
        empty.cancel()
        #expect(done.wait(timeout: .now() + 5) == .success)
        #expect(pushResult.value == false && popResult.value == nil)
    }
}

/// A value written by one thread and read by another after a `DispatchGroup.wait`.
final class Box<Value>: @unchecked Sendable {
    var value: Value
    init(_ value: Value) { self.value = value }
}
