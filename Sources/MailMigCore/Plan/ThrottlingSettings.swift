/// How mailmig paces itself when a server throttles it (`source|target.throttling`).
///
/// A throttling answer (Exchange's `Request is throttled`, Gmail's bandwidth and connection limits,
/// `[UNAVAILABLE]`, `[LIMIT]`, `[THROTTLED]`) halves the connections open to that server and pauses
/// it; each `recoverAfter` without throttling adds one connection back, up to `connections`.
public struct ThrottlingSettings: Sendable, Hashable, Codable {
    /// Seconds without throttling after which one more connection is allowed again.
    public var recoverAfter: Int64
    /// Seconds one mailbox may be throttled in a row, without any progress, before its pass fails
    /// (the next apply resumes it).
    public var giveUpAfter: Int64

    /// Default for `recover_after`: 30 s.
    public static let defaultRecoverAfter: Int64 = 30
    /// Default for `give_up_after`: one hour.
    public static let defaultGiveUpAfter: Double = 3600

    /// Creates settings.
    public init(recoverAfter: Int64 = ThrottlingSettings.defaultRecoverAfter, giveUpAfter: Int64 = Int64(ThrottlingSettings.defaultGiveUpAfter)) {
        self.recoverAfter = recoverAfter
        self.giveUpAfter = giveUpAfter
    }
}
