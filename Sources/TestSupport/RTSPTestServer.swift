import Foundation

/// The loopback RTSP camera of tools/fixtures/rtsp-test-server.py (GStreamer, Debian packages), for tests.
public final class RTSPTestServer {
    public let url: String
    public let port: Int
    private let process: RunningCommand

    /// Starts the server on `port` (default: a free-looking one) and waits until it accepts
    /// connections.
    public init(port: Int? = nil, size: String = "320x240", seconds: Int = 60) throws {
        let port = port ?? Self.freePort()
        self.port = port
        url = "rtsp://127.0.0.1:\(port)/cam"
        process = try Command.start("/usr/bin/python3", [Fixtures.root.appendingPathComponent("tools/fixtures/rtsp-test-server.py").path,
                                                        "--port", "\(port)", "--size", size, "--seconds", "\(seconds)"])
        let deadline = Date().addingTimeInterval(10)
        while !Self.accepts(port: port) {
            guard Date() < deadline, process.process.isRunning else {
                stop()
                throw FFprobe.Failure(description: "the RTSP test server did not start on port \(port)")
            }
            Thread.sleep(forTimeInterval: 0.1)
        }
    }

    deinit { stop() }

    /// Stops the server at once, as a camera losing power would. (SIGKILL: a child of the test
    /// runner may inherit a signal mask that blocks SIGTERM.)
    public func stop() {
        if process.process.isRunning {
            kill(process.process.processIdentifier, SIGKILL)
            thaw()
        }
        _ = process.wait()
    }

    /// Freezes the server with its sockets open (SIGSTOP), as a hung camera would.
    public func freeze() { kill(process.process.processIdentifier, SIGSTOP) }

    /// Lets a frozen server go on.
    public func thaw() { kill(process.process.processIdentifier, SIGCONT) }

    /// A random port nothing on loopback answers at (so the server that answers is this one).
    private static func freePort() -> Int {
        var port = Int.random(in: 20000..<40000)
        for _ in 0..<20 where accepts(port: port) { port = Int.random(in: 20000..<40000) }
        return port
    }

    private static func accepts(port: Int) -> Bool {
        let socket = Foundation.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socket >= 0 else { return false }
        defer { close(socket) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
    }
}
