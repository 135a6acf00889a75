import Foundation
import MailMigCore
import Testing

/// Message keys: how they order, how state stores them, how reports write them.
@Suite("Message keys")
struct MessageKeyTests {
    @Test("UIDs order by number, names by characters, every UID before every name")
    func order() {
        let keys: [MessageKey] = [.name("b"), 10, .name("10"), 9, .name("a")]
        #expect(keys.sorted() == [9, 10, .name("10"), .name("a"), .name("b")])
    }

    @Test("the storage text reads back to the same key, and never confuses a name of digits with a UID",
          arguments: [MessageKey.uid(0), .uid(4_294_967_295), .name("123"), .name("="), .name("0000000a4b3c2d1e"), .name("a b")])
    func storageRoundTrip(_ key: MessageKey) {
        #expect(MessageKey(storageText: key.storageText) == key)
    }

    @Test("text that is neither form is not a key", arguments: ["", "=", "-1", "4294967296", "12a", " 1"])
    func invalidStorageText(_ text: String) {
        #expect(MessageKey(storageText: text) == nil)
    }

    @Test("JSON writes a UID as a number and a name as a string")
    func json() throws {
        let data = try JSONEncoder().encode([MessageKey.uid(7), .name("7")])
        #expect(String(decoding: data, as: UTF8.self) == #"[7,"7"]"#)
        #expect(try JSONDecoder().decode([MessageKey].self, from: data) == [.uid(7), .name("7")])
    }

    @Test("messages name a key by its kind; reports show its value")
    func text() {
        #expect(MessageKey.uid(42).description == "UID 42")
        #expect(MessageKey.name("1ab3").description == #"message "1ab3""#)
        #expect(MessageKey.uid(42).value == "42")
        #expect(MessageKey.name("1ab3").value == "1ab3")
        #expect(MessageKey.uid(5).isUID(below: 6))
        #expect(!MessageKey.uid(6).isUID(below: 6))
        #expect(!MessageKey.name("1").isUID(below: 6))
    }
}
