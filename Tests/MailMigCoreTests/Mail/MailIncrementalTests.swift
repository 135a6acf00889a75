import Foundation
@testable import MailMigCore
import Testing
import TestSupport

/// Later passes over a mailbox already copied: a source folder renumbered, flags changed by the user.
@Suite("Mail copy over fake stores: incremental passes")
struct MailIncrementalTests {
    let alice = MailHarness.alice

    @Test("after the source renumbers a folder (new UIDVALIDITY), the next pass re-keys the ledger and copies only new mail",
          arguments: [false, true])
    func uidValidityChange(namedMessages: Bool) async throws {
        let harness = try MailHarness(source: FakeMailStore(side: .source, namesMessages: namedMessages))
        // Every tenth message shares size and date with the one before, so some need their bytes compared.
        harness.source.seed(SampleMessages.make(150), into: "INBOX", of: alice)
        #expect(try await harness.apply().report.succeeded)
        let appended = harness.target.counters.appendedMessages
        #expect(appended == 150)

        let validity = try harness.source.resetUIDValidity(of: "INBOX", of: alice)
        harness.source.seed([SampleMessages.message(id: "after-rebuild")], into: "INBOX", of: alice)
        let report = try await harness.apply().report
        #expect(report.succeeded, "\(report.failed.map(\.outcome))")

        #expect(harness.target.counters.appendedMessages == appended + 1, "only the new message is appended")
        #expect(harness.targetMatchesSource("INBOX", "INBOX"))
        let result = try harness.record()?.lastResult
        #expect(result?.rekeyed == 150)
        #expect(result?.copied == 1)
        let rows = try harness.ledger().rows
        #expect(rows.count == 151)
        #expect(rows.allSatisfy { $0.uidValidity == validity })
        #expect(Set(rows.map(\.uid)) == Set(harness.source.messages(in: "INBOX", of: alice).map(\.key)), "rows name today's messages")
        #expect(try await harness.plan().steps.isEmpty)
        #expect(try await harness.verify().passed)
    }

    @Test("flags changed on the source after a pass reach the target on the next pass", arguments: [true, false], [false, true])
    func flagSync(tracksChanges: Bool, namedMessages: Bool) async throws {
        let source = FakeMailStore(side: .source, tracksChanges: tracksChanges, namesMessages: namedMessages)
        let target = FakeMailStore(side: .target, namesMessages: namedMessages)
        let harness = try MailHarness(source: source, target: target)
        let uids = source.seed(SampleMessages.make(20), into: "INBOX", of: alice)
        #expect(try await harness.apply().report.succeeded)

        try source.setFlags(["\\Seen", "\\Flagged"], uid: uids[0], in: "INBOX", of: alice)
        try source.setFlags([], uid: uids[1], in: "INBOX", of: alice)
        try source.setFlags(["\\Seen", "\\Answered", "$Label1", "$Project"], uid: uids[6], in: "INBOX", of: alice)
        let plan = try await harness.plan()
        #expect(!plan.steps.isEmpty, "the plan must schedule a pass to carry the flags")
        #expect(try await harness.apply().report.succeeded)

        #expect(harness.targetMatchesSource("INBOX", "INBOX"))
        #expect(try harness.record()?.lastResult?.flagUpdates == 3)
        #expect(try harness.record()?.lastResult?.copied == 0)
        let ledger = try harness.ledger().rows
        #expect(ledger.first { $0.uid == uids[0] }?.flags == ["\\Flagged", "\\Seen"], "the ledger records the flags carried")
        #expect(try await harness.verify().passed)

        // Without CONDSTORE, STATUS cannot show a flag change, so every sync plan must look again.
        #expect(try await harness.plan().steps.isEmpty == tracksChanges)
        // Once carried, the same flags are not stored again.
        let stores = harness.target.counters.flagStores
        try await harness.apply()
        #expect(harness.target.counters.flagStores == stores)
        #expect(harness.target.counters.appendedMessages == 20)
    }

    @Test("flags changed on the source reach a target without UIDPLUS on the next pass")
    func flagSyncWithoutAppendUID() async throws {
        let harness = try MailHarness(target: FakeMailStore(side: .target, returnsUIDs: false))
        let uids = harness.source.seed(SampleMessages.make(5), into: "INBOX", of: alice)
        #expect(try await harness.apply().report.succeeded)
        try harness.source.setFlags(["\\Seen", "\\Flagged"], uid: uids[0], in: "INBOX", of: alice)
        #expect(try await harness.apply().report.succeeded)
        // The ledger has no target UID for messages appended without APPENDUID, and flag sync skips
        // such rows, so the change never reaches the target.
        let updates = try harness.record()?.lastResult?.flagUpdates
        withKnownIssue("flag sync needs target UIDs, which a target without UIDPLUS never gave") {
            #expect(harness.targetMatchesSource("INBOX", "INBOX"))
            #expect(updates == 1)
        }
    }
}
