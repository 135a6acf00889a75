import Foundation
import MailMigIMAP
import Testing

extension IMAPIntegration {
    @Suite("connections, TLS and authentication")
    struct IMAPConnectionIntegrationTests {
        @Test func implicitTLSWithProjectCA() async throws {
            let client = try await Dovecot.login("alice")
            for capability in ["CONDSTORE", "QRESYNC", "UIDPLUS", "LITERAL+", "BINARY", "MULTIAPPEND", "SPECIAL-USE", "ENABLE", "NAMESPACE"] {
                #expect(await client.supports(capability), "missing \(capability)")
            }
            #expect(await client.isAuthenticated)
            try await client.noop()
            try await client.logout()
        }

        @Test func hostNameIsVerifiedAgainstTheCertificate() async throws {
            var configuration = try Dovecot.configuration(.source)
            configuration.host = "localhost"
            let client = try await IMAPClient.connect(configuration)
            try await client.login(.login(user: "carol", password: try Dovecot.password("carol")))
            try await client.logout()
        }

        @Test func startTLSUpgradesThePlainPort() async throws {
            let client = try await IMAPClient.connect(try Dovecot.configuration(.target, tls: .startTLS))
            #expect(await !client.supports("STARTTLS"))
            try await client.login(.login(user: "bob", password: try Dovecot.password("bob")))
            #expect(await client.supports("UIDPLUS"))
            try await client.logout()
        }

        @Test("STARTTLS asked of the implicit-TLS port: no greeting comes, and the error says which setting to change")
        func startTLSOnTheImplicitPort() async throws {
            var configuration = try Dovecot.configuration(.source, tls: .startTLS, readTimeout: 2)
            configuration.port = try TestEnvironment.requireInt("MAILMIG_TEST_IMAP_SOURCE_TLS_PORT")
            let error = try await #require(throws: IMAPError.self) { _ = try await IMAPClient.connect(configuration) }
            guard case .timeout(_, "the greeting", _) = error else { Issue.record("\(error)"); return }
            #expect(error.description.contains("tls: implicit"), "\(error)")
        }

        @Test func plainConnectionWhenAskedFor() async throws {
            let client = try await IMAPClient.connect(try Dovecot.configuration(.source, tls: .none))
            #expect(await client.supports("STARTTLS"))
            try await client.login(.login(user: "bob", password: try Dovecot.password("bob")))
            try await client.logout()
        }

        @Test func untrustedCertificateIsRefusedWithSubject() async throws {
            let selfSigned = try TestEnvironment.require("MAILMIG_TEST_IMAP_SELFSIGNED_CERT")
            for mode in [IMAPConfiguration.TLSMode.implicit, .startTLS] {
                do {
                    let client = try await IMAPClient.connect(try Dovecot.configuration(.source, tls: mode, trust: .caFile(selfSigned)))
                    await client.close()
                    Issue.record("TLS accepted a certificate outside the trusted CA (\(mode))")
                } catch let error as IMAPError {
                    guard case .tls(let server, let subject, let reason) = error else {
                        Issue.record("wrong error \(error)")
                        continue
                    }
                    #expect(server == "dovecot-source")
                    #expect(subject == "CN=localhost")
                    #expect(reason.contains("not trusted"))
                }
            }
        }

        @Test func systemRootsDoNotTrustTheTestCAButOptOutConnects() async throws {
            await #expect(throws: IMAPError.self) {
                try await IMAPClient.connect(try Dovecot.configuration(.source, trust: .systemRoots))
            }
            let client = try await IMAPClient.connect(try Dovecot.configuration(.source, trust: .doNotVerify))
            try await client.login(.login(user: "carol", password: try Dovecot.password("carol")))
            try await client.logout()
        }

        @Test func wrongPasswordIsATypedRefusalWithoutThePassword() async throws {
            let client = try await IMAPClient.connect(try Dovecot.configuration(.source))
            do {
                try await client.login(.login(user: "alice", password: "wrong-password-123"))
                Issue.record("login with a wrong password succeeded")
            } catch let error as IMAPError {
                guard case .no(let server, _, _, let code) = error else {
                    Issue.record("wrong error \(error)")
                    return
                }
                #expect(server == "dovecot-source")
                #expect(code == .other(name: "AUTHENTICATIONFAILED", arguments: nil))
                #expect(!error.description.contains("wrong-password-123"))
            }
            await client.close()
        }

        @Test func adminActsForUserWithPlainAuthorizationIdentity() async throws {
            let folder = Dovecot.uniqueName("AdminMade")
            let admin = try TestEnvironment.require("MAILMIG_TEST_IMAP_ADMIN_USER")
            let adminPassword = try TestEnvironment.require("MAILMIG_TEST_IMAP_ADMIN_PASSWORD")
            let asDave = try await IMAPClient.connect(try Dovecot.configuration(.source))
            try await asDave.login(.plain(user: admin, password: adminPassword, authorizationIdentity: "dave"))
            try await asDave.create(folder)
            try await asDave.logout()

            // The folder is in dave's account, as seen by dave himself.
            let dave = try await Dovecot.login("dave")
            #expect(try await dave.list().map(\.name).contains(folder))
            try await dave.delete(folder)
            try await dave.logout()

            // The master-user login form works too.
            let viaLogin = try await IMAPClient.connect(try Dovecot.configuration(.source))
            try await viaLogin.login(.login(user: "dave*\(admin)", password: adminPassword))
            try await viaLogin.logout()
        }

        @Test func unsupportedMechanismIsRefusedBeforeSending() async throws {
            let client = try await IMAPClient.connect(try Dovecot.configuration(.source))
            do {
                try await client.login(.xoauth2(user: "alice", accessToken: "token"))
                Issue.record("XOAUTH2 accepted")
            } catch let error as IMAPError {
                guard case .unsupported(_, "AUTH=XOAUTH2", _) = error else {
                    Issue.record("wrong error \(error)")
                    return
                }
            }
            await client.close()
        }

        @Test func closedPortIsAConnectError() async throws {
            var configuration = try Dovecot.configuration(.source)
            configuration.port = 1
            do {
                _ = try await IMAPClient.connect(configuration)
                Issue.record("connected to port 1")
            } catch let error as IMAPError {
                guard case .connectFailed(let server, _) = error else {
                    Issue.record("wrong error \(error)")
                    return
                }
                #expect(server == "dovecot-source")
            }
        }
    }
}
