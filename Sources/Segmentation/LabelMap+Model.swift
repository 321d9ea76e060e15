extension LabelMap {
    /// Pixels per tile of the argmax, so a tile's running maxima stay in the L1 cache while the
    /// class planes stream past.
    private static let argmaxTile = 2048

    /// The class with the highest score at each pixel.
    /// - Parameter scores: `classes x height x width` Float32 (one image of NCHW logits or
    ///   probabilities); ties go to the lower class id.
    public init(argmaxOf scores: UnsafeBufferPointer<Float>, classes: Int, width: Int, height: Int) {
        precondition(scores.count == classes * width * height, "scores do not match \(classes)x\(height)x\(width)")
        precondition(classes <= 255, "at most 255 classes fit a label map")
        let plane = width * height
        var best = [Float](repeating: 0, count: Self.argmaxTile)
        let labels = [UInt8](unsafeUninitializedCapacity: plane) { labels, count in
            best.withUnsafeMutableBufferPointer { best in
                for start in stride(from: 0, to: plane, by: Self.argmaxTile) {
                    Self.argmax(scores.baseAddress! + start, classes: classes, classStride: plane,
                                count: min(Self.argmaxTile, plane - start), best: best.baseAddress!,
                                into: labels.baseAddress! + start)
                }
            }
            count = plane
        }
        self.init(width: width, height: height, pixels: labels)
    }

    /// Writes the class with the highest score for `count` pixels, class `c`'s scores starting
    /// at `scores + c * classStride`; ties go to the lower class id. `best` holds `count` floats.
    static func argmax(_ scores: UnsafePointer<Float>, classes: Int, classStride: Int, count: Int,
                       best: UnsafeMutablePointer<Float>, into labels: UnsafeMutablePointer<UInt8>) {
        labels.initialize(repeating: 0, count: count)
        best.update(repeating: -.infinity, count: count)
        for c in 0..<classes {
            let row = scores + c * classStride, label = UInt8(c)
            for i in 0..<count {
                let score = row[i], better = score > best[i]
                best[i] = better ? score : best[i]
                labels[i] = better ? label : labels[i]
            }
        }
    }

    /// The map scaled to `width`x`height` by nearest neighbour (pixel centres).
    public func resized(width newWidth: Int, height newHeight: Int) -> LabelMap {
        if newWidth == width && newHeight == height { return self }
        let columns = (0..<newWidth).map { min(width - 1, ($0 * 2 + 1) * width / (2 * newWidth)) }
        let output = [UInt8](unsafeUninitializedCapacity: newWidth * newHeight) { output, count in
            pixels.withUnsafeBufferPointer { pixels in
                columns.withUnsafeBufferPointer { columns in
                    var previousSource = -1
                    for y in 0..<newHeight {
                        let sourceRow = min(height - 1, (y * 2 + 1) * height / (2 * newHeight))
                        let row = output.baseAddress! + y * newWidth
                        if sourceRow == previousSource {
                            row.initialize(from: row - newWidth, count: newWidth)   // same source row as the last
                        } else {
                            let source = pixels.baseAddress! + sourceRow * width
                            for x in 0..<newWidth { (row + x).initialize(to: source[columns[x]]) }
                        }
                        previousSource = sourceRow
                    }
                }
            }
            count = newWidth * newHeight
        }
        return LabelMap(width: newWidth, height: newHeight, pixels: output)
    }
}
