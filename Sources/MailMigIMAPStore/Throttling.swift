import MailMigIMAP

/// A server's answer that it throttles the client, and the pause it suggests.
///
/// Exchange Online answers a throttled command with a `NO` or a `BAD` and no response code:
/// `Request is throttled. Suggested Backoff Time: 92415 milliseconds`. No RFC defines this; the
/// wording is matched loosely (case, `ms`, seconds) so a small change of text still reads as throttling.
enum Throttling {
    /// Whether a refusal's text says the request was throttled.
    static func isThrottled(_ text: String) -> Bool {
        text.lowercased().contains("throttl")
    }

    /// The pause the server suggests, in seconds, when its text gives one (`Suggested Backoff Time: 92415
    /// milliseconds`); nil otherwise.
    static func suggestedPause(in error: IMAPError) -> Double? {
        switch error {
        case .no(_, _, let text, _), .bad(_, _, let text, _): return suggestedPause(in: text)
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
