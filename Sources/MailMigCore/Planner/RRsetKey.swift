import Foundation

/// One RRset a plan manages: a name and type inside one of the plan's domains.
public struct RRsetKey: Sendable, Hashable, Codable, Comparable, CustomStringConvertible {
    /// The plan domain it belongs to.
    public var domain: String
    /// The owner relative to the domain: `@` for the domain itself.
    public var owner: String
    /// The record type.
    public var type: DNSRecordType

    /// Creates a key; `owner` is lower-cased so `Autodiscover` and `autodiscover` are one RRset.
    public init(domain: String, owner: String, type: DNSRecordType) {
        self.domain = domain
        self.owner = owner.isEmpty ? "@" : owner.lowercased()
        self.type = type
    }

    /// The fully qualified owner name, without the trailing dot.
    public var fqdn: String { owner == "@" ? domain : "\(owner).\(domain)" }

    /// The state address, e.g. `domain.acme.test/dns/@/MX`.
    public var address: String { "domain.\(domain)/dns/\(owner)/\(type.rawValue)" }

    /// `autodiscover.acme.test CNAME`.
    public var description: String { "\(fqdn) \(type.rawValue)" }

    /// Orders by domain, then owner, then type.
    public static func < (lhs: RRsetKey, rhs: RRsetKey) -> Bool {
        (lhs.domain, lhs.owner, lhs.type.rawValue) < (rhs.domain, rhs.owner, rhs.type.rawValue)
    }
}

/// An RRset's TTL and values in normalised presentation format, compared as a set.
public struct RRsetSnapshot: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The shared TTL in seconds.
    public var ttl: Int
    /// The values, normalised and sorted so equal sets compare equal.
    public var values: [String]

    /// Creates a snapshot, sorting and de-duplicating the values.
    public init(ttl: Int, values: [String]) {
        self.ttl = ttl
        self.values = Array(Set(values)).sorted()
    }

    /// `ttl 300: 10 mx.example.com., 20 mx2.example.com.`.
    public var description: String { "ttl \(ttl): " + values.joined(separator: ", ") }
}

/// Where a managed RRset stands in the cutover.
public enum DNSPhase: String, Sendable, Codable {
    /// Managed, still pointing at the source (possibly with its TTL lowered).
    case source
    /// Switched to the target.
    case cutover
}

/// What the state records about one managed RRset (resource kind `dns-rrset`).
public struct DNSRecordState: Sendable, Equatable, Codable {
    /// The RRset.
    public var key: RRsetKey
    /// The DNS provider it is managed through.
    public var provider: String
    /// The RRset as it was before mailmig changed it (`nil`: it did not exist); restored by `route: source`.
    public var original: RRsetSnapshot?
    /// What mailmig last wrote (`nil`: mailmig removed it); anything else found live is drift.
    public var applied: RRsetSnapshot?
    /// Source or cut over.
    public var phase: DNSPhase
    /// When the TTL was lowered and from what, for the cutover gate.
    public var lowered: TTLLowering?
    /// When the cutover happened.
    public var cutoverAt: Date?
    /// What the operator was asked to set by hand and has not been found yet (providers that cannot
    /// be written to); finding it live is not drift.
    public var requested: OperatorRequest?

    /// Creates a record from its fields.
    package init(key: RRsetKey, provider: String, original: RRsetSnapshot? = nil, applied: RRsetSnapshot? = nil, phase: DNSPhase,
                 lowered: TTLLowering? = nil, cutoverAt: Date? = nil, requested: OperatorRequest? = nil) {
        self.key = key
        self.provider = provider
        self.original = original
        self.applied = applied
        self.phase = phase
        self.lowered = lowered
        self.cutoverAt = cutoverAt
        self.requested = requested
    }

    /// The kind name in the state.
    public static let kind = "dns-rrset"
}

/// Records the operator was asked to set by hand, and when.
public struct OperatorRequest: Sendable, Equatable, Codable {
    /// What the RRset must hold (`nil`: no records).
    public var desired: RRsetSnapshot?
    /// The phase the RRset is in once it holds them.
    public var phase: DNSPhase
    /// When the apply asked.
    public var at: Date

    /// Creates a request.
    public init(desired: RRsetSnapshot?, phase: DNSPhase, at: Date) {
        self.desired = desired
        self.phase = phase
        self.at = at
    }
}

/// A TTL lowering: resolvers may still hold the old TTL's answers until `at + fromTTL`.
public struct TTLLowering: Sendable, Equatable, Codable {
    /// The lowered TTL.
    public var ttl: Int
    /// The TTL before lowering.
    public var fromTTL: Int
    /// When the lowered TTL reached the server.
    public var at: Date

    /// Creates a lowering from its fields.
    package init(ttl: Int, fromTTL: Int, at: Date) {
        self.ttl = ttl
        self.fromTTL = fromTTL
        self.at = at
    }

    /// When every cached answer carrying the old TTL has expired.
    public var oldTTLExpires: Date { at.addingTimeInterval(TimeInterval(fromTTL)) }
}
