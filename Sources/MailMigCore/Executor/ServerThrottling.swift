/// How one server throttled an apply, and how the connections to it adapted.
public struct ServerThrottling: Sendable, Equatable {
    /// `source` or `target`.
    public var side: MailSide
    /// The server as errors name it.
    public var server: String
    /// What its connection limiter saw.
    public var pacing: ConnectionLimiter.Summary

    /// Creates an entry.
    public init(side: MailSide, server: String, pacing: ConnectionLimiter.Summary) {
        self.side = side
        self.server = server
        self.pacing = pacing
    }

    /// `target outlook.office365.com throttled 12 times, paused 1 min 34 s, connections 8 → 2 → 8`.
    public var line: String {
        let times = pacing.throttlings == 1 ? "once" : "\(Formatting.count(pacing.throttlings)) times"
        var text = "\(side.rawValue) \(server) throttled \(times)"
        if pacing.throttledSeconds > 0 { text += ", paused \(ReportFormatting.duration(pacing.throttledSeconds)) at its request" }
        if pacing.lowestWindow < pacing.ceiling {
            text += ", connections \(pacing.ceiling) → \(pacing.lowestWindow)"
            if pacing.window != pacing.lowestWindow { text += " → \(pacing.window)" }
        }
        return text
    }

    /// The servers of `mail` that throttled this process's work, source first.
    public static func collect(_ mail: MailContext?) async -> [ServerThrottling] {
        guard let mail else { return [] }
        var found: [ServerThrottling] = []
        for store in [mail.source, mail.target] {
            if let pacing = await store.pacing(), pacing.throttlings > 0 {
                found.append(ServerThrottling(side: store.side, server: store.server, pacing: pacing))
            }
        }
        return found
    }
}
