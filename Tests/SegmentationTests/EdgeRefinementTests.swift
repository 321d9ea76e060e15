import Testing
@testable import Segmentation

@Suite struct EdgeRefinementTests {
    private func randomPlane(_ count: Int, _ generator: inout some RandomNumberGenerator) -> [Float] {
        (0..<count).map { _ in Float.random(in: 0...1, using: &generator) }
    }

    @Test func boxFilterMatchesItsReference() {
        var generator = SystemRandomNumberGenerator()
        for (width, height, radius) in [(1, 1, 0), (7, 5, 0), (17, 9, 1), (33, 20, 4), (6, 11, 8), (40, 3, 2)] {
            let box = BoxFilter(width: width, height: height, radius: radius)
            let input = randomPlane(width * height, &generator)
            var output = [Float](repeating: .nan, count: input.count), scratch = output
            box.apply(input, to: &output, scratch: &scratch)
            let worst = zip(output, box.reference(input)).map { abs($0 - $1) }.max()!
            #expect(worst < 1e-5, "\(width)x\(height) r\(radius): max difference \(worst)")
        }
    }

    @Test func guidedFilterMatchesItsReferenceAndKeepsTheGuide() {
        var generator = SystemRandomNumberGenerator()
        for (width, height, radius, epsilon) in [(23, 17, 2, Float(1e-3)), (40, 9, 4, 1e-2), (5, 30, 1, 1e-4)] {
            let guide = randomPlane(width * height, &generator)
            let filter = GuidedFilter(guide: guide, width: width, height: height, radius: radius, epsilon: epsilon)
            let input = randomPlane(width * height, &generator)
            var a = [Float](repeating: .nan, count: input.count), b = a
            filter.coefficients(of: input, a: &a, b: &b, workspace: filter.makeWorkspace())
            let filtered = (0..<input.count).map { a[$0] * guide[$0] + b[$0] }
            let worst = zip(filtered, filter.reference(input)).map { abs($0 - $1) }.max()!
            #expect(worst < 1e-3, "\(width)x\(height): max difference \(worst)")
            // The guide filtered by itself is (nearly) the guide: edges are kept, not blurred.
            filter.coefficients(of: guide, a: &a, b: &b, workspace: filter.makeWorkspace())
            let drift = (0..<guide.count).map { abs(a[$0] * guide[$0] + b[$0] - guide[$0]) }.max()!
            #expect(drift < 0.1, "guide drifted by \(drift)")
        }
    }

    @Test func guideResizeIsBilinearOnPixelCentres() {
        let ramp = (0..<8).map { Float($0 % 4) }   // 4x2, value = x
        #expect(bilinearResize(ramp, width: 4, height: 2, toWidth: 8, height: 1) == [0, 0.25, 0.75, 1.25, 1.75, 2.25, 2.75, 3])
        #expect(bilinearResize(ramp, width: 4, height: 2, toWidth: 2, height: 2) == [0.5, 2.5, 0.5, 2.5])
        #expect(bilinearResize(ramp, width: 4, height: 2, toWidth: 4, height: 2) == ramp)
    }

    /// Smooth logits (a few blobs per class, so that labels form regions) with noise.
    private func blobScores(classes: Int, width: Int, height: Int, _ generator: inout some RandomNumberGenerator) -> [Float] {
        let centres = (0..<classes * 3).map { _ in (Float.random(in: 0..<Float(width), using: &generator),
                                                    Float.random(in: 0..<Float(height), using: &generator)) }
        return (0..<classes * width * height).map { i -> Float in
            let c = i / (width * height), x = Float(i % width), y = Float(i / width % height)
            let near = (0..<3).map { k in let (cx, cy) = centres[c * 3 + k]; return -((x - cx) * (x - cx) + (y - cy) * (y - cy)) / 60 }
            return near.max()! + Float.random(in: -0.3...0.3, using: &generator)
        }
    }

    @Test func refinerMatchesTheReference() {
        var generator = SystemRandomNumberGenerator()
        let (classes, width, height) = (5, 37, 23)
        let scores = blobScores(classes: classes, width: width, height: height, &generator)
        // Labels decided at the scores' size, and at twice it (scores at the network's stride 2).
        for (outputWidth, outputHeight) in [(width, height), (2 * width, 2 * height)] {
            let guide = randomPlane(outputWidth * outputHeight, &generator)
            for (subsampling, iterations) in [(1, 1), (2, 1), (2, 2), (3, 2), (4, 1), (6, 2)] {
                var settings = EdgeRefinement()
                settings.radius = 4
                settings.subsampling = subsampling
                settings.iterations = iterations
                let expected = settings.reference(scores: scores, classes: classes, width: width, height: height, guide: guide,
                                                  outputWidth: outputWidth, outputHeight: outputHeight)
                let labels = EdgeRefiner(settings, threads: 2).labels(ClassScores(storage: scores, offset: 0, classes: classes, width: width, height: height),
                                                                      guide: guide, width: outputWidth, height: outputHeight)
                let same = zip(labels.pixels, expected.pixels).filter { $0 == $1 }.count
                #expect(same >= labels.pixels.count - 2, "\(outputWidth)x\(outputHeight) s\(subsampling) i\(iterations): \(labels.pixels.count - same) labels differ")
            }
        }
    }

    @Test func speckleGoesWhileAThinObjectOnAnEdgeStays() {
        // A dark picture with a bright 3-pixel stripe at x 30-32. The model gives class 1 on the
        // stripe and on isolated speckles of the flat background, both with the same margin.
        // Refinement keeps the stripe (the picture backs it) and removes the speckles; plain
        // smoothing with this window would remove both.
        let (width, height) = (64, 32)
        let stripe = 30...32, speckles: Set<Int> = [5 * width + 8, 12 * width + 50, 20 * width + 15, 27 * width + 44]
        let guide = (0..<width * height).map { Float(stripe.contains($0 % width) ? 0.8 : 0.2) }
        let scores = ClassScores(storage: (0..<2 * width * height).map { i -> Float in
            let c = i / (width * height), pixel = i % (width * height)
            let one = stripe.contains(pixel % width) || speckles.contains(pixel)
            return (c == 1) == one ? 0.5 : -0.5
        }, offset: 0, classes: 2, width: width, height: height)
        for subsampling in [1, 2] {
            var settings = EdgeRefinement()
            settings.subsampling = subsampling
            let labels = EdgeRefiner(settings, threads: 2).labels(scores, guide: guide, width: width, height: height)
            let expected = (0..<width * height).map { UInt8(stripe.contains($0 % width) ? 1 : 0) }
            #expect(labels.pixels == expected, "subsampling \(subsampling): \(zip(labels.pixels, expected).filter { $0 != $1 }.count) pixels differ")
        }
        var plain = EdgeRefinement()
        plain.epsilon = 1   // far above the picture's variance: the guided filter is a box mean
        let smoothed = EdgeRefiner(plain, threads: 1).labels(scores, guide: guide, width: width, height: height)
        #expect(!smoothed.pixels.contains(1))
    }
}
