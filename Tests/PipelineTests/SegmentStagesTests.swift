import Foundation
import Inference
import Segmentation
import Testing
import TestSupport
import VideoIO
@testable import Pipeline

@Suite struct SegmentStagesTests {
    private let lraspp = Fixtures.root.appendingPathComponent("fixtures/models/test/lraspp_mobilenetv3.onnx")

    @Test func modelLabelsAreTheArgmaxOfOnnxruntimesScores() throws {
        let model = try SegmentationModel(url: lraspp)
        #expect(model.inputWidth == 96 && model.inputHeight == 64 && !model.channelsLast)
        guard case .float32(let input) = try Npy.read(contentsOf: lraspp.deletingPathExtension().appendingPathExtension("input.npy")),
              case .float32(let reference) = try Npy.read(contentsOf: lraspp.deletingPathExtension().appendingPathExtension("output.npy")) else {
            Issue.record("reference fixtures are not float32")
            return
        }
        let perImage = input.data.count / input.shape[0]
        let batch = (0..<input.shape[0]).map { Array(input.data[($0 * perImage)..<(($0 + 1) * perImage)]) }
        let labels = try model.labels(for: batch)
        let (classes, height, width) = (reference.shape[1], reference.shape[2], reference.shape[3])
        var disagreements = 0
        for (n, map) in labels.enumerated() {
            #expect(map.width == width && map.height == height)
            for i in 0..<(width * height) {
                let scores = (0..<classes).map { reference.data[((n * classes) + $0) * width * height + i] }
                let sorted = scores.sorted(by: >)
                guard sorted[0] - sorted[1] > 1e-3 else { continue }   // near-ties may flip within tolerance
                if Int(map.pixels[i]) != scores.firstIndex(of: sorted[0]) { disagreements += 1 }
            }
        }
        #expect(disagreements == 0)
    }

    /// Scores at the network's own resolution (the final Resize cut at load time), brought up by
    /// `LabelUpsampler`, give the labels of the whole graph's ArgMax(Resize(scores)): half_pixel
    /// (LR-ASPP, FCN, the bundled model) and align_corners (DeepLabV3+, FastFCN) alike.
    @Test(arguments: ["lraspp_mobilenetv3", "fcn", "deeplabv3plus", "fastfcn", "../roadseg"])
    func lowResolutionScoresBroughtUpGiveTheModelsLabels(name: String) throws {
        let url = Fixtures.root.appendingPathComponent("fixtures/models/test/\(name).onnx").standardized
        let whole = try SegmentationModel(url: url), cut = try SegmentationModel(url: url, keepsScores: true)
        #expect(cut.model.trailingResize != nil)
        var generator = SystemRandomNumberGenerator()
        let rgb = (0..<whole.inputWidth * whole.inputHeight * 3).map { i in UInt8((i / 3 % whole.inputWidth) * 255 / whole.inputWidth / 2 + Int.random(in: 0...127, using: &generator)) }
        let input = whole.input(fromRGB: rgb)
        let expected = try whole.labels(for: [input])[0]
        guard case .scores(let scores) = try cut.outputs(for: [input])[0] else {
            Issue.record("\(name): the cut model gave no scores")
            return
        }
        #expect(scores.width < whole.inputWidth && scores.height < whole.inputHeight)
        let labels = LabelUpsampler(threads: 2).labels(scores, width: expected.width, height: expected.height)
        let differing = zip(labels.pixels, expected.pixels).filter { $0 != $1 }.count
        #expect(differing <= expected.pixels.count / 10_000, "\(name): \(differing) of \(expected.pixels.count) labels differ")
    }

    @Test func normalisationFollowsMeanAndStd() throws {
        let model = try SegmentationModel(url: lraspp)
        var rgb = [UInt8](repeating: 0, count: 96 * 64 * 3)
        rgb[0] = 255; rgb[1] = 128; rgb[2] = 0
        let input = model.input(fromRGB: rgb)
        let plane = 96 * 64
        #expect(abs(input[0] - (1 - 0.485) / 0.229) < 1e-5)
        #expect(abs(input[plane] - (128.0 / 255 - 0.456) / 0.224) < 1e-5)
        #expect(abs(input[2 * plane] - (0 - 0.406) / 0.225) < 1e-5)
    }

