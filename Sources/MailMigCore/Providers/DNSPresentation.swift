import MailMigDNS

/// Normalises record values written in plans to the presentation format the DNS library prints, so a
/// plan's `10 mx.example.com` and a server's `10 mx.example.com.` compare equal.
public enum DNSPresentation {
    /// The wire type for a plan's record type.
    static func wireType(_ type: DNSRecordType) -> MailMigDNS.RecordType {
        switch type {
        case .A: return .a
        case .AAAA: return .aaaa
        case .CNAME: return .cname
        case .MX: return .mx
        case .TXT: return .txt
        case .SRV: return .srv
        case .CAA: return .caa
        case .NS: return .ns
        }
    }

    /// The value in normalised presentation format; throws a message saying what was expected.
    public static func normalize(_ value: String, type: DNSRecordType) throws(ProviderError) -> String {
        do {
            return try RecordData(type: wireType(type), presentation: value).description
        } catch {
            throw ProviderError(.invalidValue("\(error)"), provider: "", key: nil)
        }
    }

    /// The text of a TXT value (strings joined), for `match:` prefixes.
    public static func text(ofTXT value: String) -> String {
        (try? RecordData(type: .txt, presentation: value))?.joinedText ?? value
    }

    /// Converts an RRset read from a server into a snapshot.
    static func snapshot(_ rrset: RRset?) -> RRsetSnapshot? {
        guard let rrset, !rrset.records.isEmpty else { return nil }
        return RRsetSnapshot(ttl: Int(rrset.ttl), values: rrset.records.map(\.description))
    }

    /// Converts a snapshot back into an RRset at `name`.
    static func rrset(_ snapshot: RRsetSnapshot, name: DNSName, type: DNSRecordType) throws -> RRset {
        try RRset(name: name, type: wireType(type), ttl: UInt32(clamping: snapshot.ttl), presentation: snapshot.values)
    }
}
