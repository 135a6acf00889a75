import Foundation
@testable import MailMigOAuth2
import Testing

@Suite("A token printed by a command")
struct CommandTokenTests {
    static let now = Date(timeIntervalSince1970: 1_800_000_000)

    @Test("the token alone, or JSON with access_token and expires_in")
    func printed() throws {
        let plain = try CommandToken.parse(Data("ya29.abc\n".utf8), issuedAt: Self.now, source: "the command `get-token`")
        #expect(plain.value == "ya29.abc")
        #expect(plain.expiresAt == nil)
        let json = try CommandToken.parse(Data(#"{"access_token":"eyJ0","expires_in":120}"#.utf8), issuedAt: Self.now, source: "x")
        #expect(json.value == "eyJ0")
        #expect(json.expiresAt == Self.now.addingTimeInterval(120))
    }

    @Test("output that is not a token is refused without quoting it")
    func refused() {
        for output in ["two words", "", #"{"token":"x"}"#] {
            do {
                _ = try CommandToken.parse(Data(output.utf8), issuedAt: Self.now, source: "the command `get-token`")
                Issue.record("'\(output)' was taken for a token")
            } catch {
                #expect("\(error)".hasPrefix("no access token from the command `get-token`: it "))
                #expect(output.isEmpty || !"\(error)".contains(output))
            }
        }
    }
}
