/// The value (RDATA) of one resource record, typed for the record types this library knows.
///
/// Each value parses from and renders to zone-file presentation format, e.g. `10 mx.example.com.` for MX.
/// Names inside values compare case-insensitively; types without a case here are kept as raw bytes.
public enum RecordData: Hashable, Sendable, CustomStringConvertible {
    case a(IPv4Address)
    case aaaa(IPv6Address)
    case cname(DNSName)
    case ns(DNSName)
    case mx(preference: UInt16, exchange: DNSName)
    /// One or more character strings of at most 255 bytes each.
    case txt([[UInt8]])
    case soa(SOAData)
    case srv(priority: UInt16, weight: UInt16, port: UInt16, target: DNSName)
    case caa(flags: UInt8, tag: String, value: [UInt8])
    /// A type this library does not interpret, or the empty RDATA of an update's delete form.
    case unknown(type: RecordType, data: [UInt8])

    /// The record type this value belongs to.
    public var type: RecordType {
        switch self {
        case .a: .a
        case .aaaa: .aaaa
        case .cname: .cname
        case .ns: .ns
        case .mx: .mx
        case .txt: .txt
        case .soa: .soa
        case .srv: .srv
        case .caa: .caa
        case .unknown(let type, _): type
        }
    }

    /// A TXT value holding `text`, split into 255-byte strings when it is longer.
    public static func txt(_ text: String) -> RecordData {
        .txt(TXTStrings.split(Array(text.utf8)))
    }

    /// For TXT values, the strings joined without separators (how SPF and verification tokens read them).
    public var joinedText: String? {
        guard case .txt(let strings) = self else { return nil }
        return String(decoding: strings.joined(), as: UTF8.self)
    }
}

/// The fields of an SOA record.
public struct SOAData: Hashable, Sendable {
    public var primaryServer: DNSName
    public var responsibleMailbox: DNSName
    public var serial: UInt32
    public var refresh: UInt32
    public var retry: UInt32
    public var expire: UInt32
    public var minimum: UInt32

    /// SOA fields in zone-file order.
    public init(primaryServer: DNSName, responsibleMailbox: DNSName, serial: UInt32,
                refresh: UInt32, retry: UInt32, expire: UInt32, minimum: UInt32) {
        self.primaryServer = primaryServer
        self.responsibleMailbox = responsibleMailbox
        self.serial = serial
        self.refresh = refresh
        self.retry = retry
        self.expire = expire
        self.minimum = minimum
    }
}

/// TXT character strings are limited to 255 bytes each.
enum TXTStrings {
    static let maxLength = 255

    /// Splits bytes into strings of at most 255 bytes; empty text is one empty string.
    static func split(_ bytes: [UInt8]) -> [[UInt8]] {
        guard !bytes.isEmpty else { return [[]] }
        return stride(from: 0, to: bytes.count, by: maxLength).map {
            Array(bytes[$0..<min($0 + maxLength, bytes.count)])
        }
    }
}
