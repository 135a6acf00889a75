/// Flags and keywords as IMAP compares them.
///
/// System flags and keywords are atoms, and atoms are case-insensitive (RFC 3501 §2.3.2, §9;
/// RFC 9051 §2.3.2): `$MdnSent` and `$MDNSent` are one keyword, and a server may answer with either
/// spelling. Every comparison of flags (flag sync, verify, discover) goes through here.
public enum MessageFlags {
    /// The flags a target can store: without `\Recent` (a session flag no client can set), one of
    /// each whatever its case (the first spelling in sorted order), sorted.
    public static func storable<S: Sequence>(_ flags: S) -> [String] where S.Element == String {
        var seen = Set<String>()
        var kept: [String] = []
        for flag in flags.sorted() where flag.lowercased() != "\\recent" {
            if seen.insert(flag.lowercased()).inserted { kept.append(flag) }
        }
        return kept
    }

    /// The case-insensitive identity of a flag list, without `\Recent`.
    public static func identity<S: Sequence>(_ flags: S) -> Set<String> where S.Element == String {
        Set(flags.map { $0.lowercased() }).subtracting(["\\recent"])
    }

    /// Whether two flag lists hold the same flags, compared as IMAP does.
    public static func same<A: Sequence, B: Sequence>(_ left: A, _ right: B) -> Bool where A.Element == String, B.Element == String {
        identity(left) == identity(right)
    }

    /// Whether a target can be sent `flag`: a system flag (`\Seen`) or a keyword that is an atom
    /// (RFC 3501 §9 `flag-keyword = atom`: ASCII from `!` to `~` without `(){ %*"\]`). A keyword
    /// with 8-bit bytes or a space makes a server answer BAD to the whole command, so it is never sent.
    public static func isSendable(_ flag: String) -> Bool {
        var bytes = Substring(flag).utf8[...]
        if bytes.first == UInt8(ascii: "\\") { bytes = bytes.dropFirst() }
        return !bytes.isEmpty && bytes.allSatisfy(isAtomChar)
    }

    /// The flags of `flags` a target can be sent, and the keywords left out because it cannot (sorted).
    public static func sendable(_ flags: [String]) -> (kept: [String], dropped: [String]) {
        (flags.filter(isSendable), flags.filter { !isSendable($0) }.sorted())
    }

    /// ATOM-CHAR of RFC 3501 §9: any CHAR except atom-specials, and `]` (resp-specials).
    private static func isAtomChar(_ byte: UInt8) -> Bool {
        byte > 0x20 && byte < 0x7F && !Array("(){%*\"\\]".utf8).contains(byte)
    }
}
