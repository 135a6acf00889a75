import Foundation
import Testing
@testable import MailMigCore

/// Keyword case, second copies and values the target rewrote, on fabricated listings.
@Suite("Verify: keyword case, duplicates, target rewrites")
struct FieldFaultComparisonTests {
    typealias Fixture = FolderComparisonTests

    @Test("keywords differing only in case are the same keyword (RFC 3501 §9)")
    func keywordCase() {
        var source = Fixture.consistent.source
        source.messages[0].flags = ["$MdnSent", "\\Seen"]
        source.ledger[0].flags = ["$MdnSent", "\\Seen"]
        var target = Fixture.consistent.target
        target.messages[0].flags = ["$MDNSent", "\\Seen"]
        let folder = FolderComparison.compare(sources: [source], target: target).folders[0]
        #expect(folder.passed, "\(folder.flagMismatches)")
        #expect(MessageFlags.same(["$MDNSent", "\\SEEN", "\\Recent"], ["\\Seen", "$mdnsent"]))
        #expect(!MessageFlags.same(["$Forwarded"], ["$Forwarded", "\\Seen"]))
        #expect(MessageFlags.storable(["$MdnSent", "$MDNSent", "\\Recent", "\\Seen"]) == ["$MDNSent", "\\Seen"])
    }

    @Test("a second copy of a message mailmig copied is a difference; another message nobody copied stays a warning")
    func secondCopy() {
        var target = Fixture.consistent.target
        target.messages.append(Fixture.message(14, id: "<a>"))
        target.messages.append(Fixture.message(15, id: "<someone-else>", size: 999))
        let folder = FolderComparison.compare(sources: [Fixture.consistent.source], target: target).folders[0]
        #expect(folder.duplicates.map(\.targetUID) == [14])
        #expect(folder.extra.map(\.targetUID) == [15])
        #expect(!folder.passed && folder.differences == 1)
    }

    @Test("a date the target rewrote on APPEND, as recorded then, is reported, not a failure; another date change still fails")
    func rewrittenDate() {
        var source = Fixture.consistent.source
        source.messages[0].internalDate = "01-Jan-2040 10:00:00 +0000"
        source.ledger[0].internalDate = "01-Jan-2040 10:00:00 +0000"
        source.rewrites = [TargetRewrite(mailbox: "a@acme.test", folder: "INBOX", uidValidity: 7, uid: 1, attribute: .internalDate,
                                         sent: "01-Jan-2040 10:00:00 +0000", stored: "30-Nov-2026 21:37:01 +0000")]
        var target = Fixture.consistent.target
        target.messages[0].internalDate = "30-Nov-2026 21:37:01 +0000"
        let folder = FolderComparison.compare(sources: [source], target: target).folders[0]
        #expect(folder.passed, "\(folder.dateMismatches)")
        #expect(folder.targetRewrites.count == 1)
        // The target changed the date again since: that is no limit of the server, but a difference.
        target.messages[0].internalDate = "01-Dec-2026 08:00:00 +0000"
        let changed = FolderComparison.compare(sources: [source], target: target).folders[0]
        #expect(changed.dateMismatches.count == 1 && changed.targetRewrites.isEmpty)
    }

    @Test("a verification recorded before duplicates and rewrites existed still reads")
    func olderRecord() throws {
        var folder = FolderVerification(source: "INBOX", target: "INBOX", targetExists: true)
        folder.expected = 3
        var object = try #require(JSONSerialization.jsonObject(with: JSONEncoder().encode(folder)) as? [String: Any])
        object.removeValue(forKey: "duplicates")
        object.removeValue(forKey: "targetRewrites")
        let decoded = try JSONDecoder().decode(FolderVerification.self, from: JSONSerialization.data(withJSONObject: object))
        #expect(decoded == folder)
    }
}

/// Many-to-one folder mappings are found before anything is copied.
@Suite("Mail: folder collisions")
struct FolderCollisionTests {
    static func listing(_ path: String, role: String? = nil) -> FolderListing {
        FolderListing(levels: path.split(separator: "/").map(String.init), specialUse: role)
    }

