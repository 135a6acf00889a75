import MailMigCore
import MailMigDNS

/// The master-file presentation format of RFC 1035 §5.1, as the DNS library prints it: the record
/// syntax of every provider that reads records over the DNS protocol itself.
public struct PresentationFormat: DNSRecordSyntax {
    /// The format.
    public init() {}

    public func normalize(_ value: String, type: DNSRecordType) throws(ProviderError) -> String {
        try Self.normalize(value, type: type)
    }

    public func text(ofTXT value: String) -> String { Self.text(ofTXT: value) }
    /// The wire type for a plan's record type.
    public static func wireType(_ type: DNSRecordType) -> MailMigDNS.RecordType {
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
    public static func snapshot(_ rrset: RRset?) -> RRsetSnapshot? {
        guard let rrset, !rrset.records.isEmpty else { return nil }
        return RRsetSnapshot(ttl: Int(rrset.ttl), values: rrset.records.map(\.description))
    }

    /// Converts a snapshot back into an RRset at `name`.
    public static func rrset(_ snapshot: RRsetSnapshot, name: DNSName, type: DNSRecordType) throws -> RRset {
        try RRset(name: name, type: wireType(type), ttl: UInt32(clamping: snapshot.ttl), presentation: snapshot.values)
    }
}
