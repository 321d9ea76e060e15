import Foundation

/// What a full queue does with a new item.
public enum QueuePolicy: String, Sendable {
    /// The producer waits for room (backpressure; for files).
    case block
    /// The oldest queued item is dropped and counted (for live sources).
    case dropOldest
}

/// Depth, wait and drop figures of one queue.
public struct QueueStatistics: Sendable {
    public var name: String
    public var capacity: Int
    public var pushed = 0
    public var dropped = 0
    public var maxDepth = 0
    /// Mean depth seen by pushes (after the push).
    public var meanDepth: Double { pushed == 0 ? 0 : Double(depthSum) / Double(pushed) }
    /// Seconds producers spent waiting for room.
    public var blockedSeconds: Double = 0
    var depthSum = 0
}

/// A thread-safe FIFO of at most `capacity` items connecting two stages.
///
/// `pop` blocks until an item arrives or the queue is closed and empty; `push` blocks while the
/// queue is full (policy `block`) or drops the oldest item that `keeps` does not protect
/// (`dropOldest`; when every queued item is protected, the new item is dropped instead, or, if
/// protected too, waits). `cancel` wakes both sides at once and makes further pushes and pops fail.
public final class BoundedQueue<Item>: @unchecked Sendable {
    private var items: [Item?]
    private var head = 0
    private var count = 0
    private var closed = false
    private var cancelled = false
    private let policy: QueuePolicy
    private let keeps: @Sendable (Item) -> Bool
    private let condition = NSCondition()
    private var stats: QueueStatistics

    /// - Parameter keeps: items `dropOldest` never drops (unless nothing else is queued).
    public init(name: String, capacity: Int, policy: QueuePolicy = .block, keeps: @escaping @Sendable (Item) -> Bool = { _ in false }) {
        precondition(capacity > 0, "queue capacity must be positive")
        items = Array(repeating: nil, count: capacity)
        self.policy = policy
        self.keeps = keeps
        stats = QueueStatistics(name: name, capacity: capacity)
    }

    /// Appends `item`; returns false when the queue was cancelled (the item is discarded).
    @discardableResult
    public func push(_ item: Item) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        if count == items.count && !cancelled {
            if policy == .dropOldest, let offset = oldestDroppable {
                drop(at: offset)
            } else if policy == .dropOldest && !keeps(item) {
                stats.dropped += 1   // only protected items are queued: the new one goes instead
                return true
            } else {
                let started = DispatchTime.now()
                while count == items.count && !cancelled { condition.wait() }
                stats.blockedSeconds += Double(DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1e9
            }
        }
        guard !cancelled else { return false }
        precondition(!closed, "push after close")
        items[(head + count) % items.count] = item
        count += 1
        stats.pushed += 1
        stats.depthSum += count
        stats.maxDepth = max(stats.maxDepth, count)
        condition.broadcast()
        return true
    }

    /// The position (from the head) of the oldest queued item `keeps` does not protect.
    private var oldestDroppable: Int? { (0..<count).first { !keeps(items[(head + $0) % items.count]!) } }

    /// Removes the item `offset` places from the head, moving the older ones down.
    private func drop(at offset: Int) {
        for i in stride(from: offset, to: 0, by: -1) {
            items[(head + i) % items.count] = items[(head + i - 1) % items.count]
        }
        items[head] = nil
        head = (head + 1) % items.count
        count -= 1
        stats.dropped += 1
    }

    /// Removes the oldest item; nil once the queue is closed and empty, or cancelled.
    public func pop() -> Item? {
        condition.lock()
        defer { condition.unlock() }
        while count == 0 && !closed && !cancelled { condition.wait() }
        guard !cancelled, count > 0 else { return nil }
        let item = items[head]
        items[head] = nil
        head = (head + 1) % items.count
        count -= 1
        condition.broadcast()
        return item
    }

    /// Marks the end of input: consumers drain what is queued, then `pop` returns nil.
    public func close() {
        condition.lock()
        closed = true
        condition.broadcast()
        condition.unlock()
    }

    /// Abandons the queue: waiting producers and consumers return at once.
    public func cancel() {
        condition.lock()
        cancelled = true
        items = items.map { _ in nil }
        count = 0
        condition.broadcast()
        condition.unlock()
    }

    /// A snapshot of the figures so far.
    public var statistics: QueueStatistics {
        condition.lock()
        defer { condition.unlock() }
        return stats
    }

    /// Items waiting now.
    public var depth: Int {
        condition.lock()
        defer { condition.unlock() }
        return count
    }
}
