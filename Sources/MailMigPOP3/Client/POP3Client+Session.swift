import NIOCore
import NIOSSL
import MailMigTLS

/// CAPA, STLS and logging in.
extension POP3Client {
    /// Asks CAPA (RFC 2449 §5); a server that answers `-ERR` has no capabilities list (nil).
    @discardableResult
    public func refreshCapabilities() async throws -> POP3Capabilities? {
        let reply = try await exchange("CAPA", name: "CAPA", dataLimit: configuration.maximumListingSize)
        switch reply.status {
        case .ok: capabilities = POP3Capabilities(lines: ListingParser.lines(reply.data))
        case .err: capabilities = nil
        case .continuation: throw Self.refusal(reply.status, server: server, command: "CAPA")
        }
        return capabilities
    }

    /// Upgrades the connection with STLS (RFC 2595 §4) and asks CAPA again; a server that does not
    /// offer or refuses STLS, or data sent after its `+OK` before TLS began, ends the session.
    func startTLS() async throws {
        if let capabilities, !capabilities.supportsSTLS {
            throw POP3Error.startTLSUnavailable(server: server, detail: "its capabilities do not list STLS")
        }
        startTLSGuard?.arm()
        let context: NIOSSLContext
        do {
            let reply = try await exchange("STLS", name: "STLS")
            guard case .ok = reply.status else {
                let detail: String
                if case .err(_, let text) = reply.status { detail = "it answered STLS with -ERR \(text)" } else { detail = "it did not accept STLS" }
                throw POP3Error.startTLSUnavailable(server: server, detail: detail)
            }
            context = try TLSClient.makeContext(trust: configuration.trust)
        } catch {
            _ = startTLSGuard?.release()
            throw error
        }
        if try await TLSClient.upgrade(channel, context: context, host: configuration.host, guard: startTLSGuard) {
            let reason = POP3Error.protocolViolation(
                server: server, command: "STLS", detail: "data followed the STLS answer before TLS began (possible injection); connection closed")
            fail(with: reason)
            throw reason
        }
        // What was learnt before TLS may have been forged (RFC 2595 §4): ask again over TLS.
        capabilities = nil
        try await refreshCapabilities()
    }

    /// Logs in (AUTHORIZATION → TRANSACTION state, RFC 1939 §7, RFC 5034), then asks CAPA again:
    /// some capabilities (`EXPIRE`, `LOGIN-DELAY`) are only told to a logged-in user.
    public func login(_ credentials: POP3Credentials) async throws {
        switch credentials {
        case .user(let name, let password):
            _ = try await command("USER \(name)", name: "USER")
            _ = try await command("PASS \(password)", name: "PASS")
        case .apop(let name, let secret):
            guard let timestamp = greeting.apopTimestamp else {
                throw POP3Error.unsupported(server: server, feature: "APOP", detail: "its greeting carries no timestamp")
            }
            _ = try await command("APOP \(name) \(Authentication.apopDigest(timestamp: timestamp, secret: secret))", name: "APOP")
        case .plain(let user, let password, let authorizationIdentity):
            try await authenticatePlain(Authentication.plainResponse(user: user, password: password,
                                                                     authorizationIdentity: authorizationIdentity))
        }
        isAuthenticated = true
        logger.debug("logged in", metadata: ["server": "\(server)", "as": "\(credentials)"])
        _ = try? await refreshCapabilities()
    }

    /// `AUTH PLAIN`: with the initial response when the command line stays within 255 octets
    /// (RFC 5034 §4), otherwise after the server's empty challenge.
    func authenticatePlain(_ response: String) async throws {
        if let capabilities, !capabilities.saslMechanisms.isEmpty, !capabilities.saslMechanisms.contains("PLAIN") {
            throw POP3Error.unsupported(server: server, feature: "SASL PLAIN",
                                        detail: "it offers \(capabilities.saslMechanisms.sorted().joined(separator: " "))")
        }
        let initial = "AUTH PLAIN \(response)"
        var reply = try await exchange(initial.utf8.count <= 255 ? initial : "AUTH PLAIN", name: "AUTH")
        if case .continuation = reply.status {
            if initial.utf8.count <= 255 {
                // The response was sent already; a further challenge has no answer in PLAIN: cancel.
                _ = try await exchange("*", name: "AUTH")
                throw POP3Error.protocolViolation(server: server, command: "AUTH", detail: "a second challenge to AUTH PLAIN")
            }
            reply = try await exchange(response, name: "AUTH")
        }
        guard case .ok = reply.status else { throw Self.refusal(reply.status, server: server, command: "AUTH") }
    }
}
