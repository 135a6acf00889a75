import Foundation
@testable import MailMigCore
import Testing

/// The flags text every state backend writes must stay what `JSONEncoder` writes, so that rows written
/// by earlier releases and by the other backend read alike.
@Suite("Ledger flags text")
struct LedgerFlagsTextTests {
    private static let samples: [[String]] = [
        [], ["\\Seen"], ["\\Seen", "$Forwarded", "\\Answered"], ["", "a"], ["NonJunk", "$label1", "\\Flagged", "\\Draft"],
        ["with/slash"], ["quote\"inside"], ["back\\slash\\"], ["tab\there"], ["caf\u{e9}"], ["\u{1F4E7}", "\\Seen"], ["[", "]", ","],
        ["a\",\"b"],
    ]

    @Test func writesWhatJSONEncoderWrites() throws {
        for flags in Self.samples {
            let expected = String(decoding: try JSONEncoder().encode(flags.sorted()), as: UTF8.self)
            #expect(LedgerFlagsText.encode(flags) == expected, "\(flags)")
        }
    }

    @Test func readsBackWhatItWroteAndWhatJSONWrites() throws {
        for flags in Self.samples {
            #expect(LedgerFlagsText.decode(LedgerFlagsText.encode(flags)) == flags.sorted(), "\(flags)")
        }
        // Texts an encoder with other settings may have written.
        #expect(LedgerFlagsText.decode("[ \"\\\\Seen\" , \"b\" ]") == ["\\Seen", "b"])
        #expect(LedgerFlagsText.decode("[\"a\\/b\"]") == ["a/b"])
        #expect(LedgerFlagsText.decode("[\"\\u00e9\"]") == ["\u{e9}"])
    }

    @Test func textsThatAreNotAnArrayOfStringsReadAsNoFlags() {
        for text in ["", "[", "]", "[,]", "[\"a\"", "[\"a\" \"b\"]", "{}", "[1]", "null", "[\"a\"]x"] {
            #expect(LedgerFlagsText.decode(text).isEmpty, "\(text)")
        }
    }
}
