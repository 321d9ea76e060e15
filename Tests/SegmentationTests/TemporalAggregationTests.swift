import Testing
@testable import Segmentation

@Suite struct TemporalAggregationTests {
    /// A smooth random texture (noise box-blurred once), so that block matching has a unique answer.
    private func texture(width: Int, height: Int, seed: UInt64) -> [Float] {
        var generator = SeededGenerator(seed: seed)
        let noise = (0..<(width * height)).map { _ in Float.random(in: 0...1, using: &generator) }
        var output = noise
        for y in 0..<height {
            for x in 0..<width {
                var sum: Float = 0, count: Float = 0
                for v in max(0, y - 1)...min(height - 1, y + 1) {
                    for u in max(0, x - 1)...min(width - 1, x + 1) { sum += noise[v * width + u]; count += 1 }
                }
                output[y * width + x] = sum / count
            }
        }
        return output
    }

    /// `picture` moved by (sx, sy): output(x, y) = picture(x - sx, y - sy), edges repeated.
    private func shifted(_ picture: [Float], width: Int, height: Int, by sx: Int, _ sy: Int) -> [Float] {
        (0..<(width * height)).map { i in
            let x = min(width - 1, max(0, i % width - sx)), y = min(height - 1, max(0, i / width - sy))
            return picture[y * width + x]
        }
    }

