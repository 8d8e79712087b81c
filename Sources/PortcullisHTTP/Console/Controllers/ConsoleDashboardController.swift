import Hummingbird
import PortcullisCore

/// `/admin/`: activity charts and the counts an operator checks first.
struct ConsoleDashboardController {
    let dashboard: ConsoleDashboard

    func addRoutes(to routes: ConsoleRoutes) {
        routes.page("", .read("User", "metrics"), show)
    }

    @Sendable func show(_ call: ConsoleCall) async throws -> ConsolePage {
        let s = try await dashboard.summary()
        func totals(_ buckets: [ConsoleDashboard.Bucket]) -> [String: Int] {
            ["signups": buckets.reduce(0) { $0 + $1.signups }, "logins": buckets.reduce(0) { $0 + $1.logins },
             "failed": buckets.reduce(0) { $0 + $1.failedLogins }]
        }
        return ConsolePage(template: "dashboard", title: "Dashboard", data: [
            "day": totals(s.hours), "week": totals(s.days),
            "hoursChart": ConsoleChart.svg(s.hours, label: { String(Timestamp.iso8601($0).dropFirst(11).prefix(5)) },
                                           title: "Last 24 hours, per hour (UTC)"),
            "daysChart": ConsoleChart.svg(s.days, label: { String(Timestamp.iso8601($0).dropFirst(5).prefix(5)) },
                                          title: "Last 7 days, per day (UTC)"),
            "states": s.states.map { ["name": $0.0, "count": $0.1] },
            "levels": s.levels.map { ["name": String($0.0), "count": $0.1] },
            "pendingDocuments": s.pendingDocuments, "submittedProfiles": s.submittedProfiles, "outbox": s.outboxPending,
        ])
    }
}
