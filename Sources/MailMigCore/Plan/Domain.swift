/// A mail domain whose DNS mailmig manages through the migration.
public struct Domain: Sendable, Hashable, Codable {
    /// Which system receives the domain's mail. Switching to `target` is the cutover.
    public enum Route: String, Sendable, Hashable, Codable, CaseIterable {
        case source
        case target
    }

    /// The domain name, lower-cased, without a trailing dot.
    public var name: String
    /// The DNS provider (a key of `dns.providers`); `nil` for `dns: none`: a mail-only domain whose
    /// records mailmig neither changes nor checks.
    public var dnsProvider: String?
    /// A record that proves ownership of the domain to the target, added while preparing.
    public var verify: DomainRecord?
    /// Where mail is routed now.
    public var route: Route
    /// What changes at the cutover.
    public var cutover: Cutover?
    /// Where the domain was declared.
    public var location: SourceLocation
    /// Where `route:` was written, for the cutover gate's messages.
    public var routeLocation: SourceLocation

    /// Creates a domain.
    public init(
        name: String,
        dnsProvider: String?,
        verify: DomainRecord? = nil,
        route: Route,
        cutover: Cutover? = nil,
        location: SourceLocation,
        routeLocation: SourceLocation
    ) {
        self.name = name
        self.dnsProvider = dnsProvider
        self.verify = verify
        self.route = route
        self.cutover = cutover
        self.location = location
        self.routeLocation = routeLocation
    }
}

/// The records switched at the cutover and the TTL lowered ahead of it.
public struct Cutover: Sendable, Hashable, Codable {
    /// TTL in seconds given to the cutover records while preparing, so the switch spreads quickly.
    public var lowerTTLTo: Int?
    /// The records as they must be once `route: target`.
    public var records: [DomainRecord]

    /// Creates a cutover.
    public init(lowerTTLTo: Int? = nil, records: [DomainRecord]) {
        self.lowerTTLTo = lowerTTLTo
        self.records = records
    }
}

/// DNS record types a plan may manage.
public enum DNSRecordType: String, Sendable, Hashable, Codable, CaseIterable {
    case A, AAAA, CNAME, MX, TXT, SRV, CAA, NS
}

/// A record set of a domain as a plan declares it.
public struct DomainRecord: Sendable, Hashable, Codable {
    /// Name relative to the domain; `@` is the domain itself.
    public var name: String
    /// The record type.
    public var type: DNSRecordType
    /// Values in presentation format (`10 mx.example.com.`, `v=spf1 -all`).
    public var values: [String]
    /// For TXT: replace only the records starting with this text, keep the others of the RRset.
    public var match: String?
    /// TTL in seconds; when absent the current TTL (or the lowered one) is kept.
    public var ttl: Int?
    /// Where the record was declared.
    public var location: SourceLocation

    /// Creates a record set declaration.
    public init(
        name: String,
        type: DNSRecordType,
        values: [String],
        match: String? = nil,
        ttl: Int? = nil,
        location: SourceLocation
    ) {
        self.name = name
        self.type = type
        self.values = values
        self.match = match
        self.ttl = ttl
        self.location = location
    }

    /// The fully qualified owner name, lower-cased, without a trailing dot.
    public func ownerName(in domain: String) -> String {
        if name == "@" || name.isEmpty { return domain }
        if name.hasSuffix(".") { return String(name.dropLast()).lowercased() }
        return "\(name.lowercased()).\(domain)"
    }
}
