import NIOSSL
import Testing
import MailMigTLS

/// How a failed TLS handshake is explained.
@Suite("TLS failure reasons")
struct TLSFailureTests {
    @Test("a certificate for another name says which names it carries and which one was asked for")
    func wrongName() {
        #expect(TLSFailure.wrongName(host: "127.0.0.1", names: ["wrong.example"]) == "the certificate is for wrong.example, not 127.0.0.1")
        #expect(TLSFailure.wrongName(host: "mail.acme.test", names: ["localhost", "127.0.0.1"])
            == "the certificate is for localhost, 127.0.0.1, not mail.acme.test")
        #expect(TLSFailure.wrongName(host: "10.0.0.1", names: []) == "the certificate does not name 10.0.0.1")
    }

    @Test("addresses in a certificate are written as people write them")
    func addresses() {
        #expect(TLSCertificateDescription.address([127, 0, 0, 1]) == "127.0.0.1")
        #expect(TLSCertificateDescription.address([0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]) == "2001:db8:0:0:0:0:0:1")
    }

    @Test("NIOSSL's errors get a reason, other errors none; only a wrong-name reason is rewritten with the names")
    func reasons() {
        #expect(TLSFailure.reason(of: NIOSSLExtraError.failedToValidateHostname) == TLSFailure.wrongName)
        #expect(TLSFailure.reason(of: CancellationError()) == nil)
        #expect(TLSFailure.reason(TLSFailure.wrongName, host: "10.0.0.1", certificateNames: ["localhost"])
            == "the certificate is for localhost, not 10.0.0.1")
        #expect(TLSFailure.reason("expired", host: "10.0.0.1", certificateNames: ["localhost"]) == "expired")
    }
}

extension TLSFailureTests {
    @Test("a connection closed without close_notify is a dropped connection, said in words, not a TLS failure")
    func uncleanShutdownIsNotATLSFailure() {
        #expect(TLSFailure.reason(of: NIOSSLError.uncleanShutdown) == nil)
        #expect(TLSFailure.isUncleanShutdown(NIOSSLError.uncleanShutdown))
        #expect(TLSFailure.connectionDetail(of: NIOSSLError.uncleanShutdown) == "the connection closed without TLS's close_notify")
        #expect(TLSFailure.reason(of: NIOSSLError.handshakeFailed(.sslError([]))) != nil, "a failed handshake is still a TLS failure")
        #expect(!TLSFailure.isUncleanShutdown(NIOSSLError.handshakeFailed(.sslError([]))))
    }
}
