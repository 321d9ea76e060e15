import Foundation
import Testing
import TestSupport
@testable import VideoIO

/// Decodes `input` and writes every frame and audio packet to `output`.
func transcode(_ input: String, to output: String, options: WriterOptions = WriterOptions()) throws -> VideoWriter {
    let reader = try VideoReader(url: input)
    var writerOptions = options
    writerOptions.preset = "ultrafast"
    let writer = try VideoWriter(path: output, source: reader.info, options: writerOptions)
    while let item = try reader.next() {
        switch item {
        case .video(let frame): try writer.write(frame)
        case .audio(let packet): try writer.write(packet)
        case .gap: break
        }
    }
    try writer.finish()
    return writer
}

@Suite struct VideoWriterTests {
    @Test(arguments: ["cfr.mp4", "vfr.mp4", "rotated.mp4", "odd-444.mp4", "tenbit.mkv", "gray.mkv", "audio.mp4"])
    func keepsFrameCountAndEveryTimestamp(_ name: String) throws {
        let folder = try TemporaryFolder()
        let output = folder.path("out.mp4")
        _ = try transcode(Fixtures.clip(name), to: output)
        let expected = try FFprobe.framePTS(Fixtures.clip(name))
        let written = try FFprobe.framePTS(output)
        #expect(written.count == expected.count)
        for (a, b) in zip(written, expected) { #expect(abs(a - b) < 1e-4) }
        let stream = try FFprobe.videoStream(output)
        #expect(stream["codec_name"] as? String == "h264")
        #expect(stream["pix_fmt"] as? String == "yuv420p")
        #expect(folder.contents == ["out.mp4"], "no temporary file is left behind")
    }

    @Test func copiesAudioPacketsBitForBit() throws {
        let folder = try TemporaryFolder()
        _ = try transcode(Fixtures.clip("audio.mp4"), to: folder.path("out.mp4"))
        let original = try FFprobe.audioPacketHashes(Fixtures.clip("audio.mp4"))
        #expect(!original.isEmpty)
        #expect(try FFprobe.audioPacketHashes(folder.path("out.mp4")) == original)
    }

    @Test func carriesRotation() throws {
        let folder = try TemporaryFolder()
        _ = try transcode(Fixtures.clip("rotated.mp4"), to: folder.path("out.mp4"))
        let rotation = try FFprobe.rotation(Fixtures.clip("rotated.mp4"))
        #expect(rotation != 0)
        #expect(try FFprobe.rotation(folder.path("out.mp4")) == rotation)
    }

    @Test func cropsOddSizesInsteadOfStretching() throws {
        let folder = try TemporaryFolder()
        let output = folder.path("out.mp4")
        _ = try transcode(Fixtures.clip("odd-444.mp4"), to: output)
        let stream = try FFprobe.videoStream(output)
        #expect(stream["width"] as? Int == 160 && stream["height"] as? Int == 120)
        // Against the input's top-left 160x120 the picture matches closely; a stretched one would not.
        let result = try Command.run("ffmpeg", ["-hide_banner", "-i", output, "-i", Fixtures.clip("odd-444.mp4"), "-lavfi",
                                                 "[1]crop=160:120:0:0,format=yuv420p[ref];[0][ref]psnr", "-f", "null", "-"])
        let average = result.stderr.components(separatedBy: "average:").last?.split(separator: " ").first.flatMap { Double($0) }
        #expect((average ?? 0) > 30, "PSNR \(average ?? 0) dB")
    }

    @Test func refusesToOverwriteItsInput() throws {
        let folder = try TemporaryFolder()
        let copy = folder.path("clip.mp4")
        try FileManager.default.copyItem(atPath: Fixtures.clip("cfr.mp4"), toPath: copy)
        let info = try VideoReader(url: copy).info
        #expect(throws: VideoIOError.self) { try VideoWriter(path: copy, source: info) }
        try FileManager.default.createSymbolicLink(atPath: folder.path("link.mp4"), withDestinationPath: copy)
        #expect(throws: VideoIOError.self) { try VideoWriter(path: folder.path("link.mp4"), source: info) }
        #expect(try Data(contentsOf: URL(fileURLWithPath: copy)) == Data(contentsOf: URL(fileURLWithPath: Fixtures.clip("cfr.mp4"))))
    }

    @Test func abortedOrEmptyOutputsLeaveNoFile() throws {
        let folder = try TemporaryFolder()
        let reader = try VideoReader(url: Fixtures.clip("cfr.mp4"))
        let aborted = try VideoWriter(path: folder.path("aborted.mp4"), source: reader.info)
        if case .video(let frame)? = try reader.next() { try aborted.write(frame) }
        aborted.abort()
        let empty = try VideoWriter(path: folder.path("empty.mp4"), source: reader.info)
        #expect(throws: VideoIOError.self) { try empty.finish() }
        do { _ = try VideoWriter(path: folder.path("dropped.mp4"), source: reader.info) }
        #expect(folder.contents.isEmpty)
    }

    @Test func unknownOutputFormatIsAClearError() throws {
        let folder = try TemporaryFolder()
        let info = try VideoReader(url: Fixtures.clip("cfr.mp4")).info
        #expect { try VideoWriter(path: folder.path("out.unknownext"), source: info) } throws: { error in
            "\(error)".contains("cannot tell the output format")
        }
        #expect { try VideoWriter(path: "/nonexistent/out.mp4", source: info) } throws: { error in
            "\(error)".contains("does not exist")
        }
    }
}
