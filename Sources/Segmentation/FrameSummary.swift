/// Per-class figures of one label map: pixel count, area share, bounding box, connected
/// components (8-connected) and optionally the COCO RLE mask.
public struct ClassSummary: Sendable, Equatable {
    public var id: Int
    public var pixels: Int
    /// Share of the frame's pixels.
    public var area: Double
    /// Bounding box as [x, y, width, height] (COCO order).
    public var box: [Int]
    public var components: Int
    /// pycocotools' compact RLE string of the class mask, when asked for.
    public var rle: String?
}

extension LabelMap {
    /// The label values that occur, in increasing order.
    public var presentClasses: [Int] {
        var seen = [Bool](repeating: false, count: 256)
        for label in pixels { seen[Int(label)] = true }
        return (0..<256).filter { seen[$0] }
    }

    /// Figures for each class present, by increasing id.
    /// - Parameter rle: also encode each class mask (column-major COCO RLE).
    public func summary(rle: Bool = false) -> [ClassSummary] {
        let runs = rowRuns()
        var counts = [Int](repeating: 0, count: 256)
        var minX = [Int](repeating: Int.max, count: 256), minY = minX
        var maxX = [Int](repeating: -1, count: 256), maxY = maxX
        for run in runs {
            let id = Int(run.label)
            counts[id] += run.end - run.start
            minX[id] = min(minX[id], run.start); maxX[id] = max(maxX[id], run.end - 1)
            minY[id] = min(minY[id], run.row); maxY[id] = max(maxY[id], run.row)
        }
        let components = componentCounts(runs)
        let masks = rle ? maskRuns() : [:]
        let total = Double(width * height)
        return (0..<256).filter { counts[$0] > 0 }.map { id in
            ClassSummary(id: id, pixels: counts[id], area: Double(counts[id]) / total,
                         box: [minX[id], minY[id], maxX[id] - minX[id] + 1, maxY[id] - minY[id] + 1],
                         components: components[id],
                         rle: masks[id].map(COCORLE.string))
        }
    }

    /// A horizontal run of one label: columns `start..<end` of `row`.
    struct Run {
        var label: UInt8
        var row: Int
        var start: Int
        var end: Int
    }

    /// The map as runs, row by row (segmentation maps have few runs per row).
    func rowRuns() -> [Run] {
        var runs: [Run] = []
        pixels.withUnsafeBufferPointer { p in
            for y in 0..<height {
                let row = p.baseAddress! + y * width
                var start = 0
                for x in 1...width where x == width || row[x] != row[start] {
                    runs.append(Run(label: row[start], row: y, start: start, end: x))
                    start = x
                }
            }
        }
        return runs
    }

    /// Number of 8-connected regions of each label value: runs of the same label touching runs
    /// of the row above (diagonals included) are joined with union-find.
    func componentCounts(_ runs: [Run]) -> [Int] {
        var parent = Array(0..<runs.count)
        func root(_ i: Int) -> Int {
            var r = i
            while parent[r] != r { parent[r] = parent[parent[r]]; r = parent[r] }
            return r
        }
        var above = 0..<0
        var index = 0
        while index < runs.count {
            let row = runs[index].row
            var end = index
            while end < runs.count && runs[end].row == row { end += 1 }
            var candidate = above.lowerBound
            for current in index..<end {
                let run = runs[current]
                while candidate < above.upperBound && runs[candidate].end < run.start { candidate += 1 }
                var other = candidate
                while other < above.upperBound && runs[other].start <= run.end {
                    if runs[other].label == run.label {
                        let a = root(current), b = root(other)
                        if a != b { parent[max(a, b)] = min(a, b) }
                    }
                    other += 1
                }
            }
            above = index..<end
            index = end
        }
        var counts = [Int](repeating: 0, count: 256)
        for i in runs.indices where root(i) == i { counts[Int(runs[i].label)] += 1 }
        return counts
    }

    /// Column-major COCO run lengths of every present class's mask, from one pass that records
    /// where each class's mask switches on or off.
    func maskRuns() -> [Int: [Int]] {
        var toggles: [Int: [Int]] = [:]
        var previous = -1
        var k = 0
        for x in 0..<width {
            for y in 0..<height {
                let label = Int(pixels[y * width + x])
                if label != previous {
                    if previous >= 0 { toggles[previous, default: []].append(k) }
                    toggles[label, default: []].append(k)
                    previous = label
                }
                k += 1
            }
        }
        return toggles.mapValues { switches in
            var runs = [switches[0]]
            for i in 1..<switches.count { runs.append(switches[i] - switches[i - 1]) }
            runs.append(k - switches[switches.count - 1])
            return runs
        }
    }
}
