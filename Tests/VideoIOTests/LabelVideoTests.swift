import Foundation
import Testing
import TestSupport
@testable import VideoIO

@Suite struct LabelVideoTests {
    @Test func ffv1GrayLabelsRoundTripExactlyWithTheirTimestamps() throws {
        let folder = try TemporaryFolder()
        let source = try VideoReader(url: Fixtures.clip("vfr.mp4"))
        var options = WriterOptions()
        options.codec = .ffv1Gray
        options.copyAudio = false
        let writer = try VideoWriter(path: folder.path("labels.mkv"), source: source.info, options: options)
        var written: [[UInt8]] = []
        var times: [Double] = []
        while case .video(let frame)? = try source.next() {
            let labels = (0..<(160 * 120)).map { UInt8(($0 / 7 + frame.index) % 19) }
            try writer.write(VideoFrame(gray: labels, width: 160, height: 120, index: frame.index, pts: frame.pts, timeBase: frame.timeBase))
            written.append(labels)
            times.append(frame.seconds)
        }
        try writer.finish()
        let stream = try FFprobe.videoStream(folder.path("labels.mkv"))
        #expect(stream["codec_name"] as? String == "ffv1" && stream["pix_fmt"] as? String == "gray")
        let (_, frames, _) = try readAll(folder.path("labels.mkv"))
        #expect(frames.map { $0.grayPixels() ?? [] } == written)
        #expect(zip(frames.map(\.seconds), times).allSatisfy { abs($0 - $1) < 1e-3 })
    }
}
