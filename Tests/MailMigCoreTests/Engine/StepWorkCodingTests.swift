import Foundation
import Testing
@testable import MailMigCore

/// Saved plans and journals written before step kinds were a registry must still be read.
@Suite("Step work: saved form")
struct StepWorkCodingTests {
    /// A mail-pass step as releases before the step-kind registry saved it.
    static let savedMailPass = """
    {"id":"mail:mailbox.alice@acme.test","address":"mailbox.alice@acme.test","action":"copy","reason":"sync","dependsOn":[],
     "work":{"mailbox":{"_0":{"source":"alice@acme.test","target":"alice@new.test","batch":"pilot",
       "settings":{"stage":"sync","folders":{"automap":true,"exclude":[],"map":{}},"dedupeTarget":false}}}}}
    """

    @Test("a step saved in the enum form decodes to the same kind and payload, and encodes back to that form")
    func mailPassRoundTrip() throws {
        let step = try StateCoding.decoder.decode(PlannedStep.self, from: Data(Self.savedMailPass.utf8))
        #expect(step.work.kind == "mailbox")
        let work = try #require(step.work.mailPass)
        #expect(work.source == "alice@acme.test" && work.target == "alice@new.test" && work.batch == "pilot")
        #expect(step.work.dnsChange == nil)
        let encoded = try JSONSerialization.jsonObject(with: StateCoding.encoder.encode(step)) as? [String: Any]
        let saved = (encoded?["work"] as? [String: Any])?["mailbox"] as? [String: Any]
        #expect(saved?["_0"] != nil)
        #expect(try StateCoding.decoder.decode(PlannedStep.self, from: StateCoding.encoder.encode(step)) == step)
    }

    @Test("a kind this build does not know is a clear decoding error, not a crash")
    func unknownKind() {
        let text = Self.savedMailPass.replacingOccurrences(of: "\"work\":{\"mailbox\"", with: "\"work\":{\"calendar\"")
        #expect(throws: DecodingError.self) { try StateCoding.decoder.decode(PlannedStep.self, from: Data(text.utf8)) }
    }

    @Test("work of different kinds or payloads is not equal")
    func equality() {
        let change = DNSChange(key: RRsetKey(domain: "acme.test", owner: "@", type: .MX), provider: "primary", expected: nil,
                               desired: RRsetSnapshot(ttl: 300, values: ["10 mx.acme.test."]), original: nil, phase: .source, forget: false)
        var other = change
        other.forget = true
        #expect(StepWork.dns(change) == StepWork.dns(change))
        #expect(StepWork.dns(change) != StepWork.dns(other))
        #expect(StepWork.dns(change) != StepWork.provision(ProvisionWork(source: "a@acme.test", target: "a@new.test", command: ["true"])))
    }
}
