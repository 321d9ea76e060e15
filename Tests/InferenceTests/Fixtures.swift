import Foundation
@testable import Inference

/// Locations of the committed fixtures (see tools/export_test_models.py and tools/export_op_tests.py).
enum Fixtures {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("fixtures")
    static let models = root.appendingPathComponent("models/test")
    static let ops = root.appendingPathComponent("ops")

    static func npy(_ url: URL) throws -> TensorValue { try Npy.read(contentsOf: url) }
}

/// Largest absolute difference between two float tensors of one shape, and the range of `reference`.
func maxDifference(_ a: Tensor, _ reference: Tensor) -> (diff: Float, range: Float) {
    precondition(a.shape == reference.shape, "shape \(a.shape) vs \(reference.shape)")
    var diff: Float = 0
    for i in 0..<a.data.count { diff = max(diff, abs(a.data[i] - reference.data[i])) }
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

    mutating func tensor(_ shape: [Int]) -> Tensor {
        Tensor(shape: shape, data: (0..<shape.reduce(1, *)).map { _ in next() })
    }
}
