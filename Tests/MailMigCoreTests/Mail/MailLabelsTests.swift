import Foundation
@testable import MailMigCore
import Testing
import TestSupport

/// Stores whose folders are labels of one message store, as Gmail's are with X-GM-EXT-1: the fake
/// says which folders show a message (`labels`) and can show a stored message in one more folder
/// (`addLabel`), as `UID FETCH X-GM-LABELS` and `UID STORE +X-GM-LABELS` do.
@Suite("Mail copy over fake stores: Gmail's labels")
struct MailLabelsTests {
    let alice = MailHarness.alice
    static let allMail = "[Gmail]/All Mail"

    func sorted(_ bodies: [[UInt8]]) -> [[UInt8]] { bodies.sorted { $0.lexicographicallyPrecedes($1) } }

    func bodies(_ path: String, of store: FakeMailStore) -> [[UInt8]] {
        sorted(store.messages(in: path, of: alice).map(\.body))
    }

    /// A message with the same Message-ID, size and internal date as `twin` but other bytes: what
    /// only the store's own message id tells apart.
    func lookalike(of twin: SeedMessage) -> SeedMessage {
        var body = twin.body
        body[body.count - 3] = UInt8(ascii: "y")
        return SeedMessage(body: body, flags: twin.flags, internalDate: twin.internalDate)
    }

    @Test("All Mail is decided by labels: an archived message that looks like a labelled one by Message-ID, size and date still arrives")
    func allMailByLabels() async throws {
        let harness = try MailHarness(source: FakeMailStore(side: .source, hasLabels: true))
        let inbox = SampleMessages.make(3, tag: "inbox")
        let archived = [lookalike(of: inbox[0])] + SampleMessages.make(1, tag: "archived", firstDay: 30)
        harness.source.seed(inbox, into: "INBOX", of: alice)
        harness.source.addFolder(Self.allMail, of: alice, specialUse: "\\All")
        harness.source.seed(inbox + archived, into: Self.allMail, of: alice)

        let report = try await harness.apply().report
        #expect(report.succeeded, "\(report.failed.map(\.outcome))")
        #expect(bodies("Archive", of: harness.target) == sorted(archived.map(\.body)), "the lookalike has no label, so it is All Mail's own")
        #expect(harness.source.counters.labelFetches >= 1)
        let result = try #require(try harness.record()?.lastResult)
        #expect(result.inOtherFolders == 3)
        let verified = try await harness.verify()
        #expect(verified.passed, "\(verified.mailboxes.flatMap(\.folders).filter { !$0.passed })")
        #expect(try await harness.plan().steps.isEmpty)
    }

    /// INBOX {a, b}, Work {a, c}, Travel {a, c, d}, Trash {t}; All Mail {a, b, c, d, e}.
    func keywordsHarness() throws -> (MailHarness, [String: SeedMessage]) {
        let harness = try MailHarness(source: FakeMailStore(side: .source, hasLabels: true), extra: "folders: { labels: keywords }\n")
        let named = Dictionary(uniqueKeysWithValues: ["a", "b", "c", "d", "e", "t"].enumerated().map { index, name in
            (name, SampleMessages.message(id: "label-\(name)", bodyBytes: 100 + index))
        })
        harness.source.seed([named["a"]!, named["b"]!], into: "INBOX", of: alice)
        harness.source.seed([named["a"]!, named["c"]!], into: "Work", of: alice)
        harness.source.seed([named["a"]!, named["c"]!, named["d"]!], into: "Travel/2026", of: alice)
        harness.source.addFolder("[Gmail]/Trash", of: alice, specialUse: "\\Trash")
        harness.source.seed([named["t"]!], into: "[Gmail]/Trash", of: alice)
        harness.source.addFolder(Self.allMail, of: alice, specialUse: "\\All")
        harness.source.seed(["a", "b", "c", "d", "e"].map { named[$0]! }, into: Self.allMail, of: alice)
        return (harness, named)
    }

