/// The mean of each pixel's (2r+1)x(2r+1) neighbourhood, the window clipped at the borders (so
/// border pixels average fewer values), on row-major Float32 planes.
public struct BoxFilter: Sendable {
    public let width: Int
    public let height: Int
    public let radius: Int
    /// 1 / the number of columns (rows) in each x's (y's) clipped window.
    private let columnScale: [Float]
    private let rowScale: [Float]

    public init(width: Int, height: Int, radius: Int) {
        precondition(width > 0 && height > 0 && radius >= 0, "box filter needs a non-empty plane and radius >= 0")
        self.width = width
        self.height = height
        self.radius = radius
        func scales(_ count: Int) -> [Float] {
            (0..<count).map { 1 / Float(min(count - 1, $0 + radius) - max(0, $0 - radius) + 1) }
        }
        columnScale = scales(width)
        rowScale = scales(height)
    }

    /// Writes the box mean of `input` to `output` (which must not overlap it); `scratch` holds
    /// `width * height` floats. Running sums: a vertical pass over whole rows, then one along
    /// each row.
    public func apply(_ input: UnsafePointer<Float>, to output: UnsafeMutablePointer<Float>,
                      scratch: UnsafeMutablePointer<Float>) {
        let (w, h, r) = (width, height, radius)
        // Vertical: scratch row y = sum of input rows in y's window; `sum` is scratch row y itself.
        scratch.initialize(from: input, count: w)
        for y in stride(from: 1, through: min(r, h - 1), by: 1) { add(input + y * w, to: scratch, count: w) }
        for y in 1..<h {
            let row = scratch + y * w
            row.update(from: row - w, count: w)
            if y + r < h { add(input + (y + r) * w, to: row, count: w) }
            if y - r - 1 >= 0 { subtract(input + (y - r - 1) * w, from: row, count: w) }
        }
        // Horizontal, scaled by the window's size: four rows at a time, so that four running
        // sums (independent chains of additions) advance together.
        let results = UnsafeMutablePointer<SIMD4<Float>>.allocate(capacity: w)
        defer { results.deallocate() }
        columnScale.withUnsafeBufferPointer { columnScale in
            rowScale.withUnsafeBufferPointer { rowScales in
                var y = 0
                while y < h {
                    let rows = min(4, h - y)
                    let (y0, y1, y2, y3) = (y, y + min(1, rows - 1), y + min(2, rows - 1), y + rows - 1)   // missing rows repeat the last
                    let (s0, s1, s2, s3) = (scratch + y0 * w, scratch + y1 * w, scratch + y2 * w, scratch + y3 * w)
                    let rowScale = SIMD4(rowScales[y0], rowScales[y1], rowScales[y2], rowScales[y3])
                    func column(_ x: Int) -> SIMD4<Float> { SIMD4(s0[x], s1[x], s2[x], s3[x]) }
                    var sum = SIMD4<Float>()
                    for x in 0..<min(r, w) { sum += column(x) }
                    for x in 0..<w {
                        if x + r < w { sum += column(x + r) }
                        if x - r - 1 >= 0 { sum -= column(x - r - 1) }
                        results[x] = sum * rowScale * columnScale[x]
                    }
                    for k in 0..<rows {
                        let target = output + (y + k) * w
                        for x in 0..<w { target[x] = results[x][k] }
                    }
                    y += rows
                }
            }
        }
    }

    private func add(_ source: UnsafePointer<Float>, to target: UnsafeMutablePointer<Float>, count: Int) {
        for i in 0..<count { target[i] += source[i] }
    }

    private func subtract(_ source: UnsafePointer<Float>, from target: UnsafeMutablePointer<Float>, count: Int) {
        for i in 0..<count { target[i] -= source[i] }
    }

    /// The box mean from the definition (each window summed in Double), the test oracle.
    public func reference(_ input: [Float]) -> [Float] {
        precondition(input.count == width * height, "plane does not match \(width)x\(height)")
        var output = [Float](repeating: 0, count: input.count)
        for y in 0..<height {
            for x in 0..<width {
                var sum = 0.0, count = 0
                for v in max(0, y - radius)...min(height - 1, y + radius) {
                    for u in max(0, x - radius)...min(width - 1, x + radius) {
                        sum += Double(input[v * width + u])
                        count += 1
                    }
                }
                output[y * width + x] = Float(sum / Double(count))
            }
        }
        return output
    }
}
