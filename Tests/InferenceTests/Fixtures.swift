import Foundation
@testable import Inference

/// Locations of the committed fixtures (see tools/fixtures/export_test_models.py, tools/fixtures/export_op_tests.py
/// and tools/zoo/make_fixtures.py).
enum Fixtures {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("fixtures")
    static let models = root.appendingPathComponent("models/test")
    static let ops = root.appendingPathComponent("ops")
    static let zoo = root.appendingPathComponent("zoo")

    static func npy(_ url: URL) throws -> TensorValue { try Npy.read(contentsOf: url) }
}

/// Largest absolute difference between two float tensors of one shape (infinite where either
/// is NaN), and the range of `reference`.
func maxDifference(_ a: Tensor, _ reference: Tensor) -> (diff: Float, range: Float) {
    precondition(a.shape == reference.shape, "shape \(a.shape) vs \(reference.shape)")
    var diff: Float = 0
    for i in 0..<a.data.count {
        let d = abs(a.data[i] - reference.data[i])
        diff = d.isNaN ? .infinity : max(diff, d)
    }
    let range = (reference.data.max() ?? 0) - (reference.data.min() ?? 0)
    return (diff, range)
}

/// Deterministic pseudo-random floats in [-1, 1) for kernel tests.
struct SeededRandom {
    var state: UInt64

    mutating func next() -> Float {
        state = state &* 6364136223846793005 &+ 1442695040888963407
        return Float(Int32(truncatingIfNeeded: state >> 32)) / Float(Int32.max)
    }

    mutating func int(_ range: ClosedRange<Int>) -> Int {
        range.lowerBound + Int((next() + 1) / 2 * Float(range.count - 1) + 0.5)
    }

    mutating func bool() -> Bool { next() >= 0 }

    mutating func element<T>(_ options: [T]) -> T { options[int(0...(options.count - 1))] }

    /// A shape of `rank` dimensions, each in `dims`.
    mutating func shape(rank: ClosedRange<Int>, dims: ClosedRange<Int>) -> [Int] {
        (0..<int(rank)).map { _ in int(dims) }
    }

    /// Floats in [-scale, scale).
    mutating func tensor(_ shape: [Int], scale: Float = 1) -> Tensor {
        Tensor(shape: shape, data: (0..<shape.reduce(1, *)).map { _ in scale * next() })
    }

    mutating func integers(_ shape: [Int], _ range: ClosedRange<Int>) -> Int64Tensor {
        Int64Tensor(shape: shape, data: (0..<shape.reduce(1, *)).map { _ in Int64(int(range)) })
    }

    /// Whole numbers in -99...99 as floats, which convert exactly to Int64 (see `typed`).
    mutating func wholeNumbers(_ shape: [Int]) -> Tensor {
        Tensor(shape: shape, data: integers(shape, -99...99).data.map { Float($0) })
    }

    /// A random ordering of 0..<count.
    mutating func permutation(_ count: Int) -> [Int] {
        var p = Array(0..<count)
        for i in stride(from: count - 1, to: 0, by: -1) { p.swapAt(i, int(0...i)) }
        return p
    }
}

extension SeededRandom {
    /// A stream seeded from `label` (FNV-1a), the same in every run, unlike `hashValue`.
    init(_ label: String) {
        self.init(state: label.utf8.reduce(14695981039346656037) { ($0 ^ UInt64($1)) &* 1099511628211 })
    }
}
