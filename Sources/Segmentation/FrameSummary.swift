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
        var counts = [Int](repeating: 0, count: 256)
        var minX = [Int](repeating: Int.max, count: 256), minY = minX
        var maxX = [Int](repeating: -1, count: 256), maxY = maxX
        for y in 0..<height {
            for x in 0..<width {
                let id = Int(pixels[y * width + x])
                counts[id] += 1
                minX[id] = min(minX[id], x); maxX[id] = max(maxX[id], x)
                minY[id] = min(minY[id], y); maxY[id] = max(maxY[id], y)
            }
        }
        let components = componentCounts()
        let masks = rle ? maskRuns() : [:]
        let total = Double(width * height)
        return (0..<256).filter { counts[$0] > 0 }.map { id in
            ClassSummary(id: id, pixels: counts[id], area: Double(counts[id]) / total,
                         box: [minX[id], minY[id], maxX[id] - minX[id] + 1, maxY[id] - minY[id] + 1],
                         components: components[id],
                         rle: masks[id].map(COCORLE.string))
        }
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

    /// Number of 8-connected regions of each label value (union-find over one raster pass).
    func componentCounts() -> [Int] {
        var parent = [Int32](repeating: -1, count: pixels.count)
        func root(_ i: Int) -> Int {
            var r = i
            while parent[r] != Int32(r) { r = Int(parent[r]) }
            var j = i
            while parent[j] != Int32(r) { let next = Int(parent[j]); parent[j] = Int32(r); j = next }
            return r
        }
        func union(_ a: Int, _ b: Int) {
            let ra = root(a), rb = root(b)
            if ra != rb { parent[max(ra, rb)] = Int32(min(ra, rb)) }
        }
        for y in 0..<height {
            for x in 0..<width {
                let i = y * width + x
                parent[i] = Int32(i)
                let label = pixels[i]
                if x > 0, pixels[i - 1] == label { union(i, i - 1) }
                guard y > 0 else { continue }
                for dx in -1...1 where x + dx >= 0 && x + dx < width && pixels[i - width + dx] == label {
                    union(i, i - width + dx)
                }
            }
        }
        var counts = [Int](repeating: 0, count: 256)
        for i in pixels.indices where root(i) == i { counts[Int(pixels[i])] += 1 }
        return counts
    }
}
