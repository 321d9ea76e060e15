import Testing
@testable import Segmentation

/// Argmax and nearest-neighbour scaling against per-pixel reference computations.
@Suite struct LabelMapModelTests {
    @Test func argmaxIsTheFirstHighestScoreAcrossTiles() {
        // 3000 pixels spans two argmax tiles; scores from a small set make ties common.
        let classes = 5, width = 60, height = 50, plane = width * height
        var generator = SystemRandomNumberGenerator()
        var scores = (0..<(classes * plane)).map { _ in [-1, 0, 0.5, 2].randomElement(using: &generator)! } as [Float]
        scores[7] = .nan   // class 0 at pixel 7: never the maximum
        let map = scores.withUnsafeBufferPointer { LabelMap(argmaxOf: $0, classes: classes, width: width, height: height) }
        for i in 0..<plane {
            let column = (0..<classes).map { scores[$0 * plane + i] }
            let top = column.filter { !$0.isNaN }.max()!
            #expect(Int(map.pixels[i]) == column.firstIndex(of: top)!)
        }
    }

    @Test func resizeSamplesTheNearestPixelCentre() {
        let map = LabelMap(width: 7, height: 5, pixels: (0..<35).map { UInt8($0) })
        for (width, height) in [(16, 11), (3, 2), (7, 13)] {
            let scaled = map.resized(width: width, height: height)
            for y in 0..<height {
                for x in 0..<width {
                    let sx = Int((Double(x) + 0.5) * 7 / Double(width)), sy = Int((Double(y) + 0.5) * 5 / Double(height))
                    #expect(scaled.pixels[y * width + x] == map.pixels[sy * 7 + sx])
                }
            }
        }
    }
}
