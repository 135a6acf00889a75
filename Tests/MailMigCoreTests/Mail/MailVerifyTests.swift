import Foundation
@testable import MailMigCore
import Testing
import TestSupport

/// `verify` over fake stores: passes on a faithful copy, and names each kind of damage to the target.
@Suite("Mail verify over fake stores")
struct MailVerifyTests {
    let alice = MailHarness.alice

    /// A harness whose INBOX (20 messages) and Archive (5) were copied by one apply.
    func copied() async throws -> MailHarness {
        let harness = try MailHarness()
        harness.source.seed(SampleMessages.make(20), into: "INBOX", of: alice)
        harness.source.seed(SampleMessages.make(5, tag: "archive", firstDay: 50), into: "Archive", of: alice)
        #expect(try await harness.apply().report.succeeded)
        return harness
    }

    /// The INBOX result of a verification.
    func inbox(_ report: VerificationReport) -> FolderVerification? {
        report.mailboxes.first?.folders.first { $0.source == "INBOX" }
    }

    @Test("a faithful copy passes, shallow and deep, with every message found")
    func passes() async throws {
        let harness = try await copied()
        for deep in [false, true] {
            let report = try await harness.verify(deep: deep)
            #expect(report.passed)
            let mailbox = try #require(report.mailboxes.first)
            #expect(mailbox.outcome == .passed)
            #expect(mailbox.expected == 25)
            #expect(mailbox.found == 25)
            #expect(mailbox.differences == 0)
        }
    }

    @Test("a message missing on the target fails verification and is named")
    func missing() async throws {
        let harness = try await copied()
        let gone = try #require(harness.target.messages(in: "INBOX", of: alice).dropFirst(3).first)
        try harness.target.remove(uid: gone.key, from: "INBOX", of: alice)
        let report = try await harness.verify()
        #expect(!report.passed)
        let folder = try #require(inbox(report))
        #expect(folder.missing.count == 1)
        #expect(folder.missing.first?.messageID == "<00003.m@acme.test>")
        #expect(folder.found == 19)
    }

    @Test("a second copy of a message on the target fails verification as a duplicate")
    func duplicate() async throws {
        let harness = try await copied()
        let copy = try #require(harness.target.messages(in: "INBOX", of: alice).first)
        harness.target.seed([SeedMessage(body: copy.body, flags: copy.flags, internalDate: copy.internalDate)], into: "INBOX", of: alice)
        let report = try await harness.verify()
        #expect(!report.passed)
        let folder = try #require(inbox(report))
        #expect(folder.duplicates.count == 1)
        #expect(folder.duplicates.first?.messageID == "<00000.m@acme.test>")
        #expect(folder.missing.isEmpty)
    }

    @Test("flags changed on the target fail verification; flags changed on the source are only not carried yet")
    func flagDifference() async throws {
        let harness = try await copied()
        let copy = try #require(harness.target.messages(in: "INBOX", of: alice).first)
        try harness.target.setFlags(["\\Deleted"], uid: copy.key, in: "INBOX", of: alice)
        let report = try await harness.verify()
        #expect(!report.passed)
        let folder = try #require(inbox(report))
        #expect(folder.flagMismatches.count == 1)
        #expect(folder.flagMismatches.first?.target == "\\Deleted")
        #expect(folder.flagMismatches.first?.source == "\\Seen")

        try harness.target.setFlags(copy.flags, uid: copy.key, in: "INBOX", of: alice)
        let second = try #require(harness.source.messages(in: "INBOX", of: alice).dropFirst().first)
        try harness.source.setFlags(["\\Flagged"], uid: second.key, in: "INBOX", of: alice)
        let pending = try await harness.verify()
        #expect(pending.passed)
        #expect(inbox(pending)?.flagsNotCarriedYet == 1)
    }
}