    @Test func overlayIsThePaletteBlendAtEachPixel() throws {
        let labels = LabelSet(names: ["a", "b"], palette: [[255, 0, 0], [0, 0, 255]])
        let stage = try OverlayStage(labels: labels, alpha: 0.5)
        let picture = try VideoFrame(gray: [UInt8](repeating: 100, count: 16), width: 4, height: 4, index: 0, pts: 0, timeBase: Rational(1, 25))
        let item = FrameItem(picture: picture)
        // Columns 0-1: class 0; column 2: class 1; column 3: no class.
        item.labels = LabelMap(width: 4, height: 4, pixels: (0..<16).map { [0, 0, 1, 255][$0 % 4] })
        try stage.process(.frame(item)) { _ in }
        // Independent float BT.601: red Y = 16 + 65.481, blue Y = 16 + 24.966; gray has U = V = 128.
        // The unlabelled column keeps the picture's own Y (gray 100 in limited range).
        item.picture.withYUV420Planes { planes in
            let base = Double(planes.y[3])
            #expect(abs(base - (16 + 100 * 219.0 / 255)) <= 1)
            let expectedY: [Double] = [0.5 * base + 0.5 * 81.481, 0.5 * base + 0.5 * 81.481, 0.5 * base + 0.5 * 40.966, base]
            for y in 0..<4 {
                for x in 0..<4 { #expect(abs(Double(planes.y[y * planes.yStride + x]) - expectedY[x]) <= 1) }
            }
            let redV = 128 + 112.0, blueU = 128 + 112.0, blueV = 128 - 18.214, redU = 128 - 37.797
            #expect(abs(Double(planes.v[0]) - (0.5 * 128 + 0.5 * redV)) <= 1)
            #expect(abs(Double(planes.u[0]) - (0.5 * 128 + 0.5 * redU)) <= 1)
            // Block (2,3): one blue column, one unlabelled column.
            #expect(abs(Double(planes.u[1]) - (0.5 * 128 + 0.5 * (blueU + 128) / 2)) <= 1)
            #expect(abs(Double(planes.v[1]) - (0.5 * 128 + 0.5 * (blueV + 128) / 2)) <= 1)
        }
    }

    @Test func overlayOnOddSizesMatchesThePerPixelFormula() throws {
        let labels = LabelSet(names: ["a", "b", "c"], palette: [[255, 0, 0], [0, 200, 0], [30, 60, 250]])
        let (width, height, alpha) = (7, 5, 77)   // alpha 0.3 → 77/256
        let stage = try OverlayStage(labels: labels, alpha: 0.3)
        var generator = SystemRandomNumberGenerator()
        let gray = (0..<(width * height)).map { _ in UInt8.random(in: 0...255, using: &generator) }
        let ids = (0..<(width * height)).map { _ in [0, 1, 2, 9].randomElement(using: &generator)! } as [UInt8]
        let picture = try VideoFrame(gray: gray, width: width, height: height, index: 0, pts: 0, timeBase: Rational(1, 25))
        let before = try PixelConverter().yuv420Copy(of: picture)
        let item = FrameItem(picture: picture)
        item.labels = LabelMap(width: width, height: height, pixels: ids)
        try stage.process(.frame(item)) { _ in }
        let colours = labels.palette.map(OverlayStage.yuv)
        before.withYUV420Planes { old in
            item.picture.withYUV420Planes { new in
                for y in 0..<height {
                    for x in 0..<width {
                        let id = Int(ids[y * width + x]), own = Int(old.y[y * old.yStride + x])
                        let expected = id < 3 ? (own * (256 - alpha) + colours[id].y * alpha + 128) >> 8 : own
                        #expect(Int(new.y[y * new.yStride + x]) == expected)
                    }
                }
                for cy in 0..<3 {
                    for cx in 0..<4 {
                        let block = [(0, 0), (0, 1), (1, 0), (1, 1)].map { (cy * 2 + $0, cx * 2 + $1) }.filter { $0 < height && $1 < width }
                        let ownU = Int(old.u[cy * old.uStride + cx]), ownV = Int(old.v[cy * old.vStride + cx]), n = block.count
                        let u = block.map { let id = Int(ids[$0 * width + $1]); return id < 3 ? colours[id].u : ownU }.reduce(0, +)
                        let v = block.map { let id = Int(ids[$0 * width + $1]); return id < 3 ? colours[id].v : ownV }.reduce(0, +)
                        #expect(Int(new.u[cy * new.uStride + cx]) == (ownU * (256 - alpha) * n + u * alpha + 128 * n) / (256 * n))
                        #expect(Int(new.v[cy * new.vStride + cx]) == (ownV * (256 - alpha) * n + v * alpha + 128 * n) / (256 * n))
                    }
                }
            }
        }
    }

    @Test func inferenceKeepsOrderAndFlushesThePartialBatch() throws {
        let model = try SegmentationModel(url: lraspp)
        let source = try VideoSource(url: Fixtures.clip("audio.mp4"))
        let recorder = RecordingStage(name: "after")
        let report = try PipelineRunner(source: source, stages: [try PreprocessStage(model: model),
                                                                  InferenceStage(model: model, batchSize: 4), recorder]).run()
        #expect(report.frames == 50)
        #expect(recorder.indices == Array(0..<50), "50 = 12 full batches of 4 and a partial one of 2")
    }

    @Test(arguments: [false, true]) func temporalStageRunsTheModelOnKeyframesOnly(carriesScores: Bool) throws {
        let model = try SegmentationModel(url: lraspp, keepsScores: carriesScores)
        let source = try VideoSource(url: Fixtures.clip("audio.mp4"))
        var settings = TemporalAggregation()
        settings.keyframes = KeyframePolicy(interval: 3, sceneCut: 1)
        settings.blend = carriesScores ? 0.5 : 1
        let recorder = FrameRecorder()
        let report = try PipelineRunner(source: source, stages: [
            try PreprocessStage(model: model, keyframes: settings.keyframes),
            InferenceStage(model: model, batchSize: 4, keepsScores: carriesScores),
            TemporalStage(settings, guideWidth: model.inputWidth, guideHeight: model.inputHeight, carriesScores: carriesScores, givesScores: false, keepsGuide: false),
            recorder,
        ]).run()
        #expect(report.frames == 50)
        #expect(recorder.frames.map(\.index) == Array(0..<50))
        #expect(recorder.frames.filter(\.inferred).map(\.index) == Array(stride(from: 0, to: 50, by: 3)))
        #expect(recorder.frames.allSatisfy { $0.labels?.width == 160 && $0.labels?.height == 120 && !$0.keepsGuide })
    }
}

/// Records what reaches the end of a pipeline, frame by frame.
final class FrameRecorder: Stage, @unchecked Sendable {
    let name = "recorder"
    var frames: [(index: Int, inferred: Bool, labels: LabelMap?, keepsGuide: Bool)] = []

