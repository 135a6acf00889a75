import Foundation
import MailMigCore
import Testing

/// What every state backend must do, whatever it stores in: each check takes a backend whose state
/// does not exist yet, and is run by each backend's own tests (`@Test(arguments: StateBackendConformance.allCases)`).
///
/// The checks speak only `StateBackend`, `StateStore` and `StateLock`: serials and history, one
/// transaction per call, the journal, the ledger, skipped messages and target rewrites, message keys,
/// and the lock with its holder record. What a backend stores beyond that (files, modes, schema
/// upgrades from its own earlier releases) its own tests check.
public enum StateBackendConformance: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case newState = "a new state has a lineage, serial 0 and a schema version, and reopens the same"
    case openIfPresentCreatesNothing = "openIfPresent finds no state where there is none, and creates none"
    case serialPerChange = "the serial increments once per committed change"
    case noOpWrites = "a write that changes nothing does not increment the serial"
    case historyAndAsOf = "history keeps every change newest first; resources(asOf:) returns values as they were"
    case resourceOrderAndBytes = "resources sort by address byte by byte, and attributes come back byte for byte"
    case concurrentCommits = "commits from many threads at once each take one serial"
    case journal = "the journal records steps; journalDone commits the step with its changes"
    case applies = "applies are listed newest first, and interrupted ones keep the serial they reached"
    case ledger = "the ledger: pending chunks, commits, totals, flags, forgetting and target keys"
    case keysStayApart = "a name made of digits and the UID of the same digits are two messages"
    case skippedAndRewrites = "skipped messages and target rewrites are recorded once per message"
    case itemLedger = "item rows are kept per mailbox, collection and href, replaced whole, pending and conflicts included"
    case lockSecondAcquire = "a second lock fails with .locked naming the operation, the pid and the lock id"
    case lockRelease = "release frees the lock and clears the record"
    case lockWaits = "with a timeout, lock waits for the holder to finish"
    case lockTimesOut = "with a timeout, lock gives up after it with .lockTimeout"
    case forceUnlockHeld = "force-unlock refuses a lock a live holder has, and a wrong id"

    /// The check's sentence, as test reports show it.
    public var testDescription: String { rawValue }

    /// Runs the check on a backend whose state does not exist yet.
    public func run(on backend: any StateBackend) throws {
        switch self {
        case .newState: try Self.newState(backend)
        case .openIfPresentCreatesNothing: try Self.openIfPresentCreatesNothing(backend)
        case .serialPerChange: try Self.serialPerChange(backend.open())
        case .noOpWrites: try Self.noOpWrites(backend.open())
        case .historyAndAsOf: try Self.historyAndAsOf(backend.open())
        case .resourceOrderAndBytes: try Self.resourceOrderAndBytes(backend.open())
        case .concurrentCommits: try Self.concurrentCommits(backend.open())
        case .journal: try Self.journal(backend.open())
        case .applies: try Self.applies(backend.open())
        case .ledger: try Self.ledger(backend.open())
        case .keysStayApart: try Self.keysStayApart(backend.open())
        case .skippedAndRewrites: try Self.skippedAndRewrites(backend.open())
        case .itemLedger: try Self.itemLedger(backend.open())
        case .lockSecondAcquire: try Self.lockSecondAcquire(backend)
        case .lockRelease: try Self.lockRelease(backend)
        case .lockWaits: try Self.lockWaits(backend)
        case .lockTimesOut: try Self.lockTimesOut(backend)
        case .forceUnlockHeld: try Self.forceUnlockHeld(backend)
        }
    }

    /// Whether two lock records name the same holder; stores may keep `since` less precisely.
    public static func sameHolder(_ lhs: LockInfo?, _ rhs: LockInfo) -> Bool {
        guard let lhs else { return false }
        return lhs.id == rhs.id && lhs.operation == rhs.operation && lhs.who == rhs.who && lhs.pid == rhs.pid
            && abs(lhs.since.timeIntervalSince(rhs.since)) < 1
    }

    // MARK: Meta and resources

    private struct Note: Codable, Equatable {
        var text: String
    }

    private static func note(_ data: Data?) throws -> Note? {
        try data.map { try StateCoding.decoder.decode(Note.self, from: $0) }
    }

    private static func newState(_ backend: any StateBackend) throws {
        let meta = try backend.open().meta()
        #expect(meta.serial == 0)
        #expect(meta.schemaVersion > 0)
        #expect(UUID(uuidString: meta.lineage) != nil)
        #expect(try backend.open().meta() == meta)
        #expect(try backend.openIfPresent()?.meta() == meta)
    }

    private static func openIfPresentCreatesNothing(_ backend: any StateBackend) throws {
        #expect(try backend.openIfPresent() == nil)
        #expect(try backend.openIfPresent() == nil, "the first openIfPresent created a state")
        #expect(backend.lockHolder() == nil)
        try backend.open().commit([.put("a", kind: "note", Note(text: "1"))])
        let store = try #require(try backend.openIfPresent())
        #expect(try store.resources().map(\.address) == ["a"])
    }

    private static func serialPerChange(_ store: any StateStore) throws {
        #expect(try store.commit([.put("a", kind: "note", Note(text: "1")), .put("b", kind: "note", Note(text: "1"))]) == 1)
        #expect(try store.commit([.put("a", kind: "note", Note(text: "2"))]) == 2)
        #expect(try store.commit([.remove(address: "b")]) == 3)
        #expect(try store.commit([]) == 3)
        #expect(try store.meta().serial == 3)
        #expect(try store.resources().map(\.address) == ["a"])
        #expect(try store.resource("a")?.serial == 2)
        #expect(try store.resource("a")?.kind == "note")
        #expect(try store.resource("a")?.decode(Note.self) == Note(text: "2"))
        #expect(try store.resource("b") == nil)
    }

    private static func noOpWrites(_ store: any StateStore) throws {
        try store.commit([.put("a", kind: "note", Note(text: "1"))])
        #expect(try store.commit([.put("a", kind: "note", Note(text: "1"))]) == 1)
        #expect(try store.commit([.remove(address: "missing")]) == 1)
        #expect(try store.meta().serial == 1)
        #expect(try store.history().count == 1)
    }

    private static func historyAndAsOf(_ store: any StateStore) throws {
        try store.commit([.put("a", kind: "note", Note(text: "1"))], applyID: "first")   // serial 1
        try store.commit([.put("a", kind: "note", Note(text: "2")), .put("b", kind: "note", Note(text: "x"))])  // 2
        try store.commit([.remove(address: "a")])  // 3

        let history = try store.history()
        #expect(history.map(\.serial) == [3, 2, 2, 1])
        #expect(history.map(\.action) == ["remove", "put", "put", "put"])
        #expect(history.last?.applyID == "first")
        #expect(history.first?.applyID == nil)
        #expect(history.last?.before == nil)
        #expect(try note(history.first?.before) == Note(text: "2"))
        #expect(try store.history(address: "a").map(\.serial) == [3, 2, 1])
        #expect(try store.history(address: "a").first?.after == nil)
        #expect(try store.history(limit: 2).map(\.serial) == [3, 2])
        #expect(try store.history(kind: "note").map(\.serial) == [1, 2, 2, 3], "the report's audit trail is oldest first")
        #expect(try store.history(kind: "other").isEmpty)

        let atOne = try store.resources(asOf: 1)
        #expect(Set(atOne.keys) == ["a", "b"])
        #expect(try note(atOne["a"]?.attributes) == Note(text: "1"))
        #expect(atOne["b"]?.attributes == nil)
        #expect(atOne["a"]?.kind == "note")
        let atTwo = try store.resources(asOf: 2)
        #expect(Set(atTwo.keys) == ["a"])
        #expect(try note(atTwo["a"]?.attributes) == Note(text: "2"))
        #expect(try store.resources(asOf: 3).isEmpty)
    }

    private static func resourceOrderAndBytes(_ store: any StateStore) throws {
        // "a.test0" is where the range of "a.test/" ends; "e\u{301}" is an e and a combining accent, two
        // characters to SQLite and one to Swift.
        let addresses = ["b.test/x", "a.test/Z", "a.test/a", "a.test/é", "A.test/a", "a.test/_", "a.test0", "a.test/e\u{301}x"]
        let bytes = Data([0, 1, 2, 0xFF, 0xFE, 0x80, 0x7F, 10, 13])
        try store.commit(addresses.map { .put(address: $0, kind: "raw", attributes: bytes) })
        #expect(try store.resources().map(\.address) == addresses.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) })
        #expect(try store.resources(prefix: "a.test/").map(\.address) == ["a.test/Z", "a.test/_", "a.test/a", "a.test/e\u{301}x", "a.test/é"])
        #expect(try store.resources(prefix: "a.test").map(\.address).last == "a.test0")
        #expect(try store.resources(prefix: "a.test/e\u{301}").map { Array($0.address.utf8) } == [Array("a.test/e\u{301}x".utf8)],
                "a prefix that ends in a character beyond ASCII, counted as the backend counts it")
        #expect(try store.resources(prefix: "a.test/%").isEmpty, "a prefix is text, not a pattern")
        #expect(try store.resource("a.test/é")?.attributes == bytes)
        let updated = try #require(try store.resource("b.test/x")?.updatedAt)
        #expect(abs(updated.timeIntervalSinceNow) < 60)
    }

    private static func concurrentCommits(_ store: any StateStore) throws {
        let threads = 6, commits = 8
        let failures = Failures()
        DispatchQueue.concurrentPerform(iterations: threads) { thread in
            for index in 0..<commits {
                do {
                    try store.commit([.put("shared", kind: "note", Note(text: "\(thread)-\(index)")),
                                      .put("thread-\(thread)", kind: "note", Note(text: "\(index)"))])
                } catch {
                    failures.add("\(error)")
                }
            }
        }
        #expect(failures.all.isEmpty, "\(failures.all)")
        #expect(try store.meta().serial == threads * commits)
        let serials = try store.history(limit: 1_000).map(\.serial)
        #expect(serials.count == 2 * threads * commits)
        #expect(Set(serials) == Set(1...(threads * commits)), "each commit took one serial of its own")
        #expect(try store.history(address: "shared").count == threads * commits)
    }

    // MARK: Applies and their journal

    private static func journal(_ store: any StateStore) throws {
        try store.beginApply(id: "apply-1", operation: "apply")
        try store.journalPending(applyID: "apply-1", stepID: "s1", address: "a", step: Data("one".utf8))
        try store.journalPending(applyID: "apply-1", stepID: "s2", address: "b", step: Data("two".utf8))
        try store.journalPending(applyID: "apply-1", stepID: "s3", address: "c", step: Data("three".utf8))
        #expect(try store.pendingSteps().map(\.stepID) == ["s1", "s2", "s3"])

        #expect(try store.journalDone(applyID: "apply-1", stepID: "s1", changes: [.put("a", kind: "note", Note(text: "1"))]) == 1)
        #expect(try store.resource("a")?.serial == 1)
        #expect(try store.history().first?.applyID == "apply-1")
        try store.journalFinish(applyID: "apply-1", stepID: "s2", status: .failed, error: "the server said no")
        // A step recorded again (a retry) is pending again, with its new content and no error.
        try store.journalPending(applyID: "apply-1", stepID: "s2", address: "b", step: Data("two again".utf8))
        try store.journalFinish(applyID: "apply-1", stepID: "s3", status: .skipped, error: nil)

        let entries = try store.journal(applyID: "apply-1")
        #expect(entries.map(\.stepID) == ["s1", "s2", "s3"])
        #expect(entries.map(\.status) == [.done, .pending, .skipped])
        #expect(entries.map(\.address) == ["a", "b", "c"])
        #expect(entries[1].step == Data("two again".utf8))
        #expect(entries[1].error == nil)
        #expect(try store.pendingSteps() == [entries[1]])
        #expect(try store.journal(applyID: "other").isEmpty)

        try store.journalFinish(applyID: "apply-1", stepID: "s2", status: .failed, error: "still no")
        #expect(try store.journal(applyID: "apply-1")[1].error == "still no")
        #expect(try store.pendingSteps().isEmpty)
        // A step with no changes commits nothing and keeps the serial.
        try store.journalPending(applyID: "apply-1", stepID: "s4", address: "d", step: Data())
        #expect(try store.journalDone(applyID: "apply-1", stepID: "s4", changes: []) == 1)
        #expect(try store.journal(applyID: "apply-1").last?.status == .done)
    }

    private static func applies(_ store: any StateStore) throws {
        try store.beginApply(id: "first", operation: "apply")
        try store.commit([.put("a", kind: "note", Note(text: "1"))], applyID: "first")
        try store.finishApply(id: "first", status: "succeeded", summary: "1 change")
        try store.beginApply(id: "second", operation: "rollback")
        try store.commit([.put("a", kind: "note", Note(text: "2"))], applyID: "second")
        try store.beginApply(id: "third", operation: "apply")

        let newestFirst = try store.applies()
        #expect(newestFirst.map(\.id) == ["third", "second", "first"])
        #expect(try store.applies(limit: 1).map(\.id) == ["third"])
        #expect(try store.allApplies().map(\.id) == ["first", "second", "third"])
        let first = try #require(newestFirst.last)
        #expect(first.operation == "apply")
        #expect(first.status == "succeeded")
        #expect(first.serialBefore == 0)
        #expect(first.serialAfter == 1)
        #expect(first.finishedAt.map { $0 >= first.startedAt } == true)
        #expect(newestFirst[1].operation == "rollback")
        #expect(newestFirst[1].finishedAt == nil)

        try store.markInterruptedApplies()
        let after = try store.allApplies()
        #expect(after.map(\.status) == ["succeeded", "interrupted", "interrupted"])
        #expect(after[1].serialBefore == 1)
        #expect(after[1].serialAfter == 2, "an interrupted apply keeps the serial it reached, for rollback")
        #expect(after[1].finishedAt != nil)
    }

    // MARK: Ledger

    private static func entry(_ key: MessageKey, mailbox: String = "alice@acme.test", folder: String = "INBOX", validity: UInt32 = 77,
                              size: Int = 100, flags: [String] = [], target: MessageKey? = nil, globalID: String? = nil) -> LedgerEntry {
        LedgerEntry(mailbox: mailbox, folder: folder, uidValidity: validity, uid: key, messageID: "<\(key)@x>", size: size,
                    internalDate: "01-Feb-2026 10:00:00 +0000", sha256: "aa\(key)", flags: flags, targetFolder: "Archive",
                    targetUIDValidity: target == nil ? nil : 4_000_000_000, targetUID: target, globalID: globalID)
    }

    private static func ledger(_ store: any StateStore) throws {
        // 10 has the source's own id (Gmail's X-GM-MSGID), which the ledger keeps with it.
        let gmailID = "1278455344230334865"
        let chunk = [entry(10, flags: ["\\Seen", "$Label"], globalID: gmailID), entry(9), entry(11, size: 300)]
        try store.recordPendingCopies(chunk)
        try store.recordPendingCopies([entry(11, size: 301)])
        #expect(try store.pendingCopies(mailbox: "alice@acme.test").map(\.uid) == [9, 10, 11])
        #expect(try store.pendingCopies(mailbox: "alice@acme.test").last?.size == 301, "a chunk recorded again replaces its rows")
        #expect(try store.pendingCopies(mailbox: "alice@acme.test").first?.targetUID == nil)
        #expect(try store.pendingCopies(mailbox: "alice@acme.test").map(\.globalID) == [nil, gmailID, nil])
        #expect(try store.pendingCopyCounts() == ["alice@acme.test": 3])

        let copied = [entry(10, flags: ["\\Seen", "$Label"], target: 3, globalID: gmailID), entry(9, target: 2)]
        try store.commitCopies(copied)
        #expect(try store.pendingCopies(mailbox: "alice@acme.test").map(\.uid) == [11])
        try store.dropPendingCopies([entry(11)])
        #expect(try store.pendingCopies(mailbox: "alice@acme.test").isEmpty)
        #expect(try store.pendingCopyCounts().isEmpty)

        let rows = try store.ledger(mailbox: "alice@acme.test")
        #expect(rows.map(\.uid) == [9, 10], "UIDs keep their numeric order")
        #expect(rows.last == entry(10, flags: ["$Label", "\\Seen"], target: 3, globalID: gmailID), "flags come back sorted, the id kept")
        #expect(rows.first?.globalID == nil)
        #expect(rows.last?.targetUIDValidity == 4_000_000_000)
        #expect(try store.ledger(mailbox: "alice@acme.test", folder: "Other").isEmpty)
        #expect(try store.ledgerCount(mailbox: "alice@acme.test", folder: nil) == 2)
        #expect(try store.ledgerCount(mailbox: "alice@acme.test", folder: "INBOX") == 2)
        #expect(try store.ledgerCount(mailbox: "alice@acme.test", folder: "Other") == 0)
        #expect(try store.ledgerCount(mailbox: "bob@acme.test", folder: nil) == 0)
        #expect(try store.ledgerUIDs(mailbox: "alice@acme.test", folder: "INBOX", uidValidity: 77) == [9, 10])
        #expect(try store.ledgerUIDs(mailbox: "alice@acme.test", folder: "INBOX", uidValidity: 78).isEmpty)
        #expect(try store.ledger(mailbox: "alice@acme.test", folder: "INBOX", uidValidity: 77, uids: [10, 11]).map(\.uid) == [10])
        #expect(try store.ledger(mailbox: "alice@acme.test", folder: "INBOX", uidValidity: 77, uids: []).isEmpty)
        #expect(try store.targetUIDs(mailbox: "alice@acme.test", targetFolder: "Archive", targetUIDValidity: 4_000_000_000) == [2, 3])
        let totals = try store.ledgerTotals()
        #expect(totals.count == 1)
        #expect(totals["alice@acme.test"]?.messages == 2)
        #expect(totals["alice@acme.test"]?.bytes == 200)

        try store.updateLedgerFlags(mailbox: "alice@acme.test", folder: "INBOX", uidValidity: 77, flags: [9: ["\\Flagged", "\\Answered"]])
        #expect(try store.ledger(mailbox: "alice@acme.test").first?.flags == ["\\Answered", "\\Flagged"])

        try store.rekey(mailbox: "alice@acme.test", folder: "INBOX", from: 77, to: 90, uids: [(old: 9, new: 109), (old: 10, new: 110)])
        #expect(try store.ledgerUIDs(mailbox: "alice@acme.test", folder: "INBOX", uidValidity: 77).isEmpty)
        #expect(try store.ledgerUIDs(mailbox: "alice@acme.test", folder: "INBOX", uidValidity: 90) == [109, 110])

        try store.forgetCopies([entry(109, validity: 90)])
        #expect(try store.ledger(mailbox: "alice@acme.test").map(\.uid) == [110])
        #expect(try store.ledger(mailbox: "bob@acme.test").isEmpty)
    }

    private static func keysStayApart(_ store: any StateStore) throws {
        func entry(_ key: MessageKey) -> LedgerEntry {
            LedgerEntry(mailbox: "a@acme.test", folder: "INBOX", uidValidity: 1, uid: key, messageID: nil, size: 1,
                        internalDate: "", sha256: "", flags: [], targetFolder: "INBOX", targetUIDValidity: 2, targetUID: key)
        }
        try store.commitCopies([entry(.uid(123)), entry(.name("123")), entry(.name("=x y"))])
        let keys = try store.ledgerUIDs(mailbox: "a@acme.test", folder: "INBOX", uidValidity: 1)
        #expect(keys == [.uid(123), .name("123"), .name("=x y")])
        #expect(try store.ledger(mailbox: "a@acme.test", folder: "INBOX").map(\.targetUID) == [.uid(123), .name("123"), .name("=x y")])
        #expect(try store.targetUIDs(mailbox: "a@acme.test", targetFolder: "INBOX", targetUIDValidity: 2) == [.uid(123), .name("123"), .name("=x y")])
        #expect(try store.ledger(mailbox: "a@acme.test", folder: "INBOX", uidValidity: 1, uids: [.name("123")]).map(\.uid) == [.name("123")])
        try store.rekey(mailbox: "a@acme.test", folder: "INBOX", from: 1, to: 5, uids: [(.name("123"), .name("456"))])
        #expect(try store.ledgerUIDs(mailbox: "a@acme.test", folder: "INBOX", uidValidity: 5) == [.name("456")])
        #expect(try store.ledgerUIDs(mailbox: "a@acme.test", folder: "INBOX", uidValidity: 1) == [.uid(123), .name("=x y")])
    }

    // MARK: Contacts and calendars

    private static func itemLedger(_ store: any StateStore) throws {
        let at = Date(timeIntervalSince1970: 1_780_000_000)
        let pending = ItemLedgerEntry(mailbox: "alice@acme.test", collection: "/alice/calendar/", href: "/alice/calendar/b%C3%A4r.ics", kind: .calendars,
                                      uid: "u-1", sourceETag: "\"s1\"", targetCollection: "/alice/calendar/", targetHref: "/alice/calendar/b%C3%A4r.ics",
                                      targetETag: nil, pending: true, updatedAt: at)
        let card = ItemLedgerEntry(mailbox: "alice@acme.test", collection: "/alice/contacts/", href: "/alice/contacts/1.vcf", kind: .contacts,
                                   uid: "urn:uuid:1", sourceETag: "\"c1\"", targetCollection: "/alice/Contacts/", targetHref: "/alice/Contacts/1.vcf",
                                   targetETag: "\"t1\"", pending: false, conflict: "refused by the target: 400 Bad Request", updatedAt: at)
        let other = ItemLedgerEntry(mailbox: "bob@acme.test", collection: "/bob/tasks/", href: "/bob/tasks/t.ics", kind: .tasks, uid: "t",
                                    sourceETag: "\"x\"", targetCollection: "/bob/tasks/", targetHref: "/bob/tasks/t.ics", targetETag: nil,
                                    pending: false, updatedAt: at)
        try store.recordItems([pending, card, other])
        #expect(try store.itemLedger(mailbox: "alice@acme.test") == [pending, card].sorted { ($0.collection, $0.href) < ($1.collection, $1.href) })
        var settled = pending
        settled.pending = false
        settled.targetETag = "\"t2\""
        settled.sourceETag = "\"s2\""
        try store.recordItems([settled])
        let alice = try store.itemLedger(mailbox: "alice@acme.test")
        #expect(alice.count == 2, "the row of the same key is replaced, not added")
        #expect(alice.first { $0.href == pending.href } == settled)
        #expect(try store.itemLedger(mailbox: "bob@acme.test") == [other])
        #expect(try store.itemLedger(mailbox: "carol@acme.test").isEmpty)
    }

    // MARK: Skipped messages and target rewrites

    private static func skippedAndRewrites(_ store: any StateStore) throws {
        let big = SkippedMessage(mailbox: "alice@acme.test", folder: "INBOX", uidValidity: 77, uid: 12, size: 40_000_000,
                                 internalDate: nil, messageID: nil, reason: "too large")
        let nul = SkippedMessage(mailbox: "alice@acme.test", folder: "Sent", uidValidity: 78, uid: .name("u-1"), size: 10,
                                 internalDate: "01-Feb-2026 10:00:00 +0000", messageID: "<n@x>", reason: "contains NUL bytes")
        let other = SkippedMessage(mailbox: "bob@acme.test", folder: "INBOX", uidValidity: 1, uid: 1, size: 1,
                                   internalDate: nil, messageID: nil, reason: "too large")
        try store.recordSkipped([nul, big, other])
        try store.recordSkipped([big])
        #expect(try store.skipped() == [big, nul, other])
        #expect(try store.skipped(mailbox: "bob@acme.test") == [other])
        #expect(try store.skippedUIDs(mailbox: "alice@acme.test", folder: "INBOX", uidValidity: 77) == [12])
        #expect(try store.skippedUIDs(mailbox: "alice@acme.test", folder: "Sent", uidValidity: 78) == [.name("u-1")])

        let date = TargetRewrite(mailbox: "alice@acme.test", folder: "INBOX", uidValidity: 77, uid: 10, attribute: .internalDate,
                                 sent: "19-Jan-2038 03:14:08 +0000", stored: "02-Dec-2026 11:00:00 +0000")
        let flags = TargetRewrite(mailbox: "alice@acme.test", folder: "INBOX", uidValidity: 77, uid: 10, attribute: .flags,
                                  sent: "$Odd", stored: "")
        let sent = TargetRewrite(mailbox: "alice@acme.test", folder: "Sent", uidValidity: 78, uid: .name("u-1"), attribute: .flags,
                                 sent: "$Odd", stored: "")
        try store.recordTargetRewrites([sent, flags, date])
        var changed = flags
        changed.stored = "$odd"
        try store.recordTargetRewrites([changed])
        #expect(try store.targetRewrites(mailbox: "alice@acme.test") == [changed, date, sent])
        #expect(try store.targetRewrites(mailbox: "alice@acme.test", folder: "Sent") == [sent])
        #expect(try store.targetRewrites(mailbox: "bob@acme.test").isEmpty)
    }

    // MARK: The lock

    private static func lockSecondAcquire(_ backend: any StateBackend) throws {
        let held = try backend.lock(operation: "apply", timeout: 0)
        defer { held.release() }
        #expect(held.info.operation == "apply")
        #expect(held.info.pid == getpid())
        #expect(held.info.who.contains("@"))
        do {
            _ = try backend.lock(operation: "plan", timeout: 0)
            Issue.record("the second lock succeeded")
        } catch {
            guard case .locked(let holder, _) = error else { Issue.record("not .locked: \(error)"); return }
            #expect(sameHolder(holder, held.info))
            let message = error.description
            #expect(message.hasPrefix("state is locked by apply (id \(held.info.id), \(held.info.who), pid \(getpid()), since "))
            #expect(message.hasSuffix("run `mailmig force-unlock \(held.info.id)`"))
        }
        #expect(sameHolder(backend.lockHolder(), held.info))
    }

    private static func lockRelease(_ backend: any StateBackend) throws {
        let held = try backend.lock(operation: "apply", timeout: 0)
        held.release()
        held.release()
        #expect(backend.lockHolder() == nil)
        #expect(throws: StateError.lockMismatch(given: held.info.id, current: nil), "release left the record behind") {
            try backend.forceUnlock(id: held.info.id)
        }
        let again = try backend.lock(operation: "rollback", timeout: 0)
        #expect(again.info.operation == "rollback")
        #expect(again.info.id != held.info.id)
        #expect(backend.lockHolder()?.operation == "rollback")
        again.release()
    }

    private static func lockWaits(_ backend: any StateBackend) throws {
        let held = try backend.lock(operation: "apply", timeout: 0)
        DispatchQueue.global().asyncAfter(deadline: .now() + .milliseconds(600)) { held.release() }
        let started = Date()
        let second = try backend.lock(operation: "plan", timeout: 5)
        #expect(Date().timeIntervalSince(started) >= 0.5)
        #expect(backend.lockHolder()?.operation == "plan")
        second.release()
    }

    private static func lockTimesOut(_ backend: any StateBackend) throws {
        let held = try backend.lock(operation: "apply", timeout: 0)
        defer { held.release() }
        let started = Date()
        let error = #expect(throws: StateError.self) { try backend.lock(operation: "plan", timeout: 1) }
        guard case .lockTimeout(let holder, let seconds) = error else { Issue.record("not .lockTimeout: \(String(describing: error))"); return }
        #expect(sameHolder(holder, held.info))
        #expect(seconds == 1)
        #expect(Date().timeIntervalSince(started) >= 1)
        #expect(StateError.lockTimeout(held.info, seconds: 1).description.hasSuffix("after waiting 1s"))
    }

    private static func forceUnlockHeld(_ backend: any StateBackend) throws {
        let held = try backend.lock(operation: "apply", timeout: 0)
        defer { held.release() }
        let error = #expect(throws: StateError.self) { try backend.forceUnlock(id: held.info.id) }
        guard case .lockHeld(let holder) = error else { Issue.record("not .lockHeld: \(String(describing: error))"); return }
        #expect(sameHolder(holder, held.info))
        #expect(throws: StateError.lockMismatch(given: "nope", current: held.info.id)) { try backend.forceUnlock(id: "nope") }
        #expect(sameHolder(backend.lockHolder(), held.info))
    }
}

/// Errors collected from several threads.
private final class Failures: @unchecked Sendable {
    // `items` is guarded by `lock`.
    private let lock = NSLock()
    private var items: [String] = []

    func add(_ item: String) {
        lock.lock()
        items.append(item)
        lock.unlock()
    }

    var all: [String] {
        lock.lock()
        defer { lock.unlock() }
        return items
    }
}
