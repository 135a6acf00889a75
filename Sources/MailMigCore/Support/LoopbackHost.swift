/// Whether a host name is this machine's loopback interface, where plain text cannot be read by
/// anyone else: `localhost`, 127.0.0.0/8 written as four decimal numbers, or `::1` (with or without
/// brackets). The one rule for every place that allows plain text on loopback only (IMAP without
/// TLS, `http` token endpoints and PowerDNS APIs); `127.evil.example` is not loopback.
public enum LoopbackHost {
    /// Whether `host` is a loopback name or address.
    public static func contains(_ host: String) -> Bool {
        let host = host.lowercased()
        if host == "localhost" || host == "::1" || host == "[::1]" { return true }
        let parts = host.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4, parts[0] == "127" else { return false }
        return parts.allSatisfy { part in
            !part.isEmpty && part.count <= 3 && part.allSatisfy(\.isASCII) && part.allSatisfy(\.isNumber) && (Int(part) ?? 256) <= 255
        }
    }
}
