import Foundation
import Segmentation
import Testing
import TestSupport
import VideoIO
@testable import Pipeline

@Suite struct CodecMotionTests {
    /// A picture panning 4 pixels left per frame, encoded as H.264 without B-frames: the field
    /// from the decoder's vectors says each pixel's content was 4 pixels to the right before.
    @Test func aKnownPanGivesThatMotion() throws {
        let folder = try TemporaryFolder()
        let still = folder.path("still.png"), clip = folder.path("pan.mp4")
        let drawn = try Command.run("ffmpeg", ["-v", "error", "-f", "lavfi", "-i", "testsrc2=size=640x240", "-frames:v", "1", still])
        let made = try Command.run("ffmpeg", ["-v", "error", "-loop", "1", "-framerate", "25", "-i", still, "-frames:v", "25",
                                              "-vf", "crop=320:240:x='4*n':y=0", "-c:v", "libx264", "-bf", "0", "-refs", "1",
                                              "-preset", "medium", "-pix_fmt", "yuv420p", clip])
        #expect(drawn.status == 0 && made.status == 0, "\(drawn.stderr)\(made.stderr)")
        var options = ReaderOptions()
        options.exportMotionVectors = true
        let reader = try VideoReader(url: clip, options: options)
        var fields: [MotionField] = []
        while case .video(let frame)? = try reader.next() {
            if let vectors = frame.motionVectors, let field = MotionField(codecVectors: vectors, width: frame.width, height: frame.height) {
                fields.append(field)
            }
        }
        #expect(fields.count >= 20, "P-frames with vectors: \(fields.count)")
        for field in fields {
            let dx = field.dx.sorted()[field.dx.count / 2], dy = field.dy.sorted()[field.dy.count / 2]
            #expect(abs(dx - 4) < 0.5 && abs(dy) < 0.5, "median motion (\(dx), \(dy))")
        }
    }

    @Test func intraFramesAndFuturePredictionsGiveNoField() {
        #expect(MotionField(codecVectors: [], width: 64, height: 64) == nil)
    }
}
