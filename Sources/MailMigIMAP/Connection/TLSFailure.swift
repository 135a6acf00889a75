import Logging
import NIOCore
import NIOSSL

/// Readable reasons for TLS handshake failures.
enum TLSFailure {
    static func reason(_ error: NIOSSLError) -> String {
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

/// Looks at the certificate a server presents, without trusting it, to name it in an error.
enum TLSCertificateProbe {
    static func subject(of configuration: IMAPConfiguration) async -> String? {
        var probe = configuration
        probe.trust = .doNotVerify
        probe.connectTimeout = min(configuration.connectTimeout, 10)
        probe.readTimeout = min(configuration.readTimeout, 10)
        guard let client = try? await IMAPClient.connectOnce(probe, logger: Logger(label: "mailmig.imap.probe")) else {
            return nil
        }
        let certificate = try? await client.channel.nioSSL_peerCertificate().get()
        await client.close()
        guard let certificate else { return nil }
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
