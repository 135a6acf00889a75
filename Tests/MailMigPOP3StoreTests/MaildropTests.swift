import MailMigCore
import MailMigPOP3
import Testing
@testable import MailMigPOP3Store

/// The listing becomes the maildrop, or is refused when messages cannot keep their identity.
@Suite("POP3 store: the maildrop listing")
struct MaildropTests {
    @Test("each message is keyed by its unique-id, in message-number order; a selection keeps that order")
    func keys() throws {
        let maildrop = try Maildrop([POP3MessageInfo(number: 1, size: 10, uniqueID: "b"), POP3MessageInfo(number: 2, size: 20, uniqueID: "a"),
                                     POP3MessageInfo(number: 3, size: 30, uniqueID: "0042")])
        #expect(maildrop.entries.map(\.key) == [.name("b"), .name("a"), .name("0042")])
        #expect(maildrop.entries(.uids([.name("0042"), .name("b"), .name("zz"), .uid(1)])).map(\.number) == [1, 3])
        #expect(maildrop.entry(.name("a"))?.size == 20)
    }

    @Test("two messages with one unique-id are refused, naming both and the unique-id")
    func duplicate() {
        let error = #expect(throws: MailStoreError.self) {
            try Maildrop([POP3MessageInfo(number: 1, size: 1, uniqueID: "x"), POP3MessageInfo(number: 2, size: 1, uniqueID: "y"),
                          POP3MessageInfo(number: 3, size: 1, uniqueID: "x")])
        }
        #expect(error?.kind == .failed)
        #expect(error?.reason.contains("messages 1 and 3 the same unique-id \"x\"") == true)
    }

    @Test("a message UIDL left out is refused, never skipped")
    func missing() {
        let error = #expect(throws: MailStoreError.self) {
            try Maildrop([POP3MessageInfo(number: 1, size: 1, uniqueID: "x"), POP3MessageInfo(number: 2, size: 1, uniqueID: nil)])
        }
        #expect(error?.kind == .failed)
        #expect(error?.reason.contains("message 2 no unique-id") == true)
    }

    @Test("the change tag is the same for the same unique-ids and differs when one is replaced, however the count stays")
    func changeTag() throws {
        let listing = (1...3).map { POP3MessageInfo(number: $0, size: 10, uniqueID: "id-\($0)") }
        let tag = try Maildrop(listing).changeTag
        #expect(try Maildrop(listing).changeTag == tag)
        var replaced = listing
        replaced[0] = POP3MessageInfo(number: 1, size: 10, uniqueID: "id-4")
        #expect(try Maildrop(replaced).changeTag != tag)
        // Joined without a separator, "id-1" + "id-23" would read like "id-1id-2" + "3".
        #expect(Maildrop.changeTag(of: ["ab", "c"]) != Maildrop.changeTag(of: ["a", "bc"]))
        #expect(try Maildrop([]).changeTag > 0)
        #expect([tag, Maildrop.changeTag(of: ["x"])].allSatisfy { $0 < 1 << 53 })
    }
}
