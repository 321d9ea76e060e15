/// He, Sun and Tang's guided filter with a gray guide: an edge-preserving mean of a plane whose
/// output follows the guide's edges, locally `q = a * guide + b`. The guide's statistics are
/// computed once, when the filter is made; `coefficients` gives the window means of `a` and `b`,
/// which a caller may upsample to apply to a finer guide (He and Sun's fast guided filter).
public final class GuidedFilter: @unchecked Sendable {
    public let width: Int
    public let height: Int
    public let radius: Int
    public let epsilon: Float
    let guide: [Float]
    private let meanGuide: [Float]
    /// 1 / (variance of the guide in each window + epsilon).
    private let inverseVariance: [Float]
    private let box: BoxFilter

    /// Planes one filtering thread works in.
    public final class Workspace {
        fileprivate let planes: [UnsafeMutablePointer<Float>]

        fileprivate init(plane: Int) { planes = (0..<3).map { _ in .allocate(capacity: plane) } }

        deinit { planes.forEach { $0.deallocate() } }
    }

    /// - Parameters:
    ///   - guide: `width * height` gray values, 0–1.
    ///   - radius: window radius in pixels.
    ///   - epsilon: regularisation; edges whose variance is well above it are kept.
    public init(guide: [Float], width: Int, height: Int, radius: Int, epsilon: Float) {
        precondition(guide.count == width * height, "guide does not match \(width)x\(height)")
        precondition(epsilon > 0, "guided filter needs epsilon > 0")
        self.width = width
        self.height = height
        self.radius = radius
        self.epsilon = epsilon
        self.guide = guide
        box = BoxFilter(width: width, height: height, radius: radius)
        let plane = width * height
        var mean = [Float](repeating: 0, count: plane), meanSquare = mean, scratch = mean
        box.apply(guide, to: &mean, scratch: &scratch)
        box.apply(guide.map { $0 * $0 }, to: &meanSquare, scratch: &scratch)
        meanGuide = mean
        inverseVariance = (0..<plane).map { 1 / (max(0, meanSquare[$0] - mean[$0] * mean[$0]) + epsilon) }
    }

    public func makeWorkspace() -> Workspace { Workspace(plane: width * height) }

    /// Writes the window means of the local linear coefficients for `input` (`width * height`
    /// floats) to `a` and `b`: the filtered plane is `a * guide + b`.
    public func coefficients(of input: UnsafePointer<Float>, a: UnsafeMutablePointer<Float>, b: UnsafeMutablePointer<Float>,
                             workspace: Workspace) {
        let plane = width * height, p = workspace.planes
        guide.withUnsafeBufferPointer { guide in
            for i in 0..<plane { p[0][i] = guide[i] * input[i] }
        }
        box.apply(input, to: p[1], scratch: p[2])                      // mean of input
        box.apply(p[0], to: a, scratch: p[2])                          // mean of guide * input
        meanGuide.withUnsafeBufferPointer { meanGuide in
            inverseVariance.withUnsafeBufferPointer { inverseVariance in
                for i in 0..<plane {
                    let coefficient = (a[i] - meanGuide[i] * p[1][i]) * inverseVariance[i]
                    p[0][i] = coefficient
                    p[1][i] -= coefficient * meanGuide[i]
                }
            }
        }
        box.apply(p[0], to: a, scratch: p[2])
        box.apply(p[1], to: b, scratch: p[2])
    }

    /// The filtered `input`, from the definition (window sums in Double), the test oracle.
    public func reference(_ input: [Float]) -> [Float] {
        let meanI = box.reference(guide), meanP = box.reference(input)
        let meanIP = box.reference(zip(guide, input).map(*)), meanII = box.reference(guide.map { $0 * $0 })
        let a = (0..<input.count).map { i -> Float in
            let (mI, mP, mIP, mII) = (Double(meanI[i]), Double(meanP[i]), Double(meanIP[i]), Double(meanII[i]))
            let variance: Double = max(0, mII - mI * mI)
            return Float((mIP - mI * mP) / (variance + Double(epsilon)))
        }
        let b = (0..<input.count).map { meanP[$0] - a[$0] * meanI[$0] }
        let meanA = box.reference(a), meanB = box.reference(b)
        return (0..<input.count).map { meanA[$0] * guide[$0] + meanB[$0] }
    }
}
