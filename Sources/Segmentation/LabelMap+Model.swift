extension LabelMap {
    /// The class with the highest score at each pixel.
    /// - Parameter scores: `classes x height x width` Float32 (one image of NCHW logits or
    ///   probabilities); ties go to the lower class id.
    public init(argmaxOf scores: UnsafeBufferPointer<Float>, classes: Int, width: Int, height: Int) {
        precondition(scores.count == classes * width * height, "scores do not match \(classes)x\(height)x\(width)")
        precondition(classes <= 255, "at most 255 classes fit a label map")
        let plane = width * height
        var best = [Float](repeating: -.infinity, count: plane)
        var labels = [UInt8](repeating: 0, count: plane)
        for c in 0..<classes {
            let base = c * plane
            for i in 0..<plane where scores[base + i] > best[i] {
                best[i] = scores[base + i]
                labels[i] = UInt8(c)
            }
        }
        self.init(width: width, height: height, pixels: labels)
    }

    /// The map scaled to `width`x`height` by nearest neighbour (pixel centres).
    public func resized(width newWidth: Int, height newHeight: Int) -> LabelMap {
        if newWidth == width && newHeight == height { return self }
        let columns = (0..<newWidth).map { min(width - 1, ($0 * 2 + 1) * width / (2 * newWidth)) }
        var output = [UInt8](repeating: 0, count: newWidth * newHeight)
        for y in 0..<newHeight {
            let sourceRow = min(height - 1, (y * 2 + 1) * height / (2 * newHeight)) * width
            let row = y * newWidth
            for x in 0..<newWidth { output[row + x] = pixels[sourceRow + columns[x]] }
        }
        return LabelMap(width: newWidth, height: newHeight, pixels: output)
    }
}
