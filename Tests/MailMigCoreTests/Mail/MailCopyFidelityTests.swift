import Foundation
@testable import MailMigCore
import Testing
import TestSupport

/// A pass copies every message exactly as it is, into the right folder; a second apply has nothing to do.
@Suite("Mail copy over fake stores: fidelity")
struct MailCopyFidelityTests {
    let alice = MailHarness.alice

    /// INBOX, a `\Sent` folder the target names differently, and a nested folder that is not subscribed.
    func seed(_ harness: MailHarness) {
        harness.source.seed(SampleMessages.make(30, tag: "inbox"), into: "INBOX", of: alice)
        harness.source.addFolder("Sent", of: alice, specialUse: "\\Sent")
        harness.source.seed(SampleMessages.make(10, tag: "sent", firstDay: 100), into: "Sent", of: alice)
        harness.source.addFolder("Projects/2024", of: alice, subscribed: false)
        harness.source.seed(SampleMessages.make(8, tag: "projects", firstDay: 200), into: "Projects/2024", of: alice)
        harness.target.addFolder("Sent Items", of: alice, specialUse: "\\Sent")
    }

    @Test("every message arrives byte-identical with flags, keywords (without \\Recent), date and folder; a second apply does nothing")
    func fullCopy() async throws {
        let harness = try MailHarness()
        seed(harness)
        let (_, report) = try await harness.apply()
        #expect(report.succeeded, "\(report.failed.map(\.outcome))")

        #expect(harness.targetMatchesSource("INBOX", "INBOX"))
        #expect(harness.targetMatchesSource("Sent", "Sent Items"), "the \\Sent folder goes to the target's \\Sent folder")
        #expect(harness.targetMatchesSource("Projects/2024", "Projects/2024"))
        #expect(harness.target.folder("Sent", of: alice) == nil, "no second Sent folder is created")
        let arrived = harness.target.messages(in: "INBOX", of: alice)
        #expect(arrived.allSatisfy { !$0.flags.contains("\\Recent") })
        #expect(arrived.filter { $0.flags.contains("$Label1") }.count == 6)
        #expect(arrived.filter { $0.flags.contains("$MDNSent") }.count == 6)
        #expect(harness.target.folder("Projects/2024", of: alice)?.subscribed == false, "subscriptions follow the source")

        let (rows, pending) = try harness.ledger()
        #expect(rows.count == 48)
        #expect(pending.isEmpty)
        #expect(try harness.record()?.lastResult?.copied == 48)
        #expect(harness.target.counters.appendedMessages == 48)

        let sourceWork = harness.source.counters
        let targetWork = harness.target.counters
        let again = try await harness.plan()
        #expect(again.steps.isEmpty, "plan after a complete pass: \(again.steps.map(\.reason))")
        let logins = (source: harness.source.counters.sessions, target: harness.target.counters.sessions)
        let (_, second) = try await harness.apply()
        // Run at once, the apply leaves the question to the pass, which asks the source and stops there.
        #expect(second.entries.count == 1 && second.done.count == 1)
        #expect(harness.source.counters.sessions == logins.source + 1)
        #expect(harness.target.counters.sessions == logins.target, "the target is not logged in to")
        #expect(try harness.record()?.lastResult?.copied == 48, "the record is the last pass's")
        #expect(harness.target.counters.appendCalls == targetWork.appendCalls)
        #expect(harness.source.counters.fetchCalls == sourceWork.fetchCalls, "no message body is read again")
        #expect(harness.source.counters.folderOpens == sourceWork.folderOpens, "unchanged folders are not even opened")
    }

    @Test("a target without UIDPLUS gets the same copy, and a second apply still does nothing")
    func withoutAppendUID() async throws {
        let harness = try MailHarness(target: FakeMailStore(side: .target, returnsUIDs: false))
        seed(harness)
        #expect(try await harness.apply().report.succeeded)
        #expect(harness.targetMatchesSource("INBOX", "INBOX"))
        #expect(harness.targetMatchesSource("Sent", "Sent Items"))
        #expect(try harness.ledger().rows.allSatisfy { $0.targetUID == nil })
        #expect(try await harness.plan().steps.isEmpty)
        #expect(try await harness.verify().passed)
    }

