import Foundation
import Testing

/// OAuth 2.0 logins against Dovecot's `passdb oauth2`, which checks every token at a local
/// authorization server's introspection endpoint (scripts/oauth/server.py): an application
/// token from the client-credentials grant for every source mailbox (Exchange Online's app-only
/// model), a token per mailbox from a JWT signed with a service account's key on the target (Google's
/// domain-wide delegation), short-lived tokens, a token endpoint that fails now and then, and a client
/// revoked mid-migration.
@Suite("OAuth 2.0 logins against Dovecot's oauth2 passdb", .serialized, .enabled(if: TestEnvironment.isEnabled))
struct OAuthLoginTests {
    static let clientSecret = "app-secret-7f3a9c"
    static let environment = ["OAUTH_CLIENT_SECRET": clientSecret]

    /// A private pair checking tokens at `oauth`, `count` mailboxes of `messages` each, and a plan logging in with tokens only.
    /// `sourceTokenURL` replaces the server's token URL on the source (its fault paths, /moved and /hang).
    static func prepare(_ oauth: OAuthTestServer, servers: PrivateDovecot, tag: String, count: Int, messages: Int,
                        sourceTokenURL: String? = nil) throws -> FaultPlan {
        var pairs: [(String, String)] = []
        for index in 1...count {
            let pair = ("oa-\(tag)src\(index)", "oa-\(tag)tgt\(index)")
            try servers.addPair(source: pair.0, target: pair.1, messages: messages, seed: 40 + index)
            pairs.append(pair)
        }
        let ca = servers.certificate("ca.crt")
        var source = FaultPlan.Endpoint(port: servers.sourcePort, tls: "starttls", caFile: ca)
        source.login = """
            user_format: "{localpart}"
            oauth2:
              client_credentials: { token_url: "\(sourceTokenURL ?? oauth.tokenURL)", client_id: mailmig-app, client_secret: env:OAUTH_CLIENT_SECRET, scope: imap }
            """
        var target = FaultPlan.Endpoint(port: servers.targetPort, tls: "starttls", caFile: ca)
        target.login = """
            user_format: "{localpart}"
            oauth2:
              mechanism: oauthbearer
              jwt_bearer: { key_file: "\(oauth.keyFile.path)", subject: "{localpart}", scope: "https://mail.google.com/" }
            """
        return try FaultPlan(source: source, target: target, mailboxes: pairs)
    }

    static func count(_ stats: [String: Any], _ key: String) -> Int {
        if let value = stats[key] as? Int { return value }
        if let values = stats[key] as? [String: Int] { return values.values.reduce(0, +) }
        return 0
    }

    @Test("app token on the source, a JWT-bearer token per mailbox on the target: a run outliving several token lifetimes is exact, a failing token endpoint is retried")
    func copyAcrossTokenLifetimes() throws {
        // Tokens live 5 s: the apply outlives several, and a loaded machine still presents a fresh one in time.
        let oauth = try OAuthTestServer(clients: ["mailmig-app:\(Self.clientSecret)"], expiresIn: 5, options: ["--fail-every", "4"])
        defer { oauth.stop() }
        let servers = try PrivateDovecot(oauth2IntrospectionURL: oauth.introspectionURL)
        defer { servers.remove() }
        let plan = try Self.prepare(oauth, servers: servers, tag: "a", count: 3, messages: 120)
        defer { plan.remove() }

        let apply = try plan.mailmig(["apply", "--auto-approve", "--parallelism", "1", "--log-file", "apply.log"], environment: Self.environment)
        #expect(apply.status == 0, "\(apply.stdout)\(apply.stderr)")
        // Every token of the apply has expired: verify logs in again with new ones.
        sleep(6)
        let verify = try plan.mailmig(["verify"], environment: Self.environment)
        #expect(verify.status == 0, "\(verify.stdout)\(verify.stderr)")
        for (source, target) in plan.mailboxes {
            let expected = MailFolderRules().expected(from: try servers.snapshot(source, on: .source))
            let copied = try servers.snapshot(target, on: .target)
            #expect(copied.multisets == expected, "\(target): \(MailboxSnapshot.difference(expected: expected, actual: copied.multisets))")
        }
        let again = try plan.mailmig(["plan"], environment: Self.environment)
        #expect(again.stdout.contains("No changes."), "\(again.stdout)\(again.stderr)")

        let stats = try oauth.stats()
        // Tokens live in memory only, so each run asks anew: apply and verify an application token and one per
        // target mailbox at least, plan the application token (it asks the target only about mailboxes the
        // state does not know yet).
        #expect(Self.count(stats, "tokens_issued") >= 2 * (1 + plan.mailboxes.count) + 1, "\(stats)")
        #expect(Self.count(stats, "failures_injected") >= 1, "\(stats)")
        // The secret and the tokens stay out of the state and the log.
        let state = try Data(contentsOf: plan.folder.appendingPathComponent(".mailmig/state.sqlite"))
        let log = try String(contentsOf: plan.folder.appendingPathComponent("apply.log"), encoding: .utf8)
        #expect(state.range(of: Data(Self.clientSecret.utf8)) == nil)
        #expect(!log.contains(Self.clientSecret) && !log.contains("Bearer "), "the log holds a secret")
    }

