import Foundation
import Testing
import TestSupport

/// The service recipes in deploy/: the systemd unit runs for real (its command line, against a
/// loopback camera, stopped with its kill signal), and the container's runtime packages provide
/// every system library the binary links.
@Suite(.timeLimit(.minutes(5))) struct ServiceRecipeTests {
    private let deploy = Fixtures.root.appendingPathComponent("deploy")

    /// The unit's `[Service]` keys, and its ExecStart as systemd would run it for instance
    /// `instance` with `environment` (`%i` and `%%` expanded, `${X}` one word, `$X` split).
    private func unitCommand(instance: String, environment: [String: String]) throws -> (keys: [String: String], arguments: [String]) {
        let unit = try String(contentsOf: deploy.appendingPathComponent("systemd/segstream@.service"), encoding: .utf8)
        var keys: [String: String] = [:], section = ""
        for line in unit.split(separator: "\n") where !line.hasPrefix("#") {
            if line.hasPrefix("[") { section = String(line) } else if section == "[Service]", let eq = line.firstIndex(of: "=") {
                keys[String(line[..<eq])] = String(line[line.index(after: eq)...])
            }
        }
        let words = try #require(keys["ExecStart"]).split(separator: " ").flatMap { word -> [String] in
            if word.hasPrefix("${") { return [environment[String(word.dropFirst(2).dropLast())] ?? ""] }
            if word.hasPrefix("$") { return (environment[String(word.dropFirst())] ?? "").split(separator: " ").map(String.init) }
            return [word.replacingOccurrences(of: "%i", with: instance).replacingOccurrences(of: "%%", with: "%")]
        }
        return (keys, words)
    }

    /// The example environment file, as systemd reads it.
    private func exampleEnvironment() throws -> [String: String] {
        let text = try String(contentsOf: deploy.appendingPathComponent("systemd/camera.env.example"), encoding: .utf8)
        var environment: [String: String] = [:]
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            guard let eq = line.firstIndex(of: "=") else { continue }
            environment[String(line[..<eq])] = String(line[line.index(after: eq)...])
        }
        return environment
    }

    @Test func theSystemdUnitRunsACameraAndStopsCleanly() throws {
        var environment = try exampleEnvironment()
        #expect(Set(environment.keys) == ["CAMERA_URL", "SPLIT_EVERY", "METRICS_ADDRESS", "SEGMENT_OPTIONS"])
        let server = try RTSPTestServer()
        let folder = try TemporaryFolder()
        environment["CAMERA_URL"] = server.url
        environment["SPLIT_EVERY"] = "1s"
        environment["METRICS_ADDRESS"] = "127.0.0.1:\(Int.random(in: 40000..<50000))"
        let (keys, arguments) = try unitCommand(instance: "gate", environment: environment)
        #expect(keys["Restart"] == "on-failure" && keys["KillSignal"] == "SIGTERM")
        #expect(arguments.first == "/usr/local/bin/segstream")
        let model = Fixtures.root.appendingPathComponent("fixtures/models/test/lraspp_mobilenetv3.onnx").path
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Fixtures.executable)
        process.arguments = Array(arguments.dropFirst()) + ["--model", model]
        process.currentDirectoryURL = folder.url
        process.standardError = FileHandle.nullDevice
        try process.run()
        Thread.sleep(forTimeInterval: 3.5)
        kill(process.processIdentifier, SIGTERM)
        process.waitUntilExit()
        server.stop()

        let success = [0] + (keys["SuccessExitStatus"] ?? "").split(separator: " ").compactMap { Int32($0) }
        #expect(success.contains(process.terminationStatus), "exit \(process.terminationStatus) counts as a failure to systemd")
        let day = try #require(folder.contents.first, "a folder per day")
        let pieces = try FileManager.default.contentsOfDirectory(atPath: folder.path(day)).sorted()
        #expect(pieces.count >= 4 && !pieces.contains { $0.hasPrefix(".") }, "\(pieces)")
        for piece in pieces where piece.hasSuffix(".mp4") { #expect(try FFprobe.decodesCleanly(folder.path("\(day)/\(piece)")), "\(piece)") }
    }

    /// Each system library the binary links is in a package the container's runtime image installs.
    @Test func theContainerInstallsEveryLibraryTheBinaryLinks() throws {
        let dockerfile = try String(contentsOf: deploy.appendingPathComponent("container/Dockerfile"), encoding: .utf8)
        let runtime = try #require(dockerfile.components(separatedBy: "FROM debian:").last)
        let installed = Set(runtime.split(whereSeparator: { " \n\\".contains($0) }).map(String.init))
        let needed = try Command.run("readelf", ["-d", Fixtures.executable]).stdout.matches(of: #/NEEDED\).*\[(.+)\]/#).map { String($0.1) }
        let ldd = try Command.run("ldd", [Fixtures.executable]).stdout
        let swiftRuntime = #/^(libswift|libFoundation|libdispatch|libBlocksRuntime|libc\.|libm\.|ld-linux)/#
        for library in needed where library.firstMatch(of: swiftRuntime) == nil {
            let line = try #require(ldd.split(separator: "\n").first { $0.contains("\(library) => ") }, "\(library) not found")
            let path = String(line.split(separator: " ")[2])
            let resolved = URL(fileURLWithPath: path).resolvingSymlinksInPath().path
            let owner = try Command.run("dpkg", ["-S", resolved]).stdout.split(separator: ":").first.map(String.init) ?? "?"
            #expect(installed.contains(owner), "\(library) comes from \(owner), which the runtime image does not install")
        }
        #expect(dockerfile.contains("RUN make demo"), "the image is built with the README's own set-up")
    }
}
