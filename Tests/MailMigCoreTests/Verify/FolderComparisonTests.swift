import Foundation
import Testing
@testable import MailMigCore

/// The comparison of fabricated source and target listings.
@Suite("Verify: folder comparison")
struct FolderComparisonTests {
    static let mapping = FolderMapping(source: "INBOX", target: "INBOX", rule: .sameName, note: nil)
    static let date = "01-Jan-2024 10:00:00 +0000"

    static func message(_ uid: MessageKey, id: String?, size: Int = 100, date: String = date, flags: [String] = []) -> MessageFacts {
        MessageFacts(uid: uid, messageID: id, size: size, internalDate: date, flags: flags)
    }

    static func ledger(_ uid: MessageKey, id: String?, size: Int = 100, flags: [String] = [], targetUID: MessageKey?, folder: String = "INBOX") -> LedgerEntry {
        LedgerEntry(mailbox: "a@acme.test", folder: "INBOX", uidValidity: 7, uid: uid, messageID: id, size: size, internalDate: date,
                    sha256: "", flags: flags, targetFolder: folder, targetUIDValidity: targetUID == nil ? nil : 70, targetUID: targetUID)
    }

    static func source(_ messages: [MessageFacts], ledger: [LedgerEntry], skipped: [SkippedMessage] = [], syncedBelow: UInt32? = 100,
                       onlyLedger: Bool = false) -> SourceFolderInput {
        SourceFolderInput(mapping: mapping, messages: messages, ledger: ledger, skipped: skipped, syncedBelow: syncedBelow, onlyLedger: onlyLedger)
    }

    static func target(_ messages: [MessageFacts]) -> TargetFolderInput {
        TargetFolderInput(path: "INBOX", exists: true, uidValidity: 70, messages: messages)
    }

    /// Three messages copied, all three on the target with the same flags and dates.
    static let consistent = (
        source: source([message(1, id: "<a>", flags: ["\\Seen"]), message(2, id: "<b>"), message(3, id: "<c>", size: 300)],
                       ledger: [ledger(1, id: "<a>", flags: ["\\Seen"], targetUID: 11), ledger(2, id: "<b>", targetUID: 12),
                                ledger(3, id: "<c>", size: 300, targetUID: 13)]),
        target: target([message(11, id: nil, flags: ["\\Seen", "\\Recent"]), message(12, id: nil), message(13, id: nil, size: 300)])
    )

    @Test("identical folders pass, with counts and byte sums, \\Recent ignored")
    func identical() {
        let (folders, pairs) = FolderComparison.compare(sources: [Self.consistent.source], target: Self.consistent.target)
        let folder = folders[0]
        #expect(folder.passed)
        #expect(folder.expected == 3)
        #expect(folder.found == 3)
        #expect(folder.expectedBytes == 500)
        #expect(folder.foundBytes == 500)
        #expect(folder.messageIDsMatch)
        #expect(folder.extra.isEmpty)
        #expect(pairs.map(\.target.uid).sorted() == [11, 12, 13])
    }

    @Test("a message deleted on the target is missing; a changed flag is a mismatch; nothing else is reported")
    func missingAndFlag() {
        var target = Self.consistent.target
        target.messages.removeAll { $0.uid == 12 }
        target.messages[0].flags = ["\\Flagged", "\\Seen"]
        let folder = FolderComparison.compare(sources: [Self.consistent.source], target: target).folders[0]
        #expect(!folder.passed)
        #expect(folder.differences == 2)
        #expect(folder.missing.map(\.sourceUID) == [2])
        #expect(folder.missing.first?.messageID == "<b>")
        #expect(folder.flagMismatches.count == 1)
        #expect(folder.flagMismatches.first?.source == "\\Seen")
        #expect(folder.flagMismatches.first?.target == "\\Flagged \\Seen")
        #expect(folder.found == 2)
        #expect(folder.extra.isEmpty)
        #expect(folder.dateMismatches.isEmpty)
    }

