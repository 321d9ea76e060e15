/// Pixel counts of (true class, predicted class) pairs, accumulated over frames.
///
/// Pixels whose truth is `LabelSet.ignore` are skipped; a predicted id outside the class range
/// counts as wrong for its true class.
public struct ConfusionMatrix: Sendable {
    public let classes: Int
    /// Row-major `classes x classes`: `counts[truth * classes + predicted]`.
    public private(set) var counts: [Int]
    /// Pixels predicted as an id outside the class range, by true class.
    private var outOfRange: [Int]

    public init(classes: Int) {
        self.classes = classes
        counts = [Int](repeating: 0, count: classes * classes)
        outOfRange = [Int](repeating: 0, count: classes)
    }

    /// Adds one frame's pixels. `truth` and `predicted` are same-sized label maps.
    public mutating func add(truth: [UInt8], predicted: [UInt8]) {
        precondition(truth.count == predicted.count, "label maps differ in size")
        for i in truth.indices {
            let t = Int(truth[i])
            guard t < classes else { continue }
            let p = Int(predicted[i])
            if p < classes { counts[t * classes + p] += 1 } else { outOfRange[t] += 1 }
        }
    }

    /// Intersection over union per class; nil for a class absent from both truth and prediction.
    public var iou: [Double?] {
        (0..<classes).map { c in
            let hit = counts[c * classes + c]
            let truthTotal = (0..<classes).reduce(outOfRange[c]) { $0 + counts[c * classes + $1] }
            let predictedTotal = (0..<classes).reduce(0) { $0 + counts[$1 * classes + c] }
            let union = truthTotal + predictedTotal - hit
            return union == 0 ? nil : Double(hit) / Double(union)
        }
    }

    /// Mean IoU over the classes present in truth or prediction.
    public var meanIoU: Double {
        let present = iou.compactMap { $0 }
        return present.isEmpty ? 0 : present.reduce(0, +) / Double(present.count)
    }

    /// Share of counted pixels predicted correctly.
    public var pixelAccuracy: Double {
        let total = counts.reduce(0, +) + outOfRange.reduce(0, +)
        let correct = (0..<classes).reduce(0) { $0 + counts[$1 * classes + $1] }
        return total == 0 ? 0 : Double(correct) / Double(total)
    }
}
