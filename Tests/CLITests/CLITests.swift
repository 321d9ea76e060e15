import Foundation
import Testing
import TestSupport

@Suite struct CLITests {
    private func segstream(_ arguments: String...) throws -> CommandResult {
        try Command.run(Fixtures.executable, arguments)
    }

    @Test func probePrintsStreamFactsAsJSON() throws {
        let result = try segstream("probe", Fixtures.clip("audio.mp4"), "--json")
        #expect(result.status == 0)
        let json = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
        let video = json?["video"] as? [String: Any]
        #expect(video?["codec"] as? String == "h264")
        #expect(video?["width"] as? Int == 160)
        #expect(video?["frame_count"] as? Int == 50)
        #expect((json?["audio"] as? [[String: Any]])?.first?["sample_rate"] as? Int == 48000)
    }

    @Test func transcodeKeepsFramesAndCutsByTime() throws {
        let folder = try TemporaryFolder()
        let full = try segstream("transcode", Fixtures.clip("vfr.mp4"), "-o", folder.path("full.mp4"), "--preset", "ultrafast", "--quiet")
        #expect(full.status == 0, "\(full.stderr)")
        #expect(try FFprobe.framePTS(folder.path("full.mp4")).count == FFprobe.framePTS(Fixtures.clip("vfr.mp4")).count)
        let cut = try segstream("transcode", Fixtures.clip("cfr.mp4"), "-o", folder.path("cut.mp4"),
                                "--from", "0.4", "--to", "00:01.2", "--preset", "ultrafast")
        #expect(cut.status == 0, "\(cut.stderr)")
        let times = try FFprobe.framePTS(folder.path("cut.mp4"))
        #expect(times.count == 20)
        #expect(abs((times.first ?? -1) - 0) < 1e-3)
        let limited = try segstream("transcode", Fixtures.clip("cfr.mp4"), "-o", folder.path("ten.mp4"), "--frames", "10")
        #expect(limited.status == 0)
        #expect(try FFprobe.framePTS(folder.path("ten.mp4")).count == 10)
    }

    /// Exit 65 (an input that cannot be processed, which schedulers must not retry).
    @Test func badInputsExitWithOneClearLine() throws {
        let folder = try TemporaryFolder()
        for input in ["/nonexistent/in.mp4", Fixtures.clip("not-video.txt"), Fixtures.clip("audio-only.m4a")] {
            let result = try segstream("transcode", input, "-o", folder.path("out.mp4"))
            #expect(result.status == 65)
            let lines = result.stderr.split(separator: "\n")
            #expect(lines.count == 1 && lines[0].hasPrefix("segstream: error: \(input)"), "\(result.stderr)")
        }
        #expect(folder.contents.isEmpty)
    }

    @Test func damagedInputWarnsAndKeepsWhatDecoded() throws {
        let folder = try TemporaryFolder()
        let result = try segstream("transcode", Fixtures.clip("truncated.mp4"), "-o", folder.path("out.mp4"))
        #expect(result.status == 0)
        #expect(result.stderr.hasPrefix("warning: \(Fixtures.clip("truncated.mp4")): "))
        #expect(result.stderr.contains("the input ended after 25 of 50 frames"))
        #expect(try FFprobe.framePTS(folder.path("out.mp4")).count > 0)
    }

    @Test func dropOldestDropsAndSaysHowMany() throws {
        let folder = try TemporaryFolder()
        let result = try segstream("transcode", Fixtures.clip("audio.mp4"), "-o", folder.path("out.mp4"), "--drop-oldest", "--queue-capacity", "1")
        #expect(result.status == 0)
        let dropped = result.stderr.split(separator: " ").dropFirst().first.flatMap { Int($0) } ?? 0
        #expect(dropped > 0 && result.stderr.contains("item(s) were dropped by full queues"), "\(result.stderr)")
        #expect(try FFprobe.framePTS(folder.path("out.mp4")).count < 50)
    }

