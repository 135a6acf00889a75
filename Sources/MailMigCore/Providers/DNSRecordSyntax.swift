/// How a DNS system writes record values, so a plan's value and the value read back compare equal.
///
/// A plan says `10 mx.example.com`; a server answers `10 mx.example.com.`. The planner normalises the
/// plan's values with the syntax of the provider that reads them back, never with a fixed format, so a
/// provider whose API prints values its own way brings its own rule.
public protocol DNSRecordSyntax: Sendable {
    /// `value` (as written in a plan) in the form this system reads it back; throws
    /// `ProviderError.invalidValue` saying what was expected for `type`.
    func normalize(_ value: String, type: DNSRecordType) throws(ProviderError) -> String

    /// The text of a TXT value as its strings joined, for `match:` prefixes (`"v=spf1 " "-all"` → `v=spf1 -all`).
    func text(ofTXT value: String) -> String
}