    @Test("a message on the target that mailmig did not copy is a warning, not a difference")
    func extra() {
        var target = Self.consistent.target
        target.messages.append(Self.message(14, id: "<other>"))
        let folder = FolderComparison.compare(sources: [Self.consistent.source], target: target).folders[0]
        #expect(folder.passed)
        #expect(folder.extra.map(\.targetUID) == [14])
        #expect(folder.extra.first?.messageID == "<other>")
    }

    @Test("an internal date is compared as an instant, so another zone is no difference; another instant is")
    func dates() {
        var target = Self.consistent.target
        target.messages[1].internalDate = "01-Jan-2024 11:00:00 +0100"
        target.messages[2].internalDate = "02-Jan-2024 10:00:00 +0000"
        let folder = FolderComparison.compare(sources: [Self.consistent.source], target: target).folders[0]
        #expect(folder.dateMismatches.map(\.message.sourceUID) == [3])
        #expect(folder.dateMismatches.first?.target == "02-Jan-2024 10:00:00 +0000")
    }

    @Test("a size that differs is a difference")
    func size() {
        var target = Self.consistent.target
        target.messages[2].size = 299
        let folder = FolderComparison.compare(sources: [Self.consistent.source], target: target).folders[0]
        #expect(folder.sizeMismatches.count == 1)
        #expect(folder.foundBytes == 499)
        #expect(!folder.passed)
    }

    @Test("skipped messages are listed, not expected; new mail after the last pass is noted, not expected")
    func skippedAndNew() {
        let skip = SkippedMessage(mailbox: "a@acme.test", folder: "INBOX", uidValidity: 7, uid: 4, size: 50_000_000, internalDate: nil,
                                  messageID: "<big>", reason: "larger than filters.max_message_size (35MB)")
        var input = Self.consistent.source
        input.messages += [Self.message(4, id: nil, size: 50_000_000), Self.message(200, id: "<new>")]
        input.skipped = [skip]
        let folder = FolderComparison.compare(sources: [input], target: Self.consistent.target).folders[0]
        #expect(folder.passed)
        #expect(folder.skipped.map(\.message.sourceUID) == [4])
        #expect(folder.skipped.first?.message.messageID == "<big>")
        #expect(folder.skipped.first?.reason.contains("35MB") == true)
        #expect(folder.notCopiedYet == 1)
        #expect(folder.expected == 3)
    }

    @Test("a message from before the last full pass that is neither copied nor skipped is missing")
    func unrecordedBeforeLastPass() {
        var input = Self.consistent.source
        input.messages.append(Self.message(5, id: "<lost>"))
        #expect(FolderComparison.unrecordedExpected(input) == [5])
        let folder = FolderComparison.compare(sources: [input], target: Self.consistent.target).folders[0]
        #expect(folder.missing.map(\.sourceUID) == [5])
    }

    @Test("without target UIDs in the ledger, messages match by Message-ID, size and date")
    func keyMatching() {
        let input = Self.source([Self.message(1, id: "<a>"), Self.message(2, id: "<b>"), Self.message(3, id: "<b>", size: 200)],
                                ledger: [Self.ledger(1, id: "<a>", targetUID: nil), Self.ledger(2, id: "<b>", targetUID: nil),
                                         Self.ledger(3, id: "<b>", size: 200, targetUID: nil)])
        let target = Self.target([Self.message(30, id: "<b>", size: 200), Self.message(31, id: "<a>"), Self.message(32, id: "<b>", date: "05-Jan-2024 10:00:00 +0000")])
        let (folders, pairs) = FolderComparison.compare(sources: [input], target: target)
        #expect(Dictionary(uniqueKeysWithValues: pairs.map { ($0.source.uid, $0.target.uid) }) == [1: 31, 3: 30])
        #expect(folders[0].missing.map(\.sourceUID) == [2])
        #expect(folders[0].extra.map(\.targetUID) == [32])
        #expect(!folders[0].messageIDsMatch)
    }

