@testable import MailMigCore
import Testing

/// What the ledger keeps of a message's header: its Message-ID.
@Suite("Message headers: the Message-ID the ledger keeps")
struct MessageHeadersTests {
    private func messageID(_ text: String) -> String? { MessageHeaders.messageID(in: Array(text.utf8)) }

    @Test func fieldNameInAnyCaseAndFoldedValues() {
        #expect(messageID("From: a@b\r\nMessage-ID: <one@x>\r\n\r\nbody") == "<one@x>")
        #expect(messageID("MESSAGE-ID:<two@x>\n\n") == "<two@x>")
        #expect(messageID("message-Id:\r\n  <three@x>\r\nSubject: s\r\n\r\n") == "<three@x>")
    }

    @Test func otherFieldsAndTheBodyAreNotRead() {
        #expect(messageID("X-Message-ID: <no@x>\r\nMessage-IDs: <no@x>\r\nMessage-ID : <no@x>\r\n\r\n") == nil)
        // A carriage return where the name has its hyphen is not the name in another case.
        #expect(messageID("Message\rID: <no@x>\r\n\r\n") == nil)
        #expect(messageID("Subject: s\r\n\r\nMessage-ID: <body@x>\r\n") == nil)
        #expect(messageID("Message-ID:   \r\n\r\n") == nil)
    }
}
