import Foundation

/// A mailbox address, `local@domain`, with the domain compared case-insensitively.
public struct EmailAddress: Sendable, Hashable, Codable, Comparable, CustomStringConvertible {
    /// The part before `@`, kept as written.
    public let localPart: String
    /// The domain, lower-cased.
    public let domain: String

    /// Parses an address; `nil` when it is not of the form `local@domain.tld`.
    public init?(_ text: String) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard let at = trimmed.lastIndex(of: "@") else { return nil }
        let local = String(trimmed[..<at])
        let domain = String(trimmed[trimmed.index(after: at)...]).lowercased()
        guard !local.isEmpty, local.count <= 64, !domain.isEmpty, domain.count <= 253,
              !local.contains(where: { $0 == " " || $0 == "\t" || $0 == "\"" || $0 == "@" }),
              domain.split(separator: ".", omittingEmptySubsequences: false).allSatisfy({ label in
                  !label.isEmpty && label.count <= 63
                      && label.allSatisfy { $0.isLetter || $0.isNumber || $0 == "-" }
              })
        else { return nil }
        self.localPart = local
        self.domain = domain
    }

    /// `local@domain`.
    public var description: String { "\(localPart)@\(domain)" }

    /// Orders by domain, then local part, as reports list mailboxes.
    public static func < (lhs: EmailAddress, rhs: EmailAddress) -> Bool {
        (lhs.domain, lhs.localPart.lowercased()) < (rhs.domain, rhs.localPart.lowercased())
    }

    /// Local parts are case-insensitive on every server mailmig targets.
    public static func == (lhs: EmailAddress, rhs: EmailAddress) -> Bool {
        lhs.domain == rhs.domain && lhs.localPart.lowercased() == rhs.localPart.lowercased()
    }

    /// Hashes consistently with `==`.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(domain)
        hasher.combine(localPart.lowercased())
    }
}
