import Foundation
import Testing
import TestSupport
@testable import VideoIO

/// Reads every item of `path`, returning the frames and the audio packets.
func readAll(_ path: String, options: ReaderOptions = ReaderOptions()) throws -> (VideoReader, [VideoFrame], [AudioPacket]) {
    let reader = try VideoReader(url: path, options: options)
    var frames: [VideoFrame] = []
    var audio: [AudioPacket] = []
    while let item = try reader.next() {
        switch item {
        case .video(let frame): frames.append(frame)
        case .audio(let packet): audio.append(packet)
        case .gap: break
        }
    }
    return (reader, frames, audio)
}

@Suite struct VideoReaderTests {
    @Test func streamFactsMatchTheFile() throws {
        let info = try VideoReader(url: Fixtures.clip("audio.mp4")).info
        #expect(info.video.codec == "h264")
        #expect(info.video.width == 160 && info.video.height == 120)
        #expect(info.video.pixelFormat == "yuv420p")
        #expect(info.video.frameRate == Rational(25, 1))
        #expect(info.video.frameCount == 50)
        #expect(info.audio.count == 1)
        #expect(info.audio.first?.codec == "aac")
        #expect(info.audio.first?.sampleRate == 48000)
    }

    @Test(arguments: ["cfr.mp4", "vfr.mp4", "rotated.mp4", "odd-444.mp4", "tenbit.mkv", "gray.mkv", "audio.mp4"])
    func decodesEveryFrameWithFFprobesTimestamps(_ name: String) throws {
        let path = Fixtures.clip(name)
        let (reader, frames, _) = try readAll(path)
        let expected = try FFprobe.framePTS(path)
        #expect(frames.count == expected.count)
        for (frame, seconds) in zip(frames, expected) {
            #expect(abs(frame.seconds - seconds) < 1e-5, "frame \(frame.index) of \(name)")
        }
        #expect(frames.map(\.index) == Array(0..<frames.count))
        #expect(reader.damage == nil)
    }

    @Test func keepsPixelFormatAndOddSize() throws {
        let (_, odd, _) = try readAll(Fixtures.clip("odd-444.mp4"))
        #expect(odd.first.map { ($0.width, $0.height, $0.pixelFormat) } ?? (0, 0, "") == (161, 121, "yuv444p"))
        let (_, tenBit, _) = try readAll(Fixtures.clip("tenbit.mkv"))
        #expect(tenBit.first?.pixelFormat == "yuv420p10le")
        let (_, gray, _) = try readAll(Fixtures.clip("gray.mkv"))
        #expect(gray.first?.pixelFormat == "gray")
    }

    @Test func readsTheDisplayMatrixRotation() throws {
        let info = try VideoReader(url: Fixtures.clip("rotated.mp4")).info
        #expect(info.video.displayMatrix != nil)
        #expect(info.video.rotation == (360 - (try FFprobe.rotation(Fixtures.clip("rotated.mp4")))) % 360)
        #expect(try VideoReader(url: Fixtures.clip("cfr.mp4")).info.video.rotation == 0)
    }

    @Test func deliversAudioPacketsInFileOrder() throws {
        let (_, _, audio) = try readAll(Fixtures.clip("audio.mp4"))
        let hashes = try FFprobe.audioPacketHashes(Fixtures.clip("audio.mp4"))
        #expect(audio.count == hashes.count)
        #expect(audio.map(\.pts) == audio.map(\.pts).sorted())
    }

    @Test func cutsFrameAccurately() throws {
        var options = ReaderOptions()
        options.start = 0.5
        options.end = 1.0
        let (_, frames, _) = try readAll(Fixtures.clip("cfr.mp4"), options: options)
        // Frame 12 shows at 0.48 s, before the start; frame 13 (0.52 s) is the first delivered.
        #expect(frames.map(\.seconds).map { ($0 * 25).rounded() } == (13..<25).map(Double.init))
        options = ReaderOptions()
        options.maxFrames = 7
        #expect(try readAll(Fixtures.clip("cfr.mp4"), options: options).1.count == 7)
    }

    @Test func exportsMotionVectorsOnPredictedFrames() throws {
        var options = ReaderOptions()
        options.exportMotionVectors = true
        let (_, frames, _) = try readAll(Fixtures.clip("cfr.mp4"), options: options)
        #expect(frames.allSatisfy { $0.motionVectors != nil })
        #expect(frames[0].motionVectors?.isEmpty == true, "the first frame is intra-coded")
        let moving = frames.flatMap { $0.motionVectors ?? [] }.filter { $0.dx != 0 || $0.dy != 0 }
        #expect(moving.count > 50)
        #expect(moving.allSatisfy { $0.width > 0 && $0.height > 0 && abs($0.dx) < 160 && abs($0.dy) < 120 })
        #expect(try readAll(Fixtures.clip("cfr.mp4")).1.allSatisfy { $0.motionVectors == nil })
    }
}

@Suite struct BadInputTests {
    private func openError(_ path: String) -> String? {
        do {
            _ = try VideoReader(url: path)
            return nil
        } catch {
            return "\(error)"
        }
    }

    @Test func missingFileNamesThePath() {
        let message = openError("/nonexistent/clip.mp4")
        #expect(message?.contains("/nonexistent/clip.mp4") == true)
        #expect(message?.contains("No such file") == true)
    }

    @Test func zeroByteAndTextFilesAreRejected() throws {
        let folder = try TemporaryFolder()
        _ = FileManager.default.createFile(atPath: folder.path("empty.mp4"), contents: Data())
        #expect(openError(folder.path("empty.mp4"))?.contains("empty.mp4: cannot open input") == true)
        #expect(openError(Fixtures.clip("not-video.txt"))?.contains("Invalid data") == true)
    }

    @Test func audioOnlyInputHasNoVideoStream() {
        #expect(openError(Fixtures.clip("audio-only.m4a"))?.contains("no video stream") == true)
    }

    @Test func truncatedInputYieldsWhatIsDecodableAndSaysSo() throws {
        let (reader, frames, _) = try readAll(Fixtures.clip("truncated.mp4"))
        #expect(frames.count > 0 && frames.count < 50)
        #expect(reader.damage?.contains("truncated") == true)
    }

    @Test func corruptInputIsDecodedAroundTheDamage() throws {
        let (reader, frames, _) = try readAll(Fixtures.clip("corrupt.ts"))
        #expect(frames.count > 40)
        #expect(reader.damage != nil)
    }

    @Test func randomBytesNeverCrash() throws {
        let folder = try TemporaryFolder()
        var generator = SystemRandomNumberGenerator()
        let original = try Data(contentsOf: URL(fileURLWithPath: Fixtures.clip("cfr.mp4")))
        for trial in 0..<5 {
            var bytes = [UInt8](original)
            for _ in 0..<200 { bytes[Int.random(in: 64..<bytes.count, using: &generator)] = UInt8.random(in: 0...255, using: &generator) }
            let path = folder.path("fuzz\(trial).mp4")
            _ = FileManager.default.createFile(atPath: path, contents: Data(bytes))
            if let reader = try? VideoReader(url: path) {
                while (try? reader.next()) != nil {}
            }
        }
    }

    // A hang guard: the limit also counts time spent waiting for a free test worker.
    @Test(.timeLimit(.minutes(5))) func unreachableCameraFailsPromptly() throws {
        var options = ReaderOptions()
        options.networkTimeout = 2
        let started = Date()
        #expect(throws: VideoIOError.self) { try VideoReader(url: "rtsp://127.0.0.1:9/stream", options: options) }
        #expect(Date().timeIntervalSince(started) < 20)
    }
}
