/// What a server announced in answer to CAPA (RFC 2449 §5–6).
public struct POP3Capabilities: Sendable, Equatable {
    /// How long the server keeps messages (RFC 2449 §6.7).
    public enum Expiry: Sendable, Equatable {
        /// Messages stay until deleted.
        case never
        /// Messages are removed this many days after they were first retrieved; 0 means at the end
        /// of the session that retrieved them.
        case days(Int)
    }

    /// Each capability (upper-cased) with its arguments as sent.
    public var entries: [String: [String]]

    /// Capabilities from CAPA's lines, one capability per line.
    public init(lines: [String]) {
        var entries: [String: [String]] = [:]
        for line in lines {
            let words = line.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
            guard let name = words.first else { continue }
            entries[name.uppercased()] = Array(words.dropFirst())
        }
        self.entries = entries
    }

    /// Whether the capability is listed.
    public func has(_ name: String) -> Bool { entries[name.uppercased()] != nil }

    /// The SASL mechanisms (upper-cased) offered for `AUTH` (RFC 2449 §6.3, RFC 5034).
    public var saslMechanisms: Set<String> { Set((entries["SASL"] ?? []).map { $0.uppercased() }) }
    /// `UIDL`: messages have unique-ids.
    public var supportsUIDL: Bool { has("UIDL") }
    /// `TOP`: headers can be read without the body.
    public var supportsTOP: Bool { has("TOP") }
    /// `PIPELINING`: commands may be sent without waiting (RFC 2449 §6.6).
    public var supportsPipelining: Bool { has("PIPELINING") }
    /// `STLS`: the connection can be upgraded to TLS (RFC 2595 §4).
    public var supportsSTLS: Bool { has("STLS") }
    /// `USER`: USER/PASS is accepted.
    public var supportsUSER: Bool { has("USER") }
    /// `RESP-CODES`: `-ERR` may carry bracketed codes.
    public var supportsResponseCodes: Bool { has("RESP-CODES") }
    /// `AUTH-RESP-CODE`: a refused login says `[AUTH]` when the credentials were wrong (RFC 3206).
    public var supportsAuthResponseCode: Bool { has("AUTH-RESP-CODE") }
    /// `LOGIN-DELAY`: the least seconds between two logins (RFC 2449 §6.5).
    public var loginDelay: Int? { entries["LOGIN-DELAY"]?.first.flatMap { Int($0) } }
    /// `EXPIRE`: how long messages stay (RFC 2449 §6.7); nil when not announced or not understood.
    public var expiry: Expiry? {
        guard let value = entries["EXPIRE"]?.first else { return nil }
        if value.uppercased() == "NEVER" { return .never }
        return Int(value).map { .days($0) }
    }
}
