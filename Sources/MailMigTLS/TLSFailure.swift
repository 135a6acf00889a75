import NIOSSL

/// Readable reasons for TLS handshake failures.
public enum TLSFailure {
    /// The reason given when the certificate does not name the host; a client replaces it with the
    /// names the certificate does carry (`wrongName(host:names:)`).
    public static let wrongName = "the certificate is for another name"

    /// The reason for a failure NIOSSL reports after the handshake (the host name check).
    public static func reason(_ error: NIOSSLExtraError) -> String {
        error == .failedToValidateHostname ? wrongName : "\(error)"
    }

    /// `the certificate is for mail.example.com, not 127.0.0.1`.
    public static func wrongName(host: String, names: [String]) -> String {
        names.isEmpty ? "the certificate does not name \(host)" : "the certificate is for \(names.joined(separator: ", ")), not \(host)"
    }

    /// The reason for any error NIOSSL throws during or after the handshake; nil for other errors, and
    /// for a connection the peer closed without TLS's close_notify, which is a dropped connection
    /// (`connectionDetail(of:)`), not a failure of TLS.
    public static func reason(of error: any Error) -> String? {
        if isUncleanShutdown(error) { return nil }
        if let ssl = error as? NIOSSLError { return reason(ssl) }
        if let ssl = error as? NIOSSLExtraError { return reason(ssl) }
        return nil
    }

    /// The reason to show once the presented certificate's names are known: a certificate for
    /// another name says which names it carries; any other reason stays as it is.
    public static func reason(_ reason: String, host: String, certificateNames names: [String]) -> String {
        reason == wrongName ? wrongName(host: host, names: names) : reason
    }

    /// Whether the peer closed the connection without TLS's close_notify: what a dropped connection
    /// (a server restarting, a middlebox cutting it) looks like under TLS.
    public static func isUncleanShutdown(_ error: any Error) -> Bool {
        if case .uncleanShutdown? = error as? NIOSSLError { return true }
        return false
    }

    /// How a connection ended with `error`, in words: a dropped TLS connection is said so, anything
    /// else as it describes itself.
    public static func connectionDetail(of error: any Error) -> String {
        isUncleanShutdown(error) ? "the connection closed without TLS's close_notify" : "\(error)"
    }

    /// The reason for a failed handshake.
    public static func reason(_ error: NIOSSLError) -> String {
        let text = "\(error)"
        if text.contains("CERTIFICATE_VERIFY_FAILED") {
            return "the certificate is not trusted (not signed by a trusted CA, expired or for another name)"
        }
        if text.contains("WRONG_VERSION_NUMBER") || text.contains("HTTP_REQUEST") {
            return "the server did not answer with TLS on this port"
        }
        return text
    }
}

/// Names a certificate a server presented, without trusting it, for an error message.
public enum TLSCertificateDescription {
    /// The certificate's subject (`CN=…, O=…`) and the names it is valid for (its DNS and IP
    /// subject alternative names, or its common name when it has none).
    public static func describe(_ certificate: NIOSSLCertificate) -> (subject: String?, names: [String]) {
        var names: [String] = []
        for name in certificate._subjectAlternativeNames() {
            switch name.nameType {
            case .dnsName: names.append(String(decoding: Array(name.contents), as: UTF8.self))
            case .ipAddress: names.append(Self.address(Array(name.contents)))
            default: break
            }
        }
        if names.isEmpty, let common = certificate.subjectName.first(where: { $0.type == .commonName }) { names = [common.value] }
        return (subject(of: certificate), names)
    }

    /// An IP address as text: dotted for IPv4, colon-separated hex for IPv6.
    public static func address(_ bytes: [UInt8]) -> String {
        if bytes.count == 4 { return bytes.map(String.init).joined(separator: ".") }
        return stride(from: 0, to: bytes.count - 1, by: 2).map { String(UInt16(bytes[$0]) << 8 | UInt16(bytes[$0 + 1]), radix: 16) }
            .joined(separator: ":")
    }

    private static func subject(of certificate: NIOSSLCertificate) -> String? {
        let parts = certificate.subjectName.map { name -> String in
            let key: String
            switch name.type {
            case .commonName: key = "CN"
            case .organization: key = "O"
            case .organizationalUnit: key = "OU"
            case .country: key = "C"
            case .state: key = "ST"
            case .city: key = "L"
            case .emailAddress: key = "emailAddress"
            default: key = "?"
            }
            return "\(key)=\(name.value)"
        }
        return parts.isEmpty ? nil : parts.joined(separator: ", ")
    }
}
