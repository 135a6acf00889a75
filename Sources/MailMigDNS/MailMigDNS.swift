/// DNS wire format, queries, RFC 2136 dynamic updates and TSIG.
///
/// This module knows nothing about plans; the engine's DNS provider builds on it.
public enum MailMigDNS {}
