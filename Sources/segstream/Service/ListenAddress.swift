import ArgumentParser

/// Where a server listens: `HOST:PORT`, or `:PORT` for loopback only (127.0.0.1).
struct ListenAddress: ExpressibleByArgument {
    var host: String
    var port: Int

    init?(argument: String) {
        guard let colon = argument.lastIndex(of: ":"), let port = Int(argument[argument.index(after: colon)...]),
              (1...65535).contains(port) else { return nil }
        let host = argument[..<colon].trimmingCharacters(in: ["[", "]"])
        self.host = host.isEmpty ? "127.0.0.1" : host
        self.port = port
    }
}
