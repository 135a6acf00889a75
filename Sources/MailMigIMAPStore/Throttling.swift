import MailMigIMAP

/// A server's answer that it paces the client (throttling), and the pause it suggests.
///
/// No RFC defines throttling; each service words it its own way, and the wording is matched loosely
/// (case, `ms`, seconds) so a small change of text still reads as throttling:
/// - Exchange Online: `NO`/`BAD Request is throttled. Suggested Backoff Time: 92415 milliseconds`;
/// - Gmail: `NO [ALERT] Too many simultaneous connections. (Failure)` to a login, and
///   `NO [OVERQUOTA] Account exceeded command or bandwidth limits.` to any command;
/// - Dovecot: `NO [UNAVAILABLE] Maximum number of connections from user+IP exceeded`;
/// - RFC 5530 `[UNAVAILABLE]` and `[LIMIT]`, and the `[THROTTLED]` code some servers send.
enum Throttling {
    /// Response codes that say the server paces the client.
    static let codes: Set<String> = ["UNAVAILABLE", "LIMIT", "THROTTLED"]

    /// Lower-case phrases of throttling answers without such a code (or with `[ALERT]`/`[OVERQUOTA]`).
    static let phrases = ["throttl", "too many simultaneous connections", "bandwidth limit", "maximum number of connections",
                          "too many connections", "rate limit"]

    /// Whether an error is a throttling answer: a `NO`, `BAD` or `BYE` with one of the codes or phrases.
    static func isThrottling(_ error: IMAPError) -> Bool {
        switch error {
        case .no(_, _, let text, let code), .bad(_, _, let text, let code):
            if case .other(let name, _)? = code, codes.contains(name.uppercased()) { return true }
            return isThrottled(text)
        case .bye(_, let text):
            return isThrottled(text) || codes.contains { text.uppercased().contains("[\($0)") }
        default:
            return false
        }
    }

    /// Whether a refusal's text says the client is throttled.
    static func isThrottled(_ text: String) -> Bool {
        let lower = text.lowercased()
        return phrases.contains { lower.contains($0) }
    }

    /// The pause the server suggests, in seconds, when its text gives one (`Suggested Backoff Time: 92415
    /// milliseconds`); nil otherwise.
    static func suggestedPause(in error: IMAPError) -> Double? {
        switch error {
        case .no(_, _, let text, _), .bad(_, _, let text, _), .bye(_, let text): return suggestedPause(in: text)
        default: return nil
        }
    }

    /// The pause a text suggests, in seconds; nil when it names none.
    static func suggestedPause(in text: String) -> Double? {
        let lower = text.lowercased()
        guard let marker = lower.range(of: "backoff time") else { return nil }
        let rest = lower[marker.upperBound...].drop { !$0.isNumber }
        let digits = rest.prefix { $0.isNumber || $0 == "." }
        guard let value = Double(digits), value >= 0 else { return nil }
        let unit = rest.dropFirst(digits.count).drop { $0 == " " }
        // Exchange counts in milliseconds; only a unit starting with `s` says seconds.
        return unit.hasPrefix("s") ? value : value / 1000
    }
}
