import Synchronization

/// `--metrics HOST:PORT`: listens from the start of the run, before the input is opened and the
/// model loaded (a bad address fails before any work, and a probe gets an answer at once), and
/// serves a pipeline's metrics once it is attached. Until then `/healthz` answers 503 "starting"
/// and `/metrics` an empty exposition.
final class MetricsService {
    private let endpoint: HTTPEndpoint
    private let metrics = Attached()

    /// The pipeline's metrics once attached, shared with the endpoint's thread.
    private final class Attached: Sendable {
        let value = Mutex<PipelineMetrics?>(nil)
    }

    init(address: ListenAddress) throws {
        let metrics = self.metrics
        endpoint = try HTTPEndpoint(host: address.host, port: address.port) { path in
            if let attached = metrics.value.withLock({ $0 }) { return attached.respond(to: path) }
            switch path {
            case "/healthz": return HTTPEndpoint.Response(status: .serviceUnavailable, body: "starting\n")
            case "/metrics": return HTTPEndpoint.Response(contentType: PipelineMetrics.contentType, body: "")
            default: return nil
            }
        }
    }

    /// Serves `pipelineMetrics` from now on.
    func attach(_ pipelineMetrics: PipelineMetrics) {
        metrics.value.withLock { $0 = pipelineMetrics }
    }

    func stop() { endpoint.stop() }
}
