import PortcullisCore

/// The dashboard's charts as server-rendered SVG: grouped bars of
/// sign-ups, sign-ins and failed sign-ins per bucket. Only numbers and
/// fixed labels go into the markup; no script, no inline style.
enum ConsoleChart {
    static let series = [("signups", "Sign-ups"), ("logins", "Sign-ins"), ("failed", "Failed sign-ins")]

    static func svg(_ buckets: [ConsoleDashboard.Bucket], label: (Int64) -> String, title: String) -> String {
        let (width, height, left, bottom, top) = (720, 220, 36, 28, 12)
        let plotHeight = height - bottom - top
        let peak = max(1, buckets.map { max($0.signups, $0.logins, $0.failedLogins) }.max() ?? 1)
        let slot = Double(width - left) / Double(max(buckets.count, 1))
        let bar = max(1.0, (slot - 4) / 3)
        var out = """
            <svg class="chart" viewBox="0 0 \(width) \(height)" role="img" aria-label="\(title)" xmlns="http://www.w3.org/2000/svg">
            <title>\(title)</title>
            <line class="axis" x1="\(left)" y1="\(height - bottom)" x2="\(width)" y2="\(height - bottom)"/>
            <text class="tick" x="\(left - 4)" y="\(top + 4)" text-anchor="end">\(peak)</text>
            <text class="tick" x="\(left - 4)" y="\(height - bottom)" text-anchor="end">0</text>

            """
        let every = max(1, buckets.count / 8)
        for (index, bucket) in buckets.enumerated() {
            let x = Double(left) + Double(index) * slot + 2
            for (n, value) in [bucket.signups, bucket.logins, bucket.failedLogins].enumerated() {
                let h = Double(value) / Double(peak) * Double(plotHeight)
                let y = Double(height - bottom) - h
                out += "<rect class=\"bar \(series[n].0)\" x=\(q(x + Double(n) * bar)) y=\(q(y)) width=\(q(bar)) height=\(q(h))>"
                out += "<title>\(label(bucket.start)) \(series[n].1): \(value)</title></rect>\n"
            }
            if index % every == 0 {
                out += "<text class=\"tick\" x=\(q(x + slot / 2)) y=\"\(height - 8)\" text-anchor=\"middle\">\(label(bucket.start))</text>\n"
            }
        }
        return out + "</svg>"
    }

    private static func q(_ value: Double) -> String { "\"\(Int((value * 10).rounded()) / 10)\"" }
}