    @Test func usageErrorsExitWithTwo() throws {
        #expect(try segstream("transcode", Fixtures.clip("cfr.mp4")).status == 2)
        #expect(try segstream("transcode", Fixtures.clip("cfr.mp4"), "-o", "x.mp4", "--preset", "warp").status == 2)
        #expect(try segstream("transcode", Fixtures.clip("cfr.mp4"), "-o", "x.mp4", "--from", "5", "--to", "2").status == 2)
        #expect(try segstream("nonsense").status == 2)
        #expect(try segstream("--help").status == 0)
    }

    /// Bad output paths are refused before any work, with nothing written: a folder, the same
    /// path for two outputs. A leftover temporary file of a killed run is cleaned up.
    @Test func badOutputPathsAreRefusedAtOnce() throws {
        let folder = try TemporaryFolder()
        let model = Fixtures.root.appendingPathComponent("fixtures/models/test/lraspp_mobilenetv3.onnx").path
        try FileManager.default.createDirectory(atPath: folder.path("taken.mp4"), withIntermediateDirectories: false)
        let started = Date()
        let intoFolder = try segstream("segment", Fixtures.clip("audio.mp4"), "--model", model, "-o", folder.path("taken.mp4"), "--quiet")
        #expect(intoFolder.status == 1 && intoFolder.stderr.contains("is a folder"), "\(intoFolder.stderr)")
        let twice = try segstream("segment", Fixtures.clip("audio.mp4"), "--model", model, "-o", folder.path("a.mkv"),
                                  "--labels-out", folder.path("a.mkv"), "--quiet")
        #expect(twice.status == 1 && twice.stderr.contains("written by both"), "\(twice.stderr)")
        #expect(Date().timeIntervalSince(started) < 2)
        #expect(folder.contents == ["taken.mp4"])
        FileManager.default.createFile(atPath: folder.path(".out.mp4.partial-999999"), contents: Data([1]))
        #expect(try segstream("transcode", Fixtures.clip("cfr.mp4"), "-o", folder.path("out.mp4"), "--preset", "ultrafast").status == 0)
        #expect(folder.contents == ["out.mp4", "taken.mp4"])
    }

    /// `--json -` writes JSON Lines to standard output; a FIFO at an output path is written
    /// through, never replaced.
    @Test func jsonGoesToStandardOutputOrThroughAFIFO() throws {
        let folder = try TemporaryFolder()
        let model = Fixtures.root.appendingPathComponent("fixtures/models/test/lraspp_mobilenetv3.onnx").path
        let toStdout = try segstream("segment", Fixtures.clip("audio.mp4"), "--model", model, "--json", "-", "--quiet")
        #expect(toStdout.status == 0)
        #expect(toStdout.stdout.split(separator: "\n").count == 51 && folder.contents.isEmpty)
        let fifo = folder.path("frames.jsonl")
        #expect(mkfifo(fifo, 0o644) == 0)
        let reader = try Command.start("/bin/cat", [fifo])
        let intoFIFO = try segstream("segment", Fixtures.clip("audio.mp4"), "--model", model, "--json", fifo, "--quiet")
        let read = reader.wait()
        #expect(intoFIFO.status == 0, "\(intoFIFO.stderr)")
        #expect(read.stdout.split(separator: "\n").count == 51)
        var info = stat()
        #expect(stat(fifo, &info) == 0 && info.st_mode & S_IFMT == S_IFIFO, "the FIFO is still a FIFO")
        #expect(folder.contents == ["frames.jsonl"])
    }

    @Test func refusesToOverwriteItsInput() throws {
        let folder = try TemporaryFolder()
        try FileManager.default.copyItem(atPath: Fixtures.clip("cfr.mp4"), toPath: folder.path("in.mp4"))
        let result = try segstream("transcode", folder.path("in.mp4"), "-o", folder.path("in.mp4"))
        #expect(result.status == 1)
        #expect(result.stderr.contains("refusing to overwrite the input"))
        #expect(folder.contents == ["in.mp4"])
    }

