import Foundation
import MailMigCore
@testable import MailMigPlanFile
import Testing

/// `login: { oauth2: … }`: one grant, its keys checked where they are written, and the mistakes that
/// would leak a secret or never log in refused with their line and column.
@Suite("Plan: OAuth 2.0 logins")
struct OAuth2LoginTests {
    static func plan(target login: String, source: String = "{ imap: { host: a.test }, login: { admin: { user: a, password: env:A } } }") -> String {
        "mailmig: 1\nname: t\nsource: \(source)\ntarget:\n  imap: { host: outlook.office365.com }\n  login:\n\(login)"
    }

    @Test("client credentials: style oauth2 implied, one token for every mailbox")
    func clientCredentials() throws {
        let result = PlanFixtures.load(Self.plan(target: """
                oauth2:
                  client_credentials:
                    token_url: https://login.microsoftonline.com/acme/oauth2/v2.0/token
                    client_id: 11111111-2222-3333-4444-555555555555
                    client_secret: env:M365_CLIENT_SECRET
                    scope: https://outlook.office365.com/.default

            """))
        let plan = try #require(result.plan, "\(PlanFixtures.errors(result))")
        let login = try #require(plan.target.login)
        #expect(login.style == .oauth2)
        #expect(login.oauth2?.mechanism == nil)
        guard case .clientCredentials(let url, let client, let secret, let scope)? = login.oauth2?.grant else {
            Issue.record("not client credentials: \(String(describing: login.oauth2))")
            return
        }
        #expect(url == "https://login.microsoftonline.com/acme/oauth2/v2.0/token")
        #expect(client == "11111111-2222-3333-4444-555555555555")
        #expect(secret == .environment("M365_CLIENT_SECRET"))
        #expect(scope == "https://outlook.office365.com/.default")
    }

