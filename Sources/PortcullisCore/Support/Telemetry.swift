import Metrics

/// The server's own series, through swift-metrics: a no-op until the
/// `serve` command bootstraps the Prometheus backend (`metrics_listen`).
/// Handles are made once (static lets are lazy, so after that bootstrap)
/// and only incremented on the hot path.
public enum Telemetry {
    /// `portcullis_auth_cache_lookups_total{cache, result}`.
    public struct CacheCounters: Sendable {
        let hit: Counter
        let miss: Counter

        init(_ cache: String) {
            hit = Counter(label: "portcullis_auth_cache_lookups_total", dimensions: [("cache", cache), ("result", "hit")])
            miss = Counter(label: "portcullis_auth_cache_lookups_total", dimensions: [("cache", cache), ("result", "miss")])
        }

        func record(hit found: Bool) { (found ? hit : miss).increment() }
    }

    static let sessionCache = CacheCounters("session")
    static let userCache = CacheCounters("user")
    static let fullInfoCache = CacheCounters("full_info")
    static let apiKeyCache = CacheCounters("api_key")

    /// Password hashes and checks waiting for or holding a bcrypt slot.
    static let bcryptQueue = Meter(label: "portcullis_bcrypt_queue_depth")

    /// Time a database operation waited for a pooled connection, and waits that gave up.
    public static let databasePoolWait = Timer(label: "portcullis_db_pool_wait_seconds")
    public static let databasePoolTimeouts = Counter(label: "portcullis_db_pool_timeouts_total")

    /// Undelivered outbox events and the age of the oldest, sampled at each scrape.
    public static let outboxPending = Gauge(label: "portcullis_outbox_pending")
    public static let outboxOldestAge = Gauge(label: "portcullis_outbox_oldest_age_seconds")

    /// Per sink (`mail`, `rabbitmq`, `webhook:<id>`): undelivered events and
    /// the age of the oldest (sampled at each scrape), deliveries made and failed.
    public static func sinkBacklog(_ backlog: SinkBacklog, now: Int64) {
        Gauge(label: "portcullis_outbox_sink_pending", dimensions: [("sink", backlog.sink)]).record(backlog.pending)
        Gauge(label: "portcullis_outbox_sink_oldest_age_seconds", dimensions: [("sink", backlog.sink)])
            .record(backlog.oldestCreatedAt.map { max(0, now - $0) } ?? 0)
    }

    static func eventsPublished(sink: String, count: Int) {
        guard count > 0 else { return }
        Counter(label: "portcullis_events_delivered_total", dimensions: [("sink", sink)]).increment(by: count)
    }

    static func eventFailed(sink: String) {
        Counter(label: "portcullis_events_failed_total", dimensions: [("sink", sink)]).increment()
    }

    /// `portcullis_logins_total{result}` / `portcullis_signups_total{result}`:
    /// `succeed`, or `failed` with the error key as `reason`.
    public static func login(failure key: String?) { outcome("portcullis_logins_total", key) }
    public static func signup(failure key: String?) { outcome("portcullis_signups_total", key) }

    /// `portcullis_authorize_decisions_total{outcome}`: `pass` (public rule),
    /// `session`, `api_key`, or `refused` with the error key as `reason`.
    public static let authorizePass = authorizeCounter("pass")
    public static let authorizeSession = authorizeCounter("session")
    public static let authorizeAPIKey = authorizeCounter("api_key")
    public static func authorizeRefused(reason: String) { authorizeCounter("refused", reason: reason).increment() }

    private static func authorizeCounter(_ outcome: String, reason: String = "") -> Counter {
        Counter(label: "portcullis_authorize_decisions_total", dimensions: [("outcome", outcome), ("reason", reason)])
    }

    private static func outcome(_ label: String, _ key: String?) {
        Counter(label: label, dimensions: [("result", key == nil ? "succeed" : "failed"), ("reason", key ?? "")]).increment()
    }
}
