import Foundation
import Pipeline
import Prometheus
import VideoIO

/// The metrics and health of a running pipeline, served by `--metrics HOST:PORT`: `/metrics` in
/// the Prometheus text format (swift-prometheus), `/healthz` 200 while frames arrive and 503
/// while the input is stalled, reconnecting or not yet started.
final class PipelineMetrics: @unchecked Sendable {
    /// The Prometheus text format's content type.
    static let contentType = "text/plain; version=0.0.4; charset=utf-8"
    /// Upper bounds (seconds) of the latency histogram's buckets.
    static let latencyBuckets = [0.05, 0.1, 0.2, 0.3, 0.5, 0.75, 1, 1.5, 2, 3, 5, 10]

    private let registry: PrometheusCollectorRegistry
    private let runner: PipelineRunner
    private let source: VideoSource
    private let stallTimeout: Double
    private let decoded, processed, dropped, reconnects, networkLosses, decodeErrors: Counter
    private let busy: [Counter]
    private let depths: [Gauge]
    private let latency: ValueHistogram
    private let lock = NSLock()   // one scrape at a time: counters are set from totals

    /// Registers the metrics of `runner` (before it runs) and records each frame's latency.
    /// - Parameter stallTimeout: seconds without a frame after which the pipeline is unhealthy.
    init(runner: PipelineRunner, source: VideoSource, stallTimeout: Double) {
        let registry = PrometheusCollectorRegistry()
        self.registry = registry
        self.runner = runner
        self.source = source
        self.stallTimeout = stallTimeout
        func name(_ metric: String, _ unit: String, _ help: String) -> MetricNameDescriptor {
            MetricNameDescriptor(namespace: "segstream", metricName: metric, unitName: unit, helpText: help)
        }
        decoded = registry.makeCounter(descriptor: name("frames_decoded", "total", "Frames the decoder delivered."))
        processed = registry.makeCounter(descriptor: name("frames_processed", "total", "Frames that left the last stage."))
        dropped = registry.makeCounter(descriptor: name("frames_dropped", "total", "Items full queues dropped (live streams drop the oldest)."))
        reconnects = registry.makeCounter(descriptor: name("reconnects", "total", "Times a lost live stream was reconnected."))
        networkLosses = registry.makeCounter(descriptor: name("network_packets_lost", "total", "RTP packets lost in the network or a full socket buffer."))
        decodeErrors = registry.makeCounter(descriptor: name("decode_errors", "total", "Packets and frames that could not be decoded cleanly."))
        let busyName = name("stage_busy_seconds", "total", "Seconds each stage spent working.")
        let depthName = name("queue", "depth", "Items waiting in the queue before each stage.")
        let stages = runner.snapshot().stages
        busy = stages.map { registry.makeCounter(descriptor: busyName, labels: [("stage", $0.name)]) }
        // Queue i feeds stage i + 1 (the source is stage 0): each is labelled by the stage it feeds.
        depths = stages.dropFirst().map { registry.makeGauge(descriptor: depthName, labels: [("queue", $0.name)]) }
        latency = registry.makeValueHistogram(descriptor: name("frame_latency", "seconds", "Seconds from a frame leaving the decoder to leaving the last stage."),
                                              buckets: Self.latencyBuckets)
        runner.onFrameCompleted = { [latency] in latency.record($0) }
    }

    /// What `/metrics` and `/healthz` answer; nil for other paths.
    func respond(to path: String) -> HTTPEndpoint.Response? {
        switch path {
        case "/metrics": HTTPEndpoint.Response(contentType: Self.contentType, body: metricsText())
        case "/healthz": health()
        default: nil
        }
    }

    /// The metrics now, in the Prometheus text format.
    func metricsText() -> String {
        lock.lock()
        defer { lock.unlock() }
        let (stages, queues) = runner.snapshot()
        set(decoded, to: Double(stages.first?.frames ?? 0))
        set(processed, to: Double(runner.framesCompleted))
        set(dropped, to: Double(queues.reduce(0) { $0 + $1.statistics.dropped }))
        set(reconnects, to: Double(source.reconnects))
        set(networkLosses, to: Double(LibavLog.lostNetworkPackets))
        set(decodeErrors, to: Double(source.reader.decodeErrors))
        for (counter, stage) in zip(busy, stages) { set(counter, to: stage.busySeconds) }
        for (gauge, queue) in zip(depths, queues) { gauge.set(to: Double(queue.depth)) }
        return registry.emitToString()
    }

    private func health() -> HTTPEndpoint.Response {
        if source.isReconnecting { return HTTPEndpoint.Response(status: .serviceUnavailable, body: "reconnecting\n") }
        guard let since = source.secondsSinceLastFrame else { return HTTPEndpoint.Response(status: .serviceUnavailable, body: "starting\n") }
        if since > stallTimeout {
            return HTTPEndpoint.Response(status: .serviceUnavailable, body: String(format: "stalled: no frame for %.1f s\n", since))
        }
        return HTTPEndpoint.Response(body: "ok\n")
    }

    /// Sets a counter to a total kept elsewhere.
    private func set(_ counter: Counter, to total: Double) {
        counter.reset()
        counter.increment(by: total)
    }
}