    // A hang guard: the limit also counts time spent waiting for a free test worker.
    /// A camera's password never reaches the terminal: errors show the URL with `***`.
    @Test func errorsNeverPrintACamerasPassword() throws {
        let result = try segstream("probe", "rtsp://admin:hunter2@127.0.0.1:9/cam")
        #expect(result.status == 1)
        #expect(result.stderr.contains("rtsp://admin:***@127.0.0.1:9/cam") && !result.stderr.contains("hunter2"), "\(result.stderr)")
    }

    /// SIGINT (Ctrl-C) and SIGTERM (`systemctl stop`, `docker stop`, Kubernetes) both finish the
    /// output: a playable file at its final name, nothing else left, exit 128 + the signal.
    @Test(.timeLimit(.minutes(5)), arguments: [SIGINT, SIGTERM])
    func aSignalLeavesAPlayableOutputAndExits128PlusIt(signal: Int32) throws {
        let folder = try TemporaryFolder()
        let input = folder.path("long.mp4")
        let made = try Command.run("ffmpeg", ["-v", "error", "-f", "lavfi", "-i", "testsrc2=size=640x360:rate=30:duration=20",
                                              "-c:v", "libx264", "-preset", "ultrafast", input])
        #expect(made.status == 0)
        let run = try Command.start(Fixtures.executable, ["transcode", input, "-o", folder.path("out.mp4"), "--preset", "slower"])
        Thread.sleep(forTimeInterval: 1.5)
        run.interrupt(signal)
        let result = run.wait()
        #expect(result.status == 128 + signal, "\(result.stderr)")
        #expect(result.stderr.contains(signal == SIGTERM ? "interrupted (SIGTERM)" : "interrupted (SIGINT)"))
        #expect(folder.contents == ["long.mp4", "out.mp4"])
        let frames = try FFprobe.framePTS(folder.path("out.mp4")).count
        #expect(frames > 0 && frames < 600)
    }
}

@Suite struct SegmentCommandTests {
    @Test func segmentKeepsFramesTimestampsAndAudio() throws {
        let folder = try TemporaryFolder()
        let input = Fixtures.clip("audio.mp4")
        let model = Fixtures.root.appendingPathComponent("fixtures/models/test/lraspp_mobilenetv3.onnx").path
        let result = try Command.run(Fixtures.executable, ["segment", input, "--model", model, "-o", folder.path("out.mp4"),
                                                           "--labels-out", folder.path("labels.mkv"), "--batch", "3", "--preset", "ultrafast"])
        #expect(result.status == 0, "\(result.stderr)")
        let expected = try FFprobe.framePTS(input)
        for output in ["out.mp4", "labels.mkv"] {
            let times = try FFprobe.framePTS(folder.path(output))
            #expect(times.count == expected.count, "\(output)")
            #expect(zip(times, expected).allSatisfy { abs($0 - $1) < 1e-3 }, "\(output)")
        }
        #expect(try FFprobe.audioPacketHashes(folder.path("out.mp4")) == FFprobe.audioPacketHashes(input))
        #expect(try FFprobe.videoStream(folder.path("labels.mkv"))["pix_fmt"] as? String == "gray")
    }

    @Test func badModelsAreClearErrors() throws {
        let folder = try TemporaryFolder()
        let garbage = folder.path("garbage.onnx")
        try Data("not a model".utf8).write(to: URL(fileURLWithPath: garbage))
        let result = try Command.run(Fixtures.executable, ["segment", Fixtures.clip("cfr.mp4"), "--model", garbage, "-o", folder.path("out.mp4")])
        #expect(result.status == 65)
        #expect(result.stderr.hasPrefix("segstream: error:") && result.stderr.contains("garbage.onnx"), "\(result.stderr)")
        #expect(folder.contents == ["garbage.onnx"])
    }
}
