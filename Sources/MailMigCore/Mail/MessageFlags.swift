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
}