    @Test("labels: keywords copies each message once, in its first label's folder, with its other labels as keywords; verify passes")
    func keywords() async throws {
        let (harness, named) = try keywordsHarness()
        let reason = try await harness.plan().steps.first?.reason ?? ""
        #expect(reason.contains("a message with several labels is counted in each but copied once (folders.labels: keywords)"), "\(reason)")
        let report = try await harness.apply().report
        #expect(report.succeeded, "\(report.failed.map(\.outcome))")
        #expect(bodies("INBOX", of: harness.target) == sorted([named["a"]!.body, named["b"]!.body]))
        #expect(bodies("Work", of: harness.target) == [named["c"]!.body])
        #expect(bodies("Travel/2026", of: harness.target) == [named["d"]!.body])
        #expect(bodies("Archive", of: harness.target) == [named["e"]!.body])
        #expect(bodies("[Gmail]/Trash", of: harness.target) == [named["t"]!.body])
        #expect(harness.target.counters.appendedMessages == 6, "one upload per message")
        let a = try #require(harness.target.messages(in: "INBOX", of: alice).first { $0.body == named["a"]!.body })
        #expect(a.flags == ["\\Seen", "Work", "Travel/2026"])
        let c = try #require(harness.target.messages(in: "Work", of: alice).first)
        #expect(c.flags == ["\\Seen", "Travel/2026"])
        let result = try #require(try harness.record()?.lastResult)
        #expect(result.copied == 6)

        let verified = try await harness.verify()
        #expect(verified.passed, "\(verified.mailboxes.flatMap(\.folders).filter { !$0.passed })")
        #expect(try await harness.plan().steps.isEmpty, "a second plan has nothing to do")
    }

    @Test("labels: keywords: a message that gets a label before its home stays where it was copied, with the new label as a keyword")
    func keywordsHomeMoves() async throws {
        let (harness, named) = try keywordsHarness()
        #expect(try await harness.apply().report.succeeded)
        // c gets the INBOX label: its home is now INBOX, where nothing of it was copied.
        harness.source.seed([named["c"]!], into: "INBOX", of: alice)
        let report = try await harness.apply().report
        #expect(report.succeeded, "\(report.failed.map(\.outcome))")
        #expect(harness.target.counters.appendedMessages == 6, "c stays where it was copied, once")
        let c = try #require(harness.target.messages(in: "Work", of: alice).first)
        #expect(c.flags == ["\\Seen", "Travel/2026", "INBOX"], "its new label as a keyword")
        let verified = try await harness.verify()
        #expect(verified.passed, "\(verified.mailboxes.flatMap(\.folders).filter { !$0.passed })")
    }

    @Test("labels: keywords: the ledger keeps Gmail's message id; a new message that looks like a copied one by Message-ID, size and date is still copied")
    func keywordsIdentityByID() async throws {
        let (harness, named) = try keywordsHarness()
        #expect(try await harness.apply().report.succeeded)
        let rows = try harness.ledger().rows
        #expect(rows.count == 6)
        #expect(rows.allSatisfy { $0.globalID != nil }, "\(rows.map(\.globalID))")
        // Another message, not c with one more label: the same Message-ID, size and date as c, other bytes.
        harness.source.seed([lookalike(of: named["c"]!)], into: "INBOX", of: alice)
        harness.source.seed([lookalike(of: named["c"]!)], into: Self.allMail, of: alice)
        let report = try await harness.apply().report
        #expect(report.succeeded, "\(report.failed.map(\.outcome))")
        #expect(bodies("INBOX", of: harness.target).contains(lookalike(of: named["c"]!).body), "told apart by its own id")
        #expect(harness.target.counters.appendedMessages == 7)
        let verified = try await harness.verify()
        #expect(verified.passed, "\(verified.mailboxes.flatMap(\.folders).filter { !$0.passed })")
    }

    @Test("labels: keywords: a label added or removed later reaches the copy as a keyword; the copy stays where it was made")
    func keywordsFollowLabelChanges() async throws {
        let (harness, named) = try keywordsHarness()
        #expect(try await harness.apply().report.succeeded)
        // d (only in Travel/2026, copied there) gets Work, which comes before Travel/2026; a loses Work.
        harness.source.seed([named["d"]!], into: "Work", of: alice)
        let aInWork = try #require(harness.source.messages(in: "Work", of: alice).first { $0.body == named["a"]!.body })
        try harness.source.remove(uid: aInWork.key, from: "Work", of: alice)
        let report = try await harness.apply().report
        #expect(report.succeeded, "\(report.failed.map(\.outcome))")
        #expect(harness.target.counters.appendedMessages == 6, "nothing is copied again")
        let d = try #require(harness.target.messages(in: "Travel/2026", of: alice).first { $0.body == named["d"]!.body })
        #expect(d.flags == ["\\Seen", "Work"])
        let a = try #require(harness.target.messages(in: "INBOX", of: alice).first { $0.body == named["a"]!.body })
        #expect(a.flags == ["\\Seen", "Travel/2026"])
        let verified = try await harness.verify()
        #expect(verified.passed, "\(verified.mailboxes.flatMap(\.folders).filter { !$0.passed })")
        #expect(try await harness.plan().steps.isEmpty)
    }

