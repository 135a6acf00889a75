import MailMigCore

/// A DNS provider whose values read back in the RFC 1035 presentation format, as the DNS library
/// prints them: it normalises the plan's values with `PresentationFormat`.
public protocol PresentationFormatProvider: DNSZoneProvider {}

extension PresentationFormatProvider {
    /// The value in normalised presentation format; the error names this provider.
    public func normalize(_ value: String, type: DNSRecordType) throws(ProviderError) -> String {
        do {
            return try PresentationFormat.normalize(value, type: type)
        } catch {
            throw ProviderError(error.kind, provider: name, key: nil)
        }
    }

    /// The text of a TXT value, its strings joined.
    public func text(ofTXT value: String) -> String { PresentationFormat.text(ofTXT: value) }
}
