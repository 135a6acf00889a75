import Logging
import NIOCore
import NIOSSL
import MailMigTLS

/// Looks at the certificate a server presents, without trusting it, to name it in an error.
enum TLSCertificateProbe {
    /// The certificate's subject and the names it is valid for (`TLSCertificateDescription`).
    static func describe(_ configuration: IMAPConfiguration) async -> (subject: String?, names: [String]) {
        guard let certificate = await certificate(of: configuration) else { return (nil, []) }
        return TLSCertificateDescription.describe(certificate)
    }

    private static func certificate(of configuration: IMAPConfiguration) async -> NIOSSLCertificate? {
        var probe = configuration
        probe.trust = .doNotVerify
        probe.connectTimeout = min(configuration.connectTimeout, 10)
        probe.readTimeout = min(configuration.readTimeout, 10)
        guard let client = try? await IMAPClient.connectOnce(probe, logger: Logger(label: "mailmig.imap.probe")) else {
            return nil
        }
        // After STARTTLS the handshake ends with the first answer over TLS: the certificate is known then.
        _ = try? await client.settledCapabilities()
        let certificate = try? await client.channel.nioSSL_peerCertificate().get()
        await client.close()
        return certificate
    }
}
