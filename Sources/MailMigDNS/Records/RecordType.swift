/// A resource record type (A, MX, TXT, …), including types this library does not interpret.
public struct RecordType: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: UInt16

    /// A type by its number.
    public init(rawValue: UInt16) { self.rawValue = rawValue }

    public static let a = RecordType(rawValue: 1)
    public static let ns = RecordType(rawValue: 2)
    public static let cname = RecordType(rawValue: 5)
    public static let soa = RecordType(rawValue: 6)
    public static let mx = RecordType(rawValue: 15)
    public static let txt = RecordType(rawValue: 16)
    public static let aaaa = RecordType(rawValue: 28)
    public static let srv = RecordType(rawValue: 33)
    static let opt = RecordType(rawValue: 41)
    static let tsig = RecordType(rawValue: 250)
    public static let caa = RecordType(rawValue: 257)
    /// `ANY` (255): in updates, "all types at a name".
    public static let any = RecordType(rawValue: 255)

    private static let mnemonics: [(RecordType, String)] = [
        (.a, "A"), (.ns, "NS"), (.cname, "CNAME"), (.soa, "SOA"), (.mx, "MX"), (.txt, "TXT"),
        (.aaaa, "AAAA"), (.srv, "SRV"), (.opt, "OPT"), (.tsig, "TSIG"), (.caa, "CAA"), (.any, "ANY"),
    ]

    /// Parses a mnemonic such as `MX` (any case) or the generic `TYPE65280` form.
    public init(_ text: String) throws {
        let upper = text.uppercased()
        if let known = Self.mnemonics.first(where: { $0.1 == upper }) {
            self = known.0
        } else if upper.hasPrefix("TYPE"), let number = UInt16(upper.dropFirst(4)) {
            self.init(rawValue: number)
        } else {
            throw DNSParseError(input: text, subject: "record type",
                                expected: "a type such as A, AAAA, CNAME, MX, TXT, NS, SOA, SRV, CAA or TYPEnnn")
        }
    }

    /// The mnemonic, or `TYPEnnn` for types without one.
    public var description: String {
        Self.mnemonics.first(where: { $0.0 == self })?.1 ?? "TYPE\(rawValue)"
    }
}

/// DNS classes used by this library; only IN carries data, ANY and NONE have meanings in updates.
enum RecordClass {
    static let internet: UInt16 = 1
    static let none: UInt16 = 254
    static let any: UInt16 = 255
}