    @Test("a flag changed on the source after the last pass is pending, not a difference")
    func flagNotCarriedYet() {
        var input = Self.consistent.source
        input.messages[1].flags = ["\\Answered"]
        let folder = FolderComparison.compare(sources: [input], target: Self.consistent.target).folders[0]
        #expect(folder.passed)
        #expect(folder.flagsNotCarriedYet == 1)
    }

    @Test("at presync only what the ledger holds is expected")
    func presync() {
        var input = Self.consistent.source
        input.onlyLedger = true
        input.syncedBelow = nil
        input.messages.append(Self.message(9, id: "<recent>"))
        let folder = FolderComparison.compare(sources: [input], target: Self.consistent.target).folders[0]
        #expect(folder.passed)
        #expect(folder.expected == 3)
        #expect(folder.notCopiedYet == 0)
        #expect(FolderComparison.unrecordedExpected(input).isEmpty)
    }

    @Test("a copied message deleted on the source since is not an extra on the target")
    func deletedOnSource() {
        var input = Self.consistent.source
        input.messages.removeAll { $0.uid == 3 }
        let folder = FolderComparison.compare(sources: [input], target: Self.consistent.target).folders[0]
        #expect(folder.passed)
        #expect(folder.deletedOnSource == 1)
        #expect(folder.extra.isEmpty)
        #expect(folder.expected == 2)
    }

    @Test("a missing target folder makes every expected message missing")
    func missingFolder() {
        let target = TargetFolderInput(path: "INBOX", exists: false, uidValidity: nil, messages: [])
        let folder = FolderComparison.compare(sources: [Self.consistent.source], target: target).folders[0]
        #expect(!folder.targetExists)
        #expect(folder.missing.count == 3)
        #expect(FolderComparison.ledgerClaims(sources: [Self.consistent.source], target: target).isEmpty)
    }

    @Test("ledger claims name exactly the target UIDs recorded for this target folder and UIDVALIDITY")
    func claims() {
        var input = Self.consistent.source
        input.ledger[0].targetUIDValidity = 69
        input.ledger[1].targetFolder = "Archive"
        #expect(FolderComparison.ledgerClaims(sources: [input], target: Self.consistent.target) == [13])
    }

    @Test("two source folders mapped to one target folder share its messages; extras go to the first")
    func twoSourcesOneTarget() {
        let first = Self.consistent.source
        var second = Self.source([Self.message(1, id: "<z>")], ledger: [Self.ledger(1, id: "<z>", targetUID: 20)])
        second.mapping = FolderMapping(source: "Old", target: "INBOX", rule: .mapped, note: nil)
        second.ledger[0].folder = "Old"
        var target = Self.consistent.target
        target.messages += [Self.message(20, id: nil), Self.message(21, id: "<x>")]
        let folders = FolderComparison.compare(sources: [first, second], target: target).folders
        #expect(folders.map(\.found) == [3, 1])
        #expect(folders.allSatisfy { $0.passed })
        #expect(folders[0].extra.map(\.targetUID) == [21])
        #expect(folders[1].extra.isEmpty)
    }

    @Test("INTERNALDATE texts compare as instants; unreadable texts only equal themselves")
    func sameDate() {
        #expect(FolderComparison.sameDate("01-Jan-2024 10:00:00 +0000", "01-Jan-2024 05:00:00 -0500"))
        #expect(!FolderComparison.sameDate("01-Jan-2024 10:00:00 +0000", "01-Jan-2024 10:00:01 +0000"))
        #expect(FolderComparison.sameDate(nil, nil))
        #expect(!FolderComparison.sameDate("x", nil))
        #expect(FolderComparison.sameDate("garbage", "garbage"))
        #expect(!FolderComparison.sameDate("garbage", "other"))
    }
}