    func process(_ item: PipelineItem, emit: (PipelineItem) throws -> Void) throws {
        if case .frame(let frame) = item { frames.append((frame.picture.index, frame.inferred, frame.labels, frame.guide != nil)) }
        try emit(item)
    }
}

@Suite struct LegendTests {
    @Test func legendListsThePresentClassesWithSwatchAndText() throws {
        let labels = LabelSet(names: ["road", "car"], palette: [[255, 0, 0], [0, 0, 255]])
        let stage = try OverlayStage(labels: labels, alpha: 0, legendHeight: 12)
        let picture = try VideoFrame(gray: [UInt8](repeating: 128, count: 160 * 120), width: 160, height: 120, index: 0, pts: 0, timeBase: Rational(1, 25))
        let item = FrameItem(picture: picture)
        item.labels = LabelMap(width: 160, height: 120, pixels: (0..<(160 * 120)).map { $0 < 80 * 160 ? 1 : 0 })
        try stage.process(.frame(item)) { _ in }
        let red = OverlayStage.yuv([255, 0, 0]).y, blue = OverlayStage.yuv([0, 0, 255]).y
        item.picture.withYUV420Planes { p in
            let luma = (0..<60).flatMap { y in (0..<100).map { x in Int(p.y[y * p.yStride + x]) } }
            #expect(luma.filter { $0 == red }.count >= 25, "a road swatch")
            #expect(luma.filter { $0 == blue }.count >= 25, "a car swatch")
            #expect(luma.filter { $0 > 200 }.count >= 20, "white text")
            #expect(luma.contains { $0 < 60 }, "the darkened box")
            #expect(Int(p.y[100 * p.yStride + 150]) > 100, "away from the legend, the picture is untouched (alpha 0)")
        }
    }
}

@Suite struct ContourTests {
    @Test func boundaryPixelsGetTheFullClassColour() throws {
        let labels = LabelSet(names: ["a", "b"], palette: [[255, 0, 0], [0, 0, 255]])
        let stage = try OverlayStage(labels: labels, alpha: 0.5, contours: true)
        let picture = try VideoFrame(gray: [UInt8](repeating: 100, count: 64), width: 8, height: 8, index: 0, pts: 0, timeBase: Rational(1, 25))
        let item = FrameItem(picture: picture)
        item.labels = LabelMap(width: 8, height: 8, pixels: (0..<64).map { $0 % 8 < 4 ? 0 : 1 })
        try stage.process(.frame(item)) { _ in }
        let red = OverlayStage.yuv([255, 0, 0]), blue = OverlayStage.yuv([0, 0, 255])
        item.picture.withYUV420Planes { p in
            for y in 0..<8 {
                #expect(Int(p.y[y * p.yStride + 3]) == red.y && Int(p.y[y * p.yStride + 4]) == blue.y, "the edge columns")
                #expect(Int(p.y[y * p.yStride + 0]) != red.y, "inside: blended, not full colour")
            }
            #expect(Int(p.u[1]) == red.u && Int(p.u[2]) == blue.u, "chroma of blocks on the edge")
        }
    }
}
