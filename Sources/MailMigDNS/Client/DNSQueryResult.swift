/// The answer of one server to one query.
public struct DNSQueryResult: Sendable, Equatable {
    /// NOERROR, NXDOMAIN, REFUSED, …; a non-zero code is reported here, not thrown.
    public let rcode: ResponseCode
    /// The RRset of exactly the asked name and type, or nil when the server has none.
    public let rrset: RRset?
    /// Whether the server answered as an authority for the name (AA bit).
    public let isAuthoritative: Bool
    /// All RRsets of the answer section, including a CNAME chain leading to `rrset`.
    public let answers: [RRset]
    /// The authority section (an SOA for negative answers, NS records for referrals).
    public let authorities: [RRset]
    /// Records from the additional section, such as name server addresses.
    public let additionals: [RRset]

    /// A result as a query returns it (public so callers can build fakes).
    public init(rcode: ResponseCode, rrset: RRset?, isAuthoritative: Bool,
                answers: [RRset] = [], authorities: [RRset] = [], additionals: [RRset] = []) {
        self.rcode = rcode
        self.rrset = rrset
        self.isAuthoritative = isAuthoritative
        self.answers = answers
        self.authorities = authorities
        self.additionals = additionals
    }
}

/// A zone's authoritative name servers, as its own servers describe them.
public struct ZoneAuthority: Sendable, Equatable {
    /// The zone apex.
    public let zone: DNSName
    public let soa: SOAData
    /// The servers named by the zone's NS RRset, with the addresses found for them.
    public let nameServers: [NameServer]

    /// A zone authority from its parts.
    public init(zone: DNSName, soa: SOAData, nameServers: [NameServer]) {
        self.zone = zone
        self.soa = soa
        self.nameServers = nameServers
    }

    /// One `DNSServer` per address of every name server, on `port`.
    public func servers(port: Int = 53) -> [DNSServer] {
        nameServers.flatMap { $0.addresses.map { DNSServer(host: $0, port: port) } }
    }
}

/// One name server of a zone and its IP addresses (empty when none could be found).
public struct NameServer: Sendable, Hashable {
    public let name: DNSName
    public let addresses: [String]

    /// A name server and the addresses known for it.
    public init(name: DNSName, addresses: [String]) {
        self.name = name
        self.addresses = addresses
    }
}
