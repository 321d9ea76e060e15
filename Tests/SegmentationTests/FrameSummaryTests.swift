import Testing
@testable import Segmentation

@Suite struct FrameSummaryTests {
    private func randomMap(width: Int, height: Int) -> LabelMap {
        var generator = SystemRandomNumberGenerator()
        return LabelMap(width: width, height: height, pixels: (0..<(width * height)).map { _ in UInt8.random(in: 0...3, using: &generator) })
    }

    /// 8-connected components of `label` by flood fill: the reference for the union-find pass.
    private func floodComponents(_ map: LabelMap, label: UInt8) -> Int {
        var seen = [Bool](repeating: false, count: map.pixels.count)
        var count = 0
        for start in map.pixels.indices where map.pixels[start] == label && !seen[start] {
            count += 1
            var stack = [start]
            seen[start] = true
            while let i = stack.popLast() {
                let x = i % map.width, y = i / map.width
                for dy in -1...1 {
                    for dx in -1...1 {
                        let nx = x + dx, ny = y + dy
                        guard nx >= 0, ny >= 0, nx < map.width, ny < map.height else { continue }
                        let j = ny * map.width + nx
                        if !seen[j] && map.pixels[j] == label { seen[j] = true; stack.append(j) }
                    }
                }
            }
        }
        return count
    }

    @Test func summaryMatchesBruteForce() {
        for _ in 0..<5 {
            let map = randomMap(width: 13, height: 9)
            let summary = map.summary(rle: true)
            let runs = map.maskRuns()
            for entry in summary {
                let label = UInt8(entry.id)
                let members = map.pixels.indices.filter { map.pixels[$0] == label }
                #expect(entry.pixels == members.count)
                let xs = members.map { $0 % 13 }, ys = members.map { $0 / 13 }
                #expect(entry.box == [xs.min()!, ys.min()!, xs.max()! - xs.min()! + 1, ys.max()! - ys.min()! + 1])
                #expect(entry.components == floodComponents(map, label: label))
                // Column-major runs, starting with zeros, rebuild the mask.
                var mask: [Bool] = []
                for (i, run) in (runs[entry.id] ?? []).enumerated() { mask += [Bool](repeating: i % 2 == 1, count: run) }
                let columnMajor = (0..<(13 * 9)).map { map.pixels[($0 % 9) * 13 + $0 / 9] == label }
                #expect(mask == columnMajor)
            }
            #expect(summary.reduce(0) { $0 + $1.pixels } == 13 * 9)
        }
    }

    @Test func compactCountsMatchPycocotoolsKnownStrings() {
        // Strings printed by pycocotools.mask.encode for: a 3x3 mask with the centre set (runs
        // [4, 1, 4]); one with the first two pixels of column 0 set (a leading 0 run); an empty 10x10.
        #expect(COCORLE.string([4, 1, 4]) == "414")
        #expect(COCORLE.string([0, 2, 7]) == "027")
        #expect(COCORLE.string([100]) == "T3")
    }
}
