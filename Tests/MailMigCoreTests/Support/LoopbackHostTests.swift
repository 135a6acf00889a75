import Foundation
@testable import MailMigCore
import Testing

/// The one rule for plain text on loopback only (IMAP without TLS, http token endpoints and PowerDNS APIs).
@Suite("Loopback host")
struct LoopbackHostTests {
    @Test("localhost, 127.0.0.0/8 as four numbers and ::1 are loopback; names that only start like them are not")
    func rule() {
        for host in ["localhost", "LOCALHOST", "127.0.0.1", "127.1.2.3", "::1", "[::1]"] {
            #expect(LoopbackHost.contains(host), "\(host)")
        }
        for host in ["127.evil.example", "127.0.0.1.nip.io", "127.0.0.256", "127.1", "10.0.0.1", "localhost.example", "", "::2"] {
            #expect(!LoopbackHost.contains(host), "\(host)")
        }
    }
}
