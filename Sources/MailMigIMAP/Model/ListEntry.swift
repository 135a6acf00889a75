/// One `LIST` or `LSUB` response line, before mailbox-name decoding.
public struct ListResponse: Sendable, Equatable {
    /// Name attributes such as `\HasNoChildren`, `\Sent` (kept as sent).
    public var attributes: [String]
    /// The hierarchy delimiter, or nil for a flat namespace (`NIL`).
    public var delimiter: Character?
    /// The mailbox name as it appeared on the wire (modified UTF-7 unless UTF8=ACCEPT).
    public var rawName: String
    /// LIST-EXTENDED data such as `CHILDINFO`, by tag, with raw values.
    public var extended: [String: String]

    /// A response from its parts.
    public init(attributes: [String], delimiter: Character?, rawName: String, extended: [String: String] = [:]) {
        self.attributes = attributes
        self.delimiter = delimiter
        self.rawName = rawName
        self.extended = extended
    }
}

/// The SPECIAL-USE role of a mailbox (RFC 6154).
public enum SpecialUse: String, Sendable, CaseIterable {
    case all = "\\All"
    case archive = "\\Archive"
    case drafts = "\\Drafts"
    case flagged = "\\Flagged"
    case junk = "\\Junk"
    case sent = "\\Sent"
    case trash = "\\Trash"
    /// Gmail's pre-RFC `\Important`.
    case important = "\\Important"

    /// The role named by an attribute, matched case-insensitively.
    public init?(attribute: String) {
        guard let match = SpecialUse.allCases.first(where: { $0.rawValue.lowercased() == attribute.lowercased() })
        else { return nil }
        self = match
    }
}
