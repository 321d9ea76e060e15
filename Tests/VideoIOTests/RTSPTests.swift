import Foundation
import Testing
import TestSupport
@testable import VideoIO

// A hang guard: the limit also counts time spent waiting for a free test worker.
@Suite(.timeLimit(.minutes(5))) struct RTSPTests {
    @Test func decodesALiveCamera() throws {
        let server = try RTSPTestServer()
        var options = ReaderOptions()
        options.maxFrames = 25
        let reader = try VideoReader(url: server.url, options: options)
        #expect(reader.info.format == "rtsp")
        #expect(reader.info.video.width == 320 && reader.info.video.height == 240)
        var frames: [VideoFrame] = []
        while case .video(let frame)? = try reader.next() { frames.append(frame) }
        #expect(frames.count == 25)
        let times = frames.map(\.seconds)
        #expect(zip(times, times.dropFirst()).allSatisfy { $0 < $1 }, "timestamps increase")
        server.stop()
    }

    @Test func aCameraThatGoesAwayEndsTheReadPromptly() throws {
        let server = try RTSPTestServer()
        var options = ReaderOptions()
        options.networkTimeout = 2
        let reader = try VideoReader(url: server.url, options: options)
        for _ in 0..<5 { _ = try reader.next() }
        server.stop()
        let started = Date()
        do {
            while try reader.next() != nil {}
        } catch {
            #expect("\(error)".contains(server.url))
        }
        #expect(Date().timeIntervalSince(started) < 15)
    }
}

@Suite(.timeLimit(.minutes(5))) struct HTTPTests {
    @Test func decodesAFileServedOverHTTP() throws {
        let port = Int.random(in: 40000..<50000)
        let server = try Command.start("/usr/bin/python3", ["-m", "http.server", "--bind", "127.0.0.1", "\(port)",
                                                            "--directory", Fixtures.clip("")])
        defer {
            kill(server.process.processIdentifier, SIGKILL)
            _ = server.wait()
        }
        let url = "http://127.0.0.1:\(port)/cfr.mp4"
        var reader: VideoReader?
        let deadline = Date().addingTimeInterval(10)
        while reader == nil && Date() < deadline {
            reader = try? VideoReader(url: url)
            if reader == nil { Thread.sleep(forTimeInterval: 0.2) }
        }
        let opened = try #require(reader)
        var frames = 0
        while case .video? = try opened.next() { frames += 1 }
        #expect(frames == 50)
        #expect(opened.damage == nil)
    }
}
