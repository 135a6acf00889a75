/// A DNS system the engine reads and changes RRsets in, whatever protocol it speaks.
///
/// The planner and executor know only this interface; RFC 2136 is one implementation, and a cloud
/// DNS API or an in-memory fake for tests are others. A provider also says how it writes record
/// values (`DNSRecordSyntax`), because the planner compares the plan's values with what it reads.
public protocol DNSZoneProvider: DNSRecordSyntax {
    /// The provider's name in the plan.
    var name: String { get }

    /// How writes reach the zone, the lowest TTL and the record types the provider accepts.
    var capabilities: DNSProviderCapabilities { get }

    /// The RRset as the zone's primary server holds it now, or `nil` when there is none.
    func read(_ key: RRsetKey) async throws -> RRsetSnapshot?

    /// Makes the RRset `change.desired`.
    ///
    /// A `compareAndSwap` provider replaces it only if it still holds `change.expected` and fails with
    /// `ProviderError.changedSincePlanned` otherwise, so a change made in between is never overwritten.
    /// A `readCheckWrite` provider replaces it unconditionally: the DNS step has checked it just before
    /// and reads it back after. A `byOperator` provider is never asked to write.
    func write(_ change: DNSChange) async throws

    /// Waits until the zone's servers answer `snapshot` (`nil`: no records); `false` if they did not in time.
    func waitUntilVisible(_ key: RRsetKey, _ snapshot: RRsetSnapshot?) async throws -> Bool
}

/// A provider operation failed; names the provider and the RRset.
public struct ProviderError: Error, Sendable, CustomStringConvertible {
    /// What went wrong.
    public enum Kind: Sendable {
        /// The compare-and-swap found other values than planned.
        case changedSincePlanned(now: RRsetSnapshot?)
        /// A value could not be parsed for its type.
        case invalidValue(String)
        /// The secret (e.g. TSIG key) could not be read.
        case secret(String)
        /// The server failed or refused; the text is its error.
        case server(String)
        /// The plan asks for something the provider cannot hold (a record type, a TTL below its minimum).
        case unsupported(String)
    }

    /// What went wrong.
    public var kind: Kind
    /// The provider's name.
    public var provider: String
    /// The RRset concerned.
    public var key: RRsetKey?

    /// Creates an error.
    public init(_ kind: Kind, provider: String, key: RRsetKey?) {
        self.kind = kind
        self.provider = provider
        self.key = key
    }

    /// The plan names a provider this run has none for: undeclared, or of a kind this build cannot drive.
    public static func undefined(_ provider: String, key: RRsetKey?) -> ProviderError {
        ProviderError(.server("the plan defines no DNS provider named \(provider) of a kind this build can drive"), provider: provider, key: key)
    }

    /// One sentence for the user.
    public var description: String {
        let subject = key.map { " for \($0)" } ?? ""
        switch kind {
        case .changedSincePlanned(let now):
            return "DNS provider \(provider)\(subject): the record changed since it was planned: now \(now?.description ?? "no records"); run `mailmig plan` again"
        case .invalidValue(let text):
            return "DNS provider \(provider)\(subject): \(text)"
        case .secret(let text):
            return "DNS provider \(provider): \(text)"
        case .unsupported(let text):
            return "DNS provider \(provider)\(subject): \(text)"
        case .server(let text):
            // A server's answer may quote what it was sent.
            return "DNS provider \(provider)\(subject): \(SecretRedaction.redact(text))"
        }
    }
}
