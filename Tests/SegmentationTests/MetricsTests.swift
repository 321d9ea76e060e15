import Foundation
import Testing
@testable import Segmentation

/// IoU of class `c` computed from pixel index sets, independently of ConfusionMatrix.
private func setIoU(_ c: UInt8, truth: [UInt8], predicted: [UInt8]) -> Double? {
    let counted = truth.indices.filter { truth[$0] != LabelSet.ignore }
    let inTruth = Set(counted.filter { truth[$0] == c })
    let inPredicted = Set(counted.filter { predicted[$0] == c })
    let union = inTruth.union(inPredicted)
    return union.isEmpty ? nil : Double(inTruth.intersection(inPredicted).count) / Double(union.count)
}

@Suite struct MetricsTests {
    @Test func confusionMatrixMatchesASetBasedComputation() {
        var generator = SystemRandomNumberGenerator()
        let truth = (0..<500).map { _ in [0, 1, 2, 5, 255].randomElement(using: &generator)! } as [UInt8]
        let predicted = (0..<500).map { _ in [0, 1, 2, 3].randomElement(using: &generator)! } as [UInt8]
        var matrix = ConfusionMatrix(classes: 6)
        matrix.add(truth: truth, predicted: predicted)
        let expected = (0..<6).map { setIoU(UInt8($0), truth: truth, predicted: predicted) }
        for (a, b) in zip(matrix.iou, expected) {
            #expect(a == nil && b == nil || abs((a ?? -1) - (b ?? -2)) < 1e-12)
        }
        #expect(matrix.iou[4] == nil, "class 4 appears nowhere")
        let present = expected.compactMap { $0 }
        #expect(abs(matrix.meanIoU - present.reduce(0, +) / Double(present.count)) < 1e-12)
        let counted = truth.indices.filter { truth[$0] != 255 }
        let correct = counted.filter { truth[$0] == predicted[$0] }.count
        #expect(abs(matrix.pixelAccuracy - Double(correct) / Double(counted.count)) < 1e-12)
    }

    @Test func tinyHandWorkedCase() {
        // truth: 0 0 1 1 / predicted: 0 1 1 1 → IoU(0) = 1/2, IoU(1) = 2/3, mIoU = 7/12.
        var matrix = ConfusionMatrix(classes: 2)
        matrix.add(truth: [0, 0, 1, 1], predicted: [0, 1, 1, 1])
        #expect(matrix.iou[0] == 0.5)
        #expect(abs(matrix.iou[1]! - 2.0 / 3) < 1e-12)
        #expect(abs(matrix.meanIoU - 7.0 / 12) < 1e-12)
        #expect(matrix.pixelAccuracy == 0.75)
    }

    @Test func dilationMatchesBruteForce() {
        var generator = SystemRandomNumberGenerator()
        let width = 23, height = 17
        let mask = (0..<(width * height)).map { _ in Int.random(in: 0..<40, using: &generator) == 0 }
        for radius in [1, 2, 5] {
            let fast = dilate(mask, width: width, height: height, radius: radius)
            for y in 0..<height {
                for x in 0..<width {
                    var near = false
                    for yy in max(0, y - radius)...min(height - 1, y + radius) {
                        for xx in max(0, x - radius)...min(width - 1, x + radius) where mask[yy * width + xx] { near = true }
                    }
                    #expect(fast[y * width + x] == near)
                }
            }
        }
    }

    @Test func boundaryFScoresEdgesWithinTolerance() {
        func halves(split: Int) -> LabelMap {
            LabelMap(width: 100, height: 50, pixels: (0..<5000).map { $0 % 100 < split ? 0 : 1 })
        }
        var exact = SegmentationEvaluator(classes: 2)
        exact.add(truth: halves(split: 50), predicted: halves(split: 50))
        #expect(exact.boundaryF == 1)
        var near = SegmentationEvaluator(classes: 2)   // tolerance: 0.0075 * 112 ≈ 1 pixel
        near.add(truth: halves(split: 50), predicted: halves(split: 51))
        #expect(near.boundaryF == 1)
        var far = SegmentationEvaluator(classes: 2)
        far.add(truth: halves(split: 50), predicted: halves(split: 60))
        #expect(far.boundaryF == 0)
    }

    @Test func temporalFlickerCountsChangesWhereTruthIsStable() {
        var evaluator = SegmentationEvaluator(classes: 3)
        let truth = LabelMap(width: 4, height: 1, pixels: [0, 0, 1, 255])
        evaluator.add(truth: truth, predicted: LabelMap(width: 4, height: 1, pixels: [0, 0, 1, 2]))
        evaluator.add(truth: LabelMap(width: 4, height: 1, pixels: [0, 2, 1, 255]),
                      predicted: LabelMap(width: 4, height: 1, pixels: [1, 2, 1, 0]))
        // Stable truth at pixels 0 and 2; the prediction changed at pixel 0 only.
        #expect(evaluator.temporalFlicker == 0.5)
    }
}

@Suite struct PaletteTests {
    @Test func recolourByListOrByName() throws {
        let base = LabelSet(names: ["road", "car"], palette: [[1, 2, 3], [4, 5, 6]])
        #expect(try base.recoloured(byJSON: Data("[[9, 9, 9]]".utf8)).palette == [[9, 9, 9], [4, 5, 6]])
        #expect(try base.recoloured(byJSON: Data(#"{"car": [0, 0, 255]}"#.utf8)).palette == [[1, 2, 3], [0, 0, 255]])
    }

    @Test(arguments: ["[[1, 2]]", "[[0, 0, 256]]", #"{"bus": [1, 2, 3]}"#, "[[1,2,3],[1,2,3],[1,2,3]]", "nope", "[[1.5, 2, 3]]"])
    func malformedPalettesAreRejected(_ json: String) {
        let base = LabelSet(names: ["road", "car"], palette: [[1, 2, 3], [4, 5, 6]])
        #expect(throws: PaletteError.self) { try base.recoloured(byJSON: Data(json.utf8)) }
    }
}
