/// One frame's labels: a class id per pixel, row-major.
public struct LabelMap: Sendable, Equatable {
    public var width: Int
    public var height: Int
    public var pixels: [UInt8]

    public init(width: Int, height: Int, pixels: [UInt8]) {
        precondition(pixels.count == width * height, "label pixels do not match \(width)x\(height)")
        self.width = width
        self.height = height
        self.pixels = pixels
    }

    /// Pixels where a 4-neighbour has another label (both sides of an edge are marked).
    /// Pixels labelled `ignore`, and edges to them, are not boundaries.
    public func boundary(ignore: UInt8 = LabelSet.ignore) -> [Bool] {
        var edge = [Bool](repeating: false, count: pixels.count)
        for y in 0..<height {
            for x in 0..<width {
                let i = y * width + x
                let label = pixels[i]
                guard label != ignore else { continue }
                if x + 1 < width, pixels[i + 1] != label, pixels[i + 1] != ignore { edge[i] = true; edge[i + 1] = true }
                if y + 1 < height, pixels[i + width] != label, pixels[i + width] != ignore { edge[i] = true; edge[i + width] = true }
            }
        }
        return edge
    }
}

/// Marks every pixel within `radius` (Chebyshev distance) of a marked pixel; separable, O(pixels).
func dilate(_ mask: [Bool], width: Int, height: Int, radius: Int) -> [Bool] {
    func pass(_ input: [Bool], count: Int, lines: Int, step: Int, lineStep: Int) -> [Bool] {
        var output = [Bool](repeating: false, count: input.count)
        for line in 0..<lines {
            let base = line * lineStep
            var lastMarked = Int.min / 2
            var nextMarked = [Int](repeating: Int.max / 2, count: count)
            var upcoming = Int.max / 2
            for k in stride(from: count - 1, through: 0, by: -1) {
                if input[base + k * step] { upcoming = k }
                nextMarked[k] = upcoming
            }
            for k in 0..<count {
                if input[base + k * step] { lastMarked = k }
                output[base + k * step] = k - lastMarked <= radius || nextMarked[k] - k <= radius
            }
        }
        return output
    }
    let rows = pass(mask, count: width, lines: height, step: 1, lineStep: width)
    return pass(rows, count: height, lines: width, step: width, lineStep: 1)
}