    @Test(arguments: [32, 24]) func blockMatchingFindsAKnownShift(block: Int) {
        let (width, height) = (192, 128)
        let previous = texture(width: width, height: height, seed: 1)
        var matcher = BlockMatcher()
        matcher.blockSize = block
        for (sx, sy) in [(5, -3), (-17, 9), (0, 0), (22, 1)] {
            let current = shifted(previous, width: width, height: height, by: sx, sy)
            let field = matcher.motion(from: previous, to: current, width: width, height: height)
            #expect(field.columns == (width + block - 1) / block && field.rows == (height + block - 1) / block)
            // Blocks whose content came from inside the previous picture point back to it exactly.
            for row in 0..<field.rows {
                for column in 0..<field.columns {
                    let x0 = column * block - sx, y0 = row * block - sy
                    guard x0 >= 0, y0 >= 0, x0 + block <= width, y0 + block <= height else { continue }
                    let i = row * field.columns + column
                    #expect(field.dx[i] == Float(-sx) && field.dy[i] == Float(-sy),
                            "shift (\(sx), \(sy)) block (\(column), \(row)): (\(field.dx[i]), \(field.dy[i]))")
                }
            }
        }
    }

    @Test func flatPicturesAndSearchZeroKeepZeroMotion() {
        let flat = [Float](repeating: 0.4, count: 96 * 64)
        let field = BlockMatcher().motion(from: flat, to: flat, width: 96, height: 64)
        #expect(field.dx.allSatisfy { $0 == 0 } && field.dy.allSatisfy { $0 == 0 })
        let previous = texture(width: 96, height: 64, seed: 2)
        var still = BlockMatcher()
        still.searchRadius = 0
        let off = still.motion(from: previous, to: shifted(previous, width: 96, height: 64, by: 2, 1), width: 96, height: 64)
        #expect(off.dx.allSatisfy { $0 == 0 } && off.dy.allSatisfy { $0 == 0 })
    }

    @Test func scoreWarpMatchesItsReference() {
        var generator = SeededGenerator(seed: 7)
        for (width, height, fieldWidth, fieldHeight, block, classes) in [(40, 24, 40, 24, 8, 3), (37, 21, 80, 50, 16, 5), (64, 48, 32, 24, 8, 2)] {
            var field = MotionField(width: fieldWidth, height: fieldHeight, blockSize: block)
            field.dx = field.dx.map { _ in Float(Int.random(in: -6...6, using: &generator)) }
            field.dy = field.dy.map { _ in Float(Int.random(in: -6...6, using: &generator)) }
            let scores = (0..<(classes * width * height)).map { _ in Float.random(in: -5...5, using: &generator) }
            var output = [Float](repeating: .nan, count: scores.count)
            scores.withUnsafeBufferPointer { input in
                output.withUnsafeMutableBufferPointer {
                    warpScores(input, classes: classes, width: width, height: height, along: field, into: $0)
                }
            }
            let reference = warpScoresReference(scores, classes: classes, width: width, height: height, along: field)
            let worst = zip(output, reference).map { abs($0 - $1) }.max()!
            #expect(worst < 1e-4, "\(width)x\(height) field \(fieldWidth)x\(fieldHeight): max difference \(worst)")
        }
    }

    @Test func uniformMotionMovesLabelsAndScoresByThatMuch() {
        let (width, height) = (30, 20)
        var field = MotionField(width: width * 2, height: height * 2, blockSize: 10)   // estimated at twice the size
        field.dx = field.dx.map { _ in 6 }
        field.dy = field.dy.map { _ in -4 }
        let labels = LabelMap(width: width, height: height, pixels: (0..<(width * height)).map { UInt8($0 % 251) })
        let moved = warpLabels(labels, along: field)
        let scores = (0..<(width * height)).map { Float($0) }
        var movedScores = [Float](repeating: .nan, count: scores.count)
        scores.withUnsafeBufferPointer { input in
            movedScores.withUnsafeMutableBufferPointer { warpScores(input, classes: 1, width: width, height: height, along: field, into: $0) }
        }
        for y in 2..<height {
            for x in 0..<(width - 3) {
                // (6, -4) at twice the size is (3, -2) here: pixel (x, y) shows what was at (x + 3, y - 2).
                #expect(moved.pixels[y * width + x] == labels.pixels[(y - 2) * width + x + 3])
                #expect(movedScores[y * width + x] == scores[(y - 2) * width + x + 3])
            }
        }
    }

    @Test func keyframesFollowTheIntervalAndSceneCuts() {
        var selector = KeyframeSelector(KeyframePolicy(interval: 3, sceneCut: 0.2))
        let a = [Float](repeating: 0.2, count: 64), b = [Float](repeating: 0.9, count: 64)
        let frames = [a, a, a, a, a, b, b, b, b, a]
        let decisions = frames.map { selector.next(gray: $0) }
        #expect(decisions.map(\.keyframe) == [true, false, false, true, false, true, false, false, true, true])
        #expect(decisions.map(\.sceneCut) == [true, false, false, false, false, true, false, false, false, true])
    }

    /// Adaptive keyframes: a still picture gets one every `interval` frames; a drifting one as
    /// soon as it has drifted `change` from the last keyframe's picture.
    @Test func adaptiveKeyframesFollowThePicturesChange() {
        var policy = KeyframePolicy.auto
        policy.change = 0.05
        var selector = KeyframeSelector(policy)
        let still = (0..<10).map { _ in [Float](repeating: 0.5, count: 64) }
        #expect(still.map { selector.next(gray: $0).keyframe } == [true, false, false, false, true, false, false, false, true, false])
        selector = KeyframeSelector(policy)
        let drifting = (0..<8).map { [Float](repeating: 0.5 + 0.02 * Float($0), count: 64) }   // 0.02 a frame: below a scene cut
        let decisions = drifting.map { selector.next(gray: $0) }
        #expect(decisions.map(\.keyframe) == [true, false, false, true, false, false, true, false])
        #expect(decisions.dropFirst().allSatisfy { !$0.sceneCut })
    }

    @Test func aggregatorCarriesBlendsAndRestarts() throws {
        let (width, height) = (64, 48)
        var settings = TemporalAggregation()
        settings.blend = 0.25
        let aggregator = TemporalAggregator(settings, guideWidth: width, guideHeight: height)
        let guide = texture(width: width, height: height, seed: 3)
        func scores(_ value: Float) -> ClassScores {
            ClassScores(storage: [Float](repeating: value, count: 2 * width * height), offset: 0, classes: 2, width: width, height: height)
        }
        func values(_ s: ClassScores?) throws -> [Float] { try #require(s).withUnsafeBufferPointer { Array($0) } }
        #expect(aggregator.next(inferred: nil, restart: false, guide: guide) == nil, "nothing to carry yet")
        #expect(try values(aggregator.next(inferred: scores(4), restart: true, guide: guide)).allSatisfy { $0 == 4 })
        // The same picture again: the carried scores are the last ones, unmoved.
        #expect(try values(aggregator.next(inferred: nil, restart: false, guide: guide)).allSatisfy { $0 == 4 })
        #expect(try values(aggregator.next(inferred: scores(8), restart: false, guide: guide)).allSatisfy { $0 == 0.25 * 8 + 0.75 * 4 })
        #expect(try values(aggregator.next(inferred: scores(1), restart: true, guide: guide)).allSatisfy { $0 == 1 })
    }

    @Test func updatesBetweenKeyframesAreBroughtUpAndBlendedWithTheCarriedScores() throws {
        let (width, height) = (64, 48)
        var settings = TemporalAggregation()
        settings.updateWeight = 0.25
        let aggregator = TemporalAggregator(settings, guideWidth: width, guideHeight: height)
        let guide = texture(width: width, height: height, seed: 4)
        _ = aggregator.next(inferred: ClassScores(storage: [Float](repeating: 4, count: 2 * width * height), offset: 0, classes: 2,
                                                  width: width, height: height), restart: true, guide: guide)
        // A half-size update whose class 0 is a ramp across x and class 1 a constant 8.
        let (halfWidth, halfHeight) = (width / 2, height / 2)
        let update = ClassScores(storage: (0..<(2 * halfWidth * halfHeight)).map { $0 < halfWidth * halfHeight ? Float($0 % halfWidth) : 8 },
                                 offset: 0, classes: 2, width: halfWidth, height: halfHeight)
        let result = try #require(aggregator.next(inferred: nil, update: update, restart: false, guide: guide))
        #expect(result.width == width && result.height == height)
        let values = result.withUnsafeBufferPointer { Array($0) }
        // Brought up on pixel centres: full-size x samples the half-size ramp at (x + 0.5) / 2 - 0.5.
        for x in 0..<width {
            let ramp = min(Float(halfWidth - 1), max(0, (Float(x) + 0.5) / 2 - 0.5))
            #expect(abs(values[5 * width + x] - (0.25 * ramp + 0.75 * 4)) < 1e-5, "x \(x)")
        }
        #expect(values[(width * height)...].allSatisfy { abs($0 - (0.25 * 8 + 0.75 * 4)) < 1e-5 })
    }

    @Test func aggregatorMovesScoresWithThePicture() throws {
        let (width, height) = (96, 64)
        let aggregator = TemporalAggregator(TemporalAggregation(), guideWidth: width, guideHeight: height)
        let previous = texture(width: width, height: height, seed: 5)
        let ramp = (0..<(width * height)).map { Float($0 % width) }   // one class, score = x
        _ = aggregator.next(inferred: ClassScores(storage: ramp, offset: 0, classes: 1, width: width, height: height), restart: true, guide: previous)
        // The picture moves 4 pixels right: what was at x is now at x + 4, and so are its scores.
        let carried = try #require(aggregator.next(inferred: nil, restart: false, guide: shifted(previous, width: width, height: height, by: 4, 0)))
        let values = carried.withUnsafeBufferPointer { Array($0) }
        for y in 0..<height {
            for x in 4..<width { #expect(values[y * width + x] == Float(x - 4), "(\(x), \(y))") }
        }
    }
}

/// SplitMix64, for reproducible test data.
struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
