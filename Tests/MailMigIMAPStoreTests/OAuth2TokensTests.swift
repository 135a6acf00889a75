import Foundation
import MailMigCore
import MailMigIMAP
@testable import MailMigIMAPStore
@testable import MailMigOAuth2Login
import Testing

/// The IMAP store's side of `login.oauth2`: which mailboxes share a token, the command grant run
/// with the mailbox's placeholders, and the mechanism chosen from the server's capabilities.
@Suite("IMAP store: OAuth 2.0 tokens")
struct OAuth2TokensTests {
    static let folder = URL(fileURLWithPath: "/tmp")
    static let environment = ["PATH": "/usr/bin:/bin"]
    static let alice = ["address": "alice@acme.test", "localpart": "alice", "login": "alice@acme.test"]
    static let bob = ["address": "bob@acme.test", "localpart": "bob", "login": "bob@acme.test"]

    @Test("an application token is shared by every mailbox; a per-mailbox subject or command gives each its own")
    func keys() {
        let app = OAuth2Login(grant: .clientCredentials(tokenURL: "https://t.test/token", clientID: "c", clientSecret: .environment("S"), scope: nil))
        #expect(OAuth2Tokens.key(app, values: Self.alice) == OAuth2Tokens.key(app, values: Self.bob))
        let jwt = OAuth2Login(grant: .jwtBearer(keyFile: "k.json", subject: "{address}", scope: "s", tokenURL: nil))
        #expect(OAuth2Tokens.key(jwt, values: Self.alice) == "alice@acme.test")
        #expect(OAuth2Tokens.key(jwt, values: Self.bob) == "bob@acme.test")
        let command = OAuth2Login(grant: .command(["get-token", "{localpart}"]))
        #expect(OAuth2Tokens.key(command, values: Self.alice) != OAuth2Tokens.key(command, values: Self.bob))
        // A refresh token per mailbox: each mailbox its own token, keyed by the reference, never the secret.
        let perMailbox = OAuth2Login(grant: .refreshToken(tokenURL: "https://t.test/token", clientID: "c", clientSecret: nil,
                                                          refreshToken: .environment("RT_{localpart}"), scope: nil))
        #expect(OAuth2Tokens.key(perMailbox, values: Self.alice) != OAuth2Tokens.key(perMailbox, values: Self.bob))
        #expect(OAuth2Tokens.key(perMailbox, values: Self.alice).contains("RT_alice"))
        let shared = OAuth2Login(grant: .refreshToken(tokenURL: "https://t.test/token", clientID: "c", clientSecret: nil,
                                                      refreshToken: .file("rt.txt"), scope: nil))
        #expect(OAuth2Tokens.key(shared, values: Self.alice) == OAuth2Tokens.key(shared, values: Self.bob))
    }

    @Test("the command grant runs with the mailbox's placeholders; OAUTHBEARER only where the server offers it")
    func commandAndMechanism() async throws {
        let tokens = OAuth2Tokens(settings: OAuth2Login(grant: .command(["printf", "tok-{localpart}"])), baseDirectory: Self.folder,
                                  environment: Self.environment)
        let plain = try await tokens.credentials(user: "alice@acme.test", values: Self.alice, capabilities: ["AUTH=XOAUTH2"], host: "imap.acme.test",
                                                 port: 993, renew: false)
        guard case .xoauth2(let user, let token) = plain else {
            Issue.record("not XOAUTH2: \(plain)")
            return
        }
        #expect(user == "alice@acme.test" && token == "tok-alice")
        let bearer = try await tokens.credentials(user: "bob@acme.test", values: Self.bob, capabilities: ["AUTH=XOAUTH2", "AUTH=OAUTHBEARER"],
                                                  host: "imap.acme.test", port: 993, renew: false)
        guard case .oauthBearer(_, let host, let port, let second) = bearer else {
            Issue.record("not OAUTHBEARER: \(bearer)")
            return
        }
        #expect(host == "imap.acme.test" && port == 993 && second == "tok-bob")
    }

    @Test("a failing command is named with its status and standard error, never its output")
    func failingCommand() async {
        let settings = OAuth2Login(grant: .command(["sh", "-c", "echo secret-output; echo 'not signed in' >&2; exit 2"]))
        do {
            _ = try await OAuth2Tokens.fetch(settings, values: Self.alice, baseDirectory: Self.folder, environment: Self.environment)
            Issue.record("a failing command gave a token")
        } catch {
            #expect("\(error)" == "no access token from the command `sh`: exited with 2: not signed in")
        }
    }
}
