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
}
