import FuzzSupport
import Testing
@testable import MailMigDNS

/// Time-bounded mutation fuzzing of the DNS message decoder on captured BIND and dig messages: every input
/// decodes to a message or throws `WireFormatError`; a decoded message encodes and decodes again.
@Suite("Fuzz: DNS message decoder")
struct DNSDecoderFuzzTests {
    @Test("Mutated DNS messages: a message or a wire-format error, never a crash")
    func decoder() {
        var driver = FuzzDriver(name: "dns", seeds: MalformedMessageTests.vectors, alphabet: [0xC0, 0x3F, 0x40, 0x01, 0x02, 0x05, 0x06, 0x10, 0x29, 0xFA])
        var otherErrors: [String] = []
        var reencoded = 0
        driver.run { bytes in
            do {
                let message = try DNSMessage.decode(bytes)
                if (try? DNSMessage.decode(message.encode())) != nil { reencoded += 1 }
                return true
            } catch is WireFormatError {
                return false
            } catch {
                if otherErrors.count < 5 { otherErrors.append("\(type(of: error)): \(error)") }
                return false
            }
        }
        print("Fuzz DNS decoder: \(driver.executions) executions, \(driver.accepted) decoded, \(reencoded) re-decoded after encoding, seed \(FuzzDriver.seed)")
        #expect(otherErrors.isEmpty, "errors other than WireFormatError: \(otherErrors)")
        #expect(driver.executions > 0)
    }
}
