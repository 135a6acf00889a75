/// A domain name: a sequence of labels, compared case-insensitively.
///
/// Names are always fully qualified; a trailing dot in presentation text is optional.
/// Labels are raw bytes so any name seen on the wire can be represented and printed back with escapes.
public struct DNSName: Hashable, Sendable, CustomStringConvertible {
    /// The labels from left to right, without the empty root label.
    public let labels: [[UInt8]]

    static let maxWireLength = 255
    static let maxLabelLength = 63

    /// The root name `.`.
    public static let root = DNSName(uncheckedLabels: [])

    init(uncheckedLabels labels: [[UInt8]]) {
        self.labels = labels
    }

    /// A name from labels, checking the label and total length limits.
    public init(labels: [[UInt8]]) throws {
        guard labels.allSatisfy({ !$0.isEmpty && $0.count <= Self.maxLabelLength }),
              labels.reduce(1, { $0 + $1.count + 1 }) <= Self.maxWireLength
        else {
            let text = DNSName(uncheckedLabels: labels).description
            throw DNSParseError(input: text, subject: "domain name",
                                expected: "labels of 1 to 63 bytes and at most 255 bytes in all")
        }
        self.labels = labels
    }

    /// Parses presentation format: labels separated by dots, `\.`, `\\` and `\DDD` escapes.
    public init(_ text: String) throws {
        let invalid = { (why: String) in
            DNSParseError(input: text, subject: "domain name", expected: why)
        }
        if text == "." {
            self = .root
            return
        }
        guard !text.isEmpty else { throw invalid("a non-empty name like \"mail.example.com.\"") }
        var labels: [[UInt8]] = []
        var current: [UInt8] = []
        var bytes = Array(text.utf8)[...]
        var endedWithDot = false
        while let byte = bytes.popFirst() {
            endedWithDot = false
            switch byte {
            case UInt8(ascii: "."):
                guard !current.isEmpty else { throw invalid("no empty labels (\"..\" or a leading dot)") }
                labels.append(current)
                current = []
                endedWithDot = true
            case UInt8(ascii: "\\"):
                guard let escaped = try PresentationEscapes.unescape(&bytes) else {
                    throw invalid("a character or three decimal digits after a backslash")
                }
                current.append(escaped)
            default:
                current.append(byte)
            }
        }
        if !endedWithDot { labels.append(current) }
        do {
            try self.init(labels: labels)
        } catch {
            throw invalid("labels of 1 to 63 bytes and at most 255 bytes in all")
        }
    }

    /// The labels in lowercase ASCII, the form used for comparison and TSIG.
    var lowercasedLabels: [[UInt8]] {
        labels.map { $0.map(Self.lowercase) }
    }

    static func lowercase(_ byte: UInt8) -> UInt8 {
        (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) ? byte + 32 : byte
    }

    /// Presentation format with a trailing dot, e.g. `mail.example.com.`.
    public var description: String {
        guard !labels.isEmpty else { return "." }
        return labels.map(PresentationEscapes.escapeLabel).joined(separator: ".") + "."
    }

    /// Whether this name equals `other` or lies below it.
    public func isSubdomain(of other: DNSName) -> Bool {
        guard labels.count >= other.labels.count else { return false }
        return Array(lowercasedLabels.suffix(other.labels.count)) == other.lowercasedLabels
    }

    /// The name with its leftmost label removed, or nil for the root.
    public var parent: DNSName? {
        labels.isEmpty ? nil : DNSName(uncheckedLabels: Array(labels.dropFirst()))
    }

    /// A name made of `label` followed by this name.
    public func prepending(_ label: String) throws -> DNSName {
        try DNSName(labels: [Array(label.utf8)] + labels)
    }

    /// Case-insensitive comparison (ASCII letters only, as DNS defines it).
    public static func == (lhs: DNSName, rhs: DNSName) -> Bool {
        lhs.labels.count == rhs.labels.count && lhs.lowercasedLabels == rhs.lowercasedLabels
    }

    /// Hashes the lowercased labels, consistent with `==`.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(lowercasedLabels)
    }
}