    @Test("JWT bearer with a per-mailbox subject, refresh token and command grants; the mechanism may be named")
    func otherGrants() throws {
        let jwt = try #require(PlanFixtures.load(Self.plan(target: """
                style: oauth2
                oauth2:
                  mechanism: oauthbearer
                  jwt_bearer: { key_file: secrets/sa.json, subject: "{address}", scope: "https://mail.google.com/" }

            """)).plan)
        #expect(jwt.target.login?.oauth2 == OAuth2Login(grant: .jwtBearer(keyFile: "secrets/sa.json", subject: "{address}", scope: "https://mail.google.com/",
                                                                            tokenURL: nil), mechanism: .oauthbearer))
        let refresh = try #require(PlanFixtures.load(Self.plan(target: """
                oauth2: { refresh_token: { token_url: "http://127.0.0.1:8080/token", client_id: c, refresh_token: "file:tokens/{localpart}" } }

            """)).plan)
        guard case .refreshToken(_, _, nil, let token, nil)? = refresh.target.login?.oauth2?.grant else {
            Issue.record("not a refresh token grant")
            return
        }
        #expect(token == .file("tokens/{localpart}"))
        let command = try #require(PlanFixtures.load(Self.plan(target: "    oauth2: { command: [./get-token.sh, \"{address}\"] }\n")).plan)
        #expect(command.target.login?.oauth2?.grant == .command(["./get-token.sh", "{address}"]))
    }

    @Test("a preset's login style gives way to oauth2 in the plan; its other login defaults stay")
    func presetStyle() throws {
        let text = "mailmig: 1\nname: t\nsource: { imap: { host: a.test }, login: { admin: { user: a, password: env:A } } }\n"
            + "target: { preset: microsoft365, login: { oauth2: { client_credentials: { token_url: \"https://login.microsoftonline.com/acme/oauth2/v2.0/token\", "
            + "client_id: c, client_secret: env:S, scope: \"https://outlook.office365.com/.default\" } } } }\n"
        let result = PlanFixtures.load(text)
        let plan = try #require(result.plan, "\(PlanFixtures.errors(result))")
        #expect(plan.target.login?.style == .oauth2)
        #expect(plan.target.login?.userFormat == "{address}")
        #expect(plan.target.access.endpoint?.host == "outlook.office365.com")
    }

    @Test("two grants, none, clear-text token URLs, a password beside oauth2 and oauth2 on POP3 are errors at their place")
    func mistakes() {
        let two = PlanFixtures.errors(PlanFixtures.load(Self.plan(target: """
                oauth2:
                  command: [get-token]
                  refresh_token: { token_url: "https://t.test/token", client_id: c, refresh_token: env:R }

            """)))
        #expect(two.contains("9:7: target.login.oauth2 takes one grant: it has command already, so refresh_token cannot be given too"), "\(two)")
        let none = PlanFixtures.errors(PlanFixtures.load(Self.plan(target: "    oauth2: { mechanism: xoauth2 }\n")))
        #expect(none.contains("7:13: target.login.oauth2 needs one grant: client_credentials, jwt_bearer, refresh_token or command"), "\(none)")
        let clear = PlanFixtures.errors(PlanFixtures.load(Self.plan(target: """
                oauth2: { client_credentials: { token_url: "http://login.example.com/token", client_id: c, client_secret: env:S } }

            """)))
        #expect(clear.contains { $0.hasPrefix("7:48: target.login.oauth2.client_credentials.token_url must use https") }, "\(clear)")
        let mixed = PlanFixtures.errors(PlanFixtures.load(Self.plan(target: """
                password: env:P
                oauth2: { command: [get-token] }

            """)))
        #expect(mixed.contains("7:5: target.login.password is not used with style oauth2: every mailbox logs in as itself with a token"), "\(mixed)")
        let missing = PlanFixtures.errors(PlanFixtures.load(Self.plan(target: "    style: oauth2\n    user_format: \"{address}\"\n")))
        #expect(missing.contains { $0.contains("target.login uses style oauth2, which needs oauth2:") }, "\(missing)")
        let pop3 = PlanFixtures.errors(PlanFixtures.load(Self.plan(target: "    admin: { user: a, password: env:A }\n",
                                                                  source: "{ pop3: { host: p.test }, login: { oauth2: { command: [t] } } }")))
        #expect(pop3.contains { $0.contains("source.login.oauth2 is not available for POP3") }, "\(pop3)")
    }

    @Test("a key_file that exists must be a service account key; one that does not exist yet is left to the login")
    func keyFile() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("mailmig-keyfile-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        func errors(_ keyFile: String, tokenURL: String = "") -> [String] {
            PlanFixtures.errors(PlanFixtures.load(Self.plan(target: """
                    oauth2: { jwt_bearer: { key_file: \(keyFile), scope: "https://mail.google.com/"\(tokenURL) } }

                """), baseDirectory: folder))
        }
        try Data("-----BEGIN CERTIFICATE-----\n".utf8).write(to: folder.appendingPathComponent("cert.pem"))
        #expect(errors("cert.pem").contains { $0.hasPrefix("7:39: target.login.oauth2.jwt_bearer.key_file") && $0.contains("is not a service account key") },
                "\(errors("cert.pem"))")
        try Data(#"{"client_email": "svc@p.iam.gserviceaccount.com", "private_key": "x"}"#.utf8).write(to: folder.appendingPathComponent("partial.json"))
        #expect(errors("partial.json").contains { $0.contains("it lacks private_key (PEM), token_uri (or give token_url in the plan)") },
                "\(errors("partial.json"))")
        let good = #"{"client_email": "svc@p.iam.gserviceaccount.com", "private_key": "-----BEGIN PRIVATE KEY-----\nAA\n-----END PRIVATE KEY-----\n", "token_uri": "https://oauth2.googleapis.com/token"}"#
        try Data(good.utf8).write(to: folder.appendingPathComponent("key.json"))
        #expect(errors("key.json").isEmpty, "\(errors("key.json"))")
        #expect(errors("not-yet.json").isEmpty)
    }
}