    @Test("messages the target refuses or cannot take unaltered are skipped with a reason and never tried again")
    func skippedMessages() async throws {
        let target = FakeMailStore(side: .target, acceptsNUL: false)
        let harness = try MailHarness(target: target)
        var messages = SampleMessages.make(5)
        messages.append(SampleMessages.message(id: "large", bodyBytes: 6_000))
        var binary = SampleMessages.message(id: "binary")
        binary.body.insert(0, at: binary.body.count - 3)
        messages.append(binary)
        harness.source.seed(messages, into: "INBOX", of: alice)
        target.faults.refuseLargerThan = 5_000

        #expect(try await harness.apply().report.succeeded)
        let arrived = target.messages(in: "INBOX", of: alice)
        #expect(arrived.count == 5)
        let skipped = try harness.state().skipped(mailbox: alice)
        #expect(skipped.count == 2)
        #expect(skipped.contains { $0.reason.contains("refused by the target") && $0.messageID == "<large@acme.test>" })
        #expect(skipped.contains { $0.reason.contains("NUL") && $0.messageID == "<binary@acme.test>" })
        #expect(try harness.record()?.lastResult?.skipped == 2)

        let appends = target.counters.appendCalls
        #expect(try await harness.plan().steps.isEmpty)
        try await harness.apply()
        #expect(target.counters.appendCalls == appends)
        let verification = try await harness.verify()
        #expect(verification.passed)
        #expect(verification.mailboxes.first?.folders.first?.skipped.count == 2)
    }
}

extension MailCopyFidelityTests {
    @Test("messages the source hands out spooled (too large to hold) arrive byte-identical, hashed and named in the ledger like any other")
    func spooledMessages() async throws {
        let harness = try MailHarness()
        harness.source.spoolThreshold = 2_000
        var seeds = SampleMessages.make(6, tag: "small")
        for index in 0..<4 {
            // Larger than several spool chunks, a NUL in one of them, the Message-ID past the first chunk's header.
            var body = Array("Subject: large \(index)\r\n".utf8) + Array(repeating: UInt8(ascii: "X"), count: 20)
            body += Array("\r\nMessage-ID: <large-\(index)@example.org>\r\n\r\n".utf8)
            body += (0..<(300_000 * (index + 1))).map { UInt8(ascii: "a") + UInt8($0 % 26) }
            if index == 2 { body[body.count / 2] = 0 }
            seeds.append(SeedMessage(body: body, flags: ["\\Seen"], internalDate: MessageDate("07-Jul-2023 10:11:1\(index) +0200")))
        }
        harness.source.seed(seeds, into: "INBOX", of: alice)
        let (_, report) = try await harness.apply()
        #expect(report.succeeded, "\(report.failed.map(\.outcome))")
        #expect(harness.targetMatchesSource("INBOX", "INBOX"))
        let (rows, pending) = try harness.ledger()
        #expect(rows.count == 10 && pending.isEmpty)
        for seed in seeds where seed.body.count > 2_000 {
            let row = try #require(rows.first { $0.size == seed.body.count })
            #expect(row.sha256 == MessageHeaders.sha256(seed.body))
            #expect(row.messageID == MessageHeaders.messageID(in: seed.body))
        }
        #expect(rows.contains { $0.messageID == "<large-3@example.org>" })
        #expect(try await harness.verify(deep: true).passed)
        #expect(try await harness.plan().steps.isEmpty)
    }
}

extension MailCopyFidelityTests {
    @Test("a first plan logs in to the target once: the existence check's listing also gives the naming and the unrecorded-mail check")
    func firstPlanLogsInToTheTargetOnce() async throws {
        let harness = try MailHarness()
        seed(harness)
        let plan = try await harness.plan()
        #expect(plan.steps.count == 1)
        #expect(harness.target.counters.sessions == 1)
        #expect(harness.source.counters.sessions == 1)
    }

    @Test("a first plan logs in to the target while it reads the source, and a mailbox the target lacks is still held back")
    func firstPlanLogsInToBothAtOnce() async throws {
        let harness = try MailHarness()
        harness.others = ["bob@acme.test"]
        seed(harness)
        harness.target.removeMailbox("bob@acme.test")
        harness.target.expectsLogins(alongside: harness.source)
        let plan = try await harness.plan()
        #expect(harness.target.counters.loginsAlone == 0, "the target's login waited for the source's to end")
        #expect(plan.steps.map(\.address) == ["mailbox.\(MailHarness.alice)"])
        #expect(plan.blocked.contains { $0.reason.contains("the target mailbox bob@acme.test does not exist") }, "\(plan.blocked)")
        #expect(harness.target.counters.sessions == 2)
    }
}