    @Test("labels: keywords: Trash keeps its messages, also one another folder shows; a source without labels copies every folder as it is")
    func keywordsTrashAndNoLabels() async throws {
        let (harness, named) = try keywordsHarness()
        harness.source.seed([named["b"]!], into: "[Gmail]/Trash", of: alice)
        #expect(try await harness.apply().report.succeeded)
        #expect(bodies("[Gmail]/Trash", of: harness.target) == sorted([named["t"]!.body, named["b"]!.body]))
        #expect(bodies("INBOX", of: harness.target).contains(named["b"]!.body))
        #expect(try await harness.verify().passed)

        let plain = try MailHarness(extra: "folders: { labels: keywords }\n")
        let message = SampleMessages.message(id: "in-two-folders")
        plain.source.seed([message], into: "INBOX", of: alice)
        plain.source.seed([message], into: "Work", of: alice)
        let reason = try await plain.plan().steps.first?.reason ?? ""
        #expect(reason.contains("folders.labels: keywords changes nothing here"), "\(reason)")
        #expect(try await plain.apply().report.succeeded)
        #expect(plain.targetMatchesSource("INBOX", "INBOX"))
        #expect(plain.targetMatchesSource("Work", "Work"))
        #expect(try await plain.verify().passed)
    }

    @Test("a target with labels: a second identical message of one folder and a message whose flags differ between folders are uploaded")
    func labelOnlyTheSameMessage() async throws {
        let harness = try MailHarness(target: FakeMailStore(side: .target, hasLabels: true))
        let twice = SampleMessages.message(id: "twice")
        var flagged = SampleMessages.message(id: "flags-differ", bodyBytes: 300)
        harness.source.seed([twice, flagged], into: "INBOX", of: alice)
        flagged.flags = ["\\Flagged"]
        harness.source.seed([twice, twice, flagged], into: "Work", of: alice)
        let report = try await harness.apply().report
        #expect(report.succeeded, "\(report.failed.map(\.outcome))")
        #expect(harness.target.counters.labelStores == 1, "only the first 'twice' of Work is labelled")
        #expect(harness.target.counters.appendedMessages == 4)
        #expect(harness.targetMatchesSource("INBOX", "INBOX"))
        #expect(harness.targetMatchesSource("Work", "Work"))
        let verified = try await harness.verify()
        #expect(verified.passed, "\(verified.mailboxes.flatMap(\.folders).filter { !$0.passed })")
        #expect(try await harness.plan().steps.isEmpty)
    }

    @Test("a target with labels gets a message of two source folders once, then a label, never a second upload; verify passes")
    func labelOnTarget() async throws {
        let harness = try MailHarness(target: FakeMailStore(side: .target, hasLabels: true))
        let shared = SampleMessages.message(id: "in-both")
        let inbox = [shared] + SampleMessages.make(2, tag: "inbox")
        let work = [shared] + SampleMessages.make(1, tag: "work", firstDay: 20)
        harness.source.seed(inbox, into: "INBOX", of: alice)
        harness.source.seed(work, into: "Work", of: alice)

        let report = try await harness.apply().report
        #expect(report.succeeded, "\(report.failed.map(\.outcome))")
        #expect(harness.target.counters.appendedMessages == 4, "the message of both folders is uploaded once")
        #expect(harness.target.counters.labelStores == 1)
        #expect(harness.targetMatchesSource("INBOX", "INBOX"))
        #expect(harness.targetMatchesSource("Work", "Work"))
        let result = try #require(try harness.record()?.lastResult)
        #expect(result.labelled == 1)
        #expect(result.copied == 4)
        let verified = try await harness.verify()
        #expect(verified.passed, "\(verified.mailboxes.flatMap(\.folders).filter { !$0.passed })")
        #expect(try await harness.plan().steps.isEmpty)
    }

    @Test("the keyword of a label: the target path as an IMAP atom, non-ASCII in modified UTF-7")
    func keywordNames() {
        #expect(LabelKeyword.of("Work") == "Work")
        #expect(LabelKeyword.of("Travel/2026") == "Travel/2026")
        #expect(LabelKeyword.of("Sent Items") == "Sent_Items")
        #expect(LabelKeyword.of("[Gmail]/Starred") == "_Gmail_/Starred")
        #expect(LabelKeyword.of("Überweisungen") == "&ANw-berweisungen")
        #expect(LabelKeyword.of("R&D") == "R&-D")
        #expect(LabelKeyword.of("日本語") == "&ZeVnLIqe-")
    }
}