    @Test("Clubs/chess.com and Clubs/chess_com from a / server both become Clubs/chess_com on a . server: refused, with the way out")
    func delimiterRename() {
        let plan = FolderMapper.map(source: [Self.listing("INBOX"), Self.listing("Clubs/chess.com"), Self.listing("Clubs/chess_com")],
                                    target: [], rules: FolderRules.standard, targetDelimiter: ".")
        #expect(plan.collisions.map(\.target) == ["Clubs/chess_com"])
        #expect(plan.collisions.first?.sources == ["Clubs/chess.com", "Clubs/chess_com"])
        let error = plan.collisionError
        #expect(error?.contains("folders.map") == true)
        #expect(plan.renames == ["Clubs/chess.com → Clubs/chess_com"])
    }

    @Test("a folders.map entry onto a folder that exists, or onto a role folder, and INBOX in two cases collide")
    func otherKinds() {
        var rules = FolderRules.standard
        rules.map = ["Old Sent": "Sent"]
        let mapped = FolderMapper.map(source: [Self.listing("Sent"), Self.listing("Old Sent")], target: [], rules: rules, targetDelimiter: "/")
        #expect(mapped.collisions.map(\.target) == ["Sent"])
        // Mapping the other one too is the deliberate merge `deliberateMerge` allows: the hint says so.
        #expect(mapped.collisionError?.contains("to merge them on purpose, give every one of them a folders.map entry") == true, "\(mapped.collisionError ?? "")")
        let ontoRole = FolderMapper.map(source: [Self.listing("Sent", role: "\\Sent"), Self.listing("Old Sent")],
                                        target: [Self.listing("Sent", role: "\\Sent")], rules: rules, targetDelimiter: "/")
        #expect(ontoRole.collisions.map(\.target) == ["Sent"])
        let inbox = FolderMapper.map(source: [Self.listing("INBOX"), Self.listing("Inbox")], target: [], rules: FolderRules.standard, targetDelimiter: "/")
        #expect(inbox.collisions.count == 1)
    }

    @Test("folders that all carry the target folder's SPECIAL-USE role go there together (automap), unless automap is off")
    func roleMerge() {
        let source = [Self.listing("Sent", role: "\\Sent"), Self.listing("Sent Messages", role: "\\Sent")]
        let roles = FolderMapper.map(source: source, target: [Self.listing("Sent", role: "\\Sent")], rules: FolderRules.standard, targetDelimiter: "/")
        #expect(roles.mappings.map(\.target) == ["Sent", "Sent"])
        #expect(roles.collisions.isEmpty)
        var manual = FolderRules.standard
        manual.automap = false
        let apart = FolderMapper.map(source: source, target: [Self.listing("Sent", role: "\\Sent")], rules: manual, targetDelimiter: "/")
        #expect(apart.mappings.map(\.target) == ["Sent", "Sent Messages"])
    }

    @Test("names that differ only in Unicode normalization collide even when a folders.map entry names them, and the message tells them apart")
    func normalization() throws {
        let composed = "\u{DC}berweisungen"
        let decomposed = "U\u{308}berweisungen"
        #expect(composed == decomposed, "Swift compares them canonically")
        var rules = FolderRules.standard
        rules.map = [decomposed: "Transfers"]
        let plan = FolderMapper.map(source: [Self.listing(composed), Self.listing(decomposed)], target: [], rules: rules, targetDelimiter: "/")
        #expect(plan.collisions.count == 1)
        let error = try #require(plan.collisionError)
        #expect(error.contains("(composed, NFC)") && error.contains("(decomposed, NFD)"), "\(error)")
        #expect(error.contains("Unicode normalization"))
    }

    @Test("a merge whose every folder has its own folders.map entry is deliberate and allowed")
    func deliberateMerge() {
        var rules = FolderRules.standard
        rules.map = ["Sent": "Sent", "Old Sent": "Sent"]
        let plan = FolderMapper.map(source: [Self.listing("Sent"), Self.listing("Old Sent")], target: [], rules: rules, targetDelimiter: "/")
        #expect(plan.collisions.isEmpty)
    }
}
