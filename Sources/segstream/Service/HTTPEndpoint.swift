import NIOCore
import NIOHTTP1
import NIOPosix

/// A small HTTP/1.1 server (SwiftNIO) answering GET requests by path, for `/metrics` and
/// `/healthz`. It runs on its own event loop thread until `stop()`.
final class HTTPEndpoint {
    /// What a path answers: status, content type and body.
    struct Response {
        var status: HTTPResponseStatus = .ok
        var contentType = "text/plain; charset=utf-8"
        var body: String
    }

    private let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
    private let channel: Channel

    /// Binds `host:port` and starts answering with `respond` (nil: 404).
    /// - Throws: `PipelineError`-like `EndpointError` naming the address when it cannot be bound.
    init(host: String, port: Int, respond: @escaping @Sendable (_ path: String) -> Response?) throws {
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(ChannelOptions.backlog, value: 16)
            .serverChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.pipeline.configureHTTPServerPipeline().flatMap {
                    channel.pipeline.addHandler(RequestHandler(respond: respond))
                }
            }
        do {
            channel = try bootstrap.bind(host: host, port: port).wait()
        } catch {
            try? group.syncShutdownGracefully()
            throw EndpointError(description: "--metrics \(host):\(port): cannot listen there: \(error)")
        }
    }

    /// Stops listening and ends the event loop thread.
    func stop() {
        try? channel.close().wait()
        try? group.syncShutdownGracefully()
    }
}

struct EndpointError: Error, CustomStringConvertible {
    var description: String
}

/// Answers each complete GET request; other methods get 405.
private final class RequestHandler: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let respond: @Sendable (String) -> HTTPEndpoint.Response?
    private var request: HTTPRequestHead?

    init(respond: @escaping @Sendable (String) -> HTTPEndpoint.Response?) { self.respond = respond }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head): request = head
        case .body: break
        case .end:
            guard let head = request else { return }
            request = nil
            let path = String(head.uri.prefix { $0 != "?" })
            let response = head.method == .GET
                ? respond(path) ?? HTTPEndpoint.Response(status: .notFound, body: "not found; try /metrics or /healthz\n")
                : HTTPEndpoint.Response(status: .methodNotAllowed, body: "only GET\n")
            write(response, keepAlive: head.isKeepAlive, context: context)
        }
    }

    private func write(_ response: HTTPEndpoint.Response, keepAlive: Bool, context: ChannelHandlerContext) {
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: response.contentType)
        headers.add(name: "Content-Length", value: "\(response.body.utf8.count)")
        if !keepAlive { headers.add(name: "Connection", value: "close") }
        context.write(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: response.status, headers: headers))), promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(string: response.body)))), promise: nil)
        let done = context.writeAndFlush(wrapOutboundOut(.end(nil)))
        if !keepAlive {
            let channel = context.channel
            done.whenComplete { _ in channel.close(promise: nil) }
        }
    }
}
