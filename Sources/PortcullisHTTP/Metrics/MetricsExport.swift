import Hummingbird
import Logging
import Metrics
import PortcullisCore
import Prometheus

/// Prometheus export (`metrics_listen`): swift-metrics bootstrapped with
/// swift-prometheus, and a listener of its own serving `GET /metrics`, so
/// the series are never reachable through the API's address.
public struct MetricsExport: Sendable {
    let registry: PrometheusCollectorRegistry

    /// Hummingbird's MetricsMiddleware names, as this server exports them.
    static let names = [
        "hb.requests": "portcullis_http_requests_total",
        "hb.request.errors": "portcullis_http_request_errors_total",
        "http.server.request.duration": "portcullis_http_request_duration_seconds",
        "http.server.active_requests": "portcullis_http_active_requests",
    ]
    static let labels = [
        "http.route": "route", "http.request.method": "method", "http.response.status_code": "status", "error.type": "status",
    ]

    /// Bootstraps the process-wide metrics backend: call once, before the
    /// services are built (their handles are made against it).
    public static func bootstrap() -> MetricsExport {
        let registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.nameAndLabelSanitizer = { name, labels in
            (names[name] ?? name, labels.map { (Self.labels[$0.0] ?? $0.0, $0.1) })
        }
        // The API answers in well under a millisecond: the defaults start at 5 ms.
        let fine: [Duration] = [.microseconds(250), .microseconds(500), .milliseconds(1), .milliseconds(2.5), .milliseconds(5),
                                .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100), .milliseconds(250),
                                .milliseconds(500), .seconds(1), .seconds(2.5), .seconds(5)]
        factory.defaultDurationHistogramBuckets = fine
        MetricsSystem.bootstrap(factory)
        return MetricsExport(registry: registry)
    }

    /// The text exposition, with the outbox gauges sampled now.
    func render(outbox: OutboxWorker) async -> [UInt8] {
        await outbox.recordBacklogGauges()
        return registry.emitToBuffer()
    }

    /// The metrics listener: `GET /metrics`, everything else 404.
    func application(host: String, port: Int, outbox: OutboxWorker, logger: Logger) -> some ApplicationProtocol {
        let router = Router()
        router.get("metrics") { _, _ -> Response in
            let text = await render(outbox: outbox)
            return Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(bytes: text))
            )
        }
        return Application(router: router, configuration: .init(address: .hostname(host, port: port), serverName: nil), logger: logger)
    }
}