    @Test("a revoked client: one clear error naming the token URL and the endpoint's answer, nothing copied, no secret shown")
    func revokedClient() throws {
        let oauth = try OAuthTestServer(clients: ["mailmig-app:\(Self.clientSecret)"], expiresIn: 3600)
        defer { oauth.stop() }
        let servers = try PrivateDovecot(oauth2IntrospectionURL: oauth.introspectionURL)
        defer { servers.remove() }
        let plan = try Self.prepare(oauth, servers: servers, tag: "r", count: 1, messages: 20)
        defer { plan.remove() }
        try oauth.revoke(client: "mailmig-app")
        let refused = try plan.mailmig(["apply", "--auto-approve"], environment: Self.environment)
        #expect(refused.status == 1, "\(refused.stdout)\(refused.stderr)")
        let text = refused.stdout + refused.stderr
        #expect(text.contains("no access token from \(oauth.tokenURL): the client credentials request was refused (HTTP 401): invalid_client"), "\(text)")
        #expect(!text.contains(Self.clientSecret))
        #expect(try servers.snapshot("oa-rtgt1", on: .target).count == 0, "something was copied without a source login")
    }

    @Test("a token endpoint that redirects: not followed (the client secret would go to another URL), one clear error, nothing copied")
    func redirectNotFollowed() throws {
        let oauth = try OAuthTestServer(clients: ["mailmig-app:\(Self.clientSecret)"], expiresIn: 3600)
        defer { oauth.stop() }
        let servers = try PrivateDovecot(oauth2IntrospectionURL: oauth.introspectionURL)
        defer { servers.remove() }
        let moved = oauth.tokenURL.replacingOccurrences(of: "/token", with: "/moved")
        let plan = try Self.prepare(oauth, servers: servers, tag: "m", count: 1, messages: 5, sourceTokenURL: moved)
        defer { plan.remove() }
        let refused = try plan.mailmig(["apply", "--auto-approve"], environment: Self.environment)
        #expect(refused.status == 1, "\(refused.stdout)\(refused.stderr)")
        let text = refused.stdout + refused.stderr
        #expect(text.contains("no access token from \(moved): the endpoint redirects (HTTP 307 to 127.0.0.1); mailmig does not follow it"), "\(text)")
        #expect(!text.contains(Self.clientSecret))
        let stats = try oauth.stats()
        #expect(Self.count(stats, "redirects") >= 1, "\(stats)")
        // The target's JWT-bearer token comes from /token too; the source's client secret never did.
        let clientCredentials = (stats["token_requests"] as? [String: Int])?["client_credentials"] ?? -1
        #expect(clientCredentials == 0, "the redirect was followed: \(stats)")
    }

    @Test("a token endpoint that accepts connections and never answers: one bounded budget for all mailboxes, a sentence without type names")
    func hangingEndpoint() throws {
        let oauth = try OAuthTestServer(clients: ["mailmig-app:\(Self.clientSecret)"], expiresIn: 3600)
        defer { oauth.stop() }
        let servers = try PrivateDovecot(oauth2IntrospectionURL: oauth.introspectionURL)
        defer { servers.remove() }
        let hang = oauth.tokenURL.replacingOccurrences(of: "/token", with: "/hang")
        let plan = try Self.prepare(oauth, servers: servers, tag: "h", count: 3, messages: 5, sourceTokenURL: hang)
        defer { plan.remove() }
        let started = Date()
        let refused = try plan.mailmig(["apply", "--auto-approve"], environment: Self.environment)
        let took = Date().timeIntervalSince(started)
        #expect(refused.status == 1, "\(refused.stdout)\(refused.stderr)")
        let text = refused.stdout + refused.stderr
        #expect(text.contains("no access token from \(hang): no answer within 20 s (3 attempts)"), "\(text)")
        #expect(!text.contains("HTTPClientError") && !text.contains("deadlineExceeded"), "\(text)")
        // Three attempts of 20 s for the one application token, shared by the three mailboxes (and
        // remembered for 30 s), not three per mailbox and login retry.
        let hung = Self.count(try oauth.stats(), "hung")
        #expect(hung <= 6, "\(hung) requests for one application token")
        #expect(took < 180, "the apply took \(Int(took)) s")
    }
}
