import Foundation

extension IMAPClient {
    /// Logs in with the given credentials and refreshes the capabilities.
    ///
    /// `LOGIN` is refused by the client when the server announces `LOGINDISABLED`. On a TLS
    /// connection whose CAPABILITY is still unanswered, `LOGIN` is sent behind it rather than after
    /// its answer, one round trip less per connection: the password travels encrypted either way,
    /// and a server that announces `LOGINDISABLED` refuses it, which is then reported as that
    /// refusal. Without TLS the answer is awaited first, so a password never goes out in clear text
    /// to a server that asks for none. The other mechanisms wait for the capabilities, which choose
    /// how they are sent.
    public func login(_ credentials: IMAPCredentials) async throws {
        switch credentials {
        case .login(let user, let password):
            let refused = IMAPError.unsupported(server: server, capability: "LOGIN (LOGINDISABLED is announced)", operation: "logging in as \(user)")
            if configuration.tls == .none { _ = try await settledCapabilities() }
            if capabilities.contains("LOGINDISABLED") { throw refused }
            var command = Command("LOGIN ", name: "LOGIN as \(user)")
            command.string(user, utf8Allowed: true)
            command.space()
            command.string(password, utf8Allowed: true)
            let entry: PendingCommand
            do {
                entry = try await send(command)
            } catch {
                // A TLS handshake that failed ended the connection before LOGIN could go: its
                // description comes with the CAPABILITY that was waiting behind it.
                _ = try await settledCapabilities()
                throw error
            }
            let asked = await outcome { try await settledCapabilities() }
            let answer = await outcome { try await wait(entry) }
            // Both answers are in before either failure is thrown, so the connection stays in step.
            _ = try asked.get()
            if case .failure(let error) = answer, capabilities.contains("LOGINDISABLED"), Self.refusesPlainLogin(error) { throw refused }
            try await afterLogin(answer.get())
        case .plain(let user, let password, let authzid):
            let who = authzid.map { "\(user) for \($0)" } ?? user
            let response = IMAPCredentials.plainInitialResponse(user: user, password: password, authorizationIdentity: authzid)
            try await authenticate(mechanism: "PLAIN", initialResponse: response, name: "AUTHENTICATE PLAIN as \(who)")
        case .xoauth2(let user, let token):
            let response = IMAPCredentials.xoauth2InitialResponse(user: user, accessToken: token)
            try await authenticate(mechanism: "XOAUTH2", initialResponse: response, name: "AUTHENTICATE XOAUTH2 as \(user)")
        case .oauthBearer(let user, let host, let port, let token):
            let response = IMAPCredentials.oauthBearerInitialResponse(user: user, host: host, port: port, accessToken: token)
            // RFC 7628 §3.2.3: the client answers the server's error challenge with a single 0x01.
            try await authenticate(mechanism: "OAUTHBEARER", initialResponse: response, name: "AUTHENTICATE OAUTHBEARER as \(user)",
                                   failureAcknowledgement: Data([1]).base64EncodedString())
        }
    }

    /// Whether a failed LOGIN reads as a refusal of LOGIN itself (a NO or BAD with no code, or with
    /// one about the credentials or privacy) rather than a busy or throttling server, which keeps
    /// its own answer.
    static func refusesPlainLogin(_ error: any Error) -> Bool {
        let code: ResponseCode?
        switch error {
        case IMAPError.no(_, _, _, let given), IMAPError.bad(_, _, _, let given): code = given
        default: return false
        }
        guard let code else { return true }
        if case .other(let name, _) = code { return ["PRIVACYREQUIRED", "AUTHENTICATIONFAILED", "CANNOT"].contains(name.uppercased()) }
        return false
    }

    private func authenticate(mechanism: String, initialResponse: String, name: String, failureAcknowledgement: String = "") async throws {
        _ = try await settledCapabilities()
        if !capabilities.isEmpty, !capabilities.contains("AUTH=\(mechanism)") {
            throw IMAPError.unsupported(server: server, capability: "AUTH=\(mechanism)", operation: name)
        }
        let entry: PendingCommand
        if capabilities.contains("SASL-IR") {
            entry = try await send(Command("AUTHENTICATE \(mechanism) \(initialResponse)", name: name))
        } else {
            entry = try await send(Command("AUTHENTICATE \(mechanism)", name: name))
            let challenge = try await waitForContinuationOrCompletion(entry)
            if challenge != nil { try await sendContinuationData(initialResponse) }
        }
        // XOAUTH2 and OAUTHBEARER failures arrive as a base64 JSON challenge that must be answered
        // (XOAUTH2: an empty line; OAUTHBEARER: 0x01) before the server sends its NO.
        while entry.outcome == nil {
            guard let challenge = try await waitForContinuationOrCompletion(entry) else { break }
            logger.debug("authentication challenge", metadata: ["server": "\(server)", "challenge": "\(challenge)"])
            try await sendContinuationData(failureAcknowledgement)
        }
        let result = try await wait(entry)
        try await afterLogin(result)
    }

    /// The next continuation text, or nil once the command has completed.
    private func waitForContinuationOrCompletion(_ entry: PendingCommand) async throws -> String? {
        if entry.outcome != nil { return nil }
        do {
            return try await waitForContinuation(for: entry)
        } catch is CommandCompletedEarly {
            return nil
        }
    }

    private func afterLogin(_ result: CommandResult) async throws {
        isAuthenticated = true
        if case .capability(let caps)? = result.line.code {
            setCapabilities(caps)
        } else {
            _ = try await refreshCapabilities()
        }
    }

    /// Sends CAPABILITY without waiting for its answer, forgetting the capabilities known so far;
    /// `settledCapabilities()` waits for it. The answer's untagged CAPABILITY sets `capabilities`
    /// as it arrives (`updateState`), before any later command's OK can.
    func askCapabilities() async throws {
        capabilities = []
        let entry = try await send(Command("CAPABILITY", kind: .capability))
        capabilityQuery = Task { _ = try await self.wait(entry) }
    }

    /// The capabilities, once a CAPABILITY sent by `askCapabilities()` is answered (at once when none is waiting).
    ///
    /// After STARTTLS this is where a failed TLS handshake shows: it is thrown as `connect` throws it,
    /// with the certificate described (once: a later call throws the same error).
    public func settledCapabilities() async throws -> Set<String> {
        if let query = capabilityQuery {
            do {
                try await query.value
            } catch {
                let described = await Self.described(error, configuration: configuration)
                capabilityQuery = Task { throw described }
                throw described
            }
            capabilityQuery = nil
        }
        return capabilities
    }

    /// Asks for CAPABILITY and returns the upper-cased set.
    @discardableResult
    public func refreshCapabilities() async throws -> Set<String> {
        let result = try await execute(Command("CAPABILITY", kind: .capability))
        for case .capability(let caps) in result.untagged { setCapabilities(caps) }
        return capabilities
    }

    /// Whether the server offers a capability (case-insensitive).
    public func supports(_ capability: String) -> Bool {
        capabilities.contains(capability.uppercased())
    }

    /// ENABLE (RFC 5161) for the listed extensions that the server offers; returns what got enabled.
    @discardableResult
    public func enable(_ extensions: [String]) async throws -> Set<String> {
        guard let command = enableCommand(extensions) else { return enabled }
        _ = try await execute(command)
        return enabled
    }

    /// The ENABLE of those of `extensions` the server offers; nil when there is nothing to enable.
    private func enableCommand(_ extensions: [String]) -> Command? {
        let wanted = extensions.map { $0.uppercased() }.filter { capabilities.contains($0) }
        guard capabilities.contains("ENABLE"), !wanted.isEmpty else { return nil }
        return Command("ENABLE " + wanted.joined(separator: " "), kind: .enable)
    }

    /// ENABLE of the listed extensions the server offers, and NAMESPACE where offered, sent together
    /// and awaited once: a new session's setup costs one round trip, not two.
    ///
    /// Returns what got enabled and the namespaces (nil without NAMESPACE). The first failure is
    /// thrown after both commands completed, so the connection stays in step.
    public func enableAndListNamespaces(_ extensions: [String]) async throws -> (enabled: Set<String>, namespaces: NamespaceResponse?) {
        var enabling: PendingCommand?
        if let command = enableCommand(extensions) { enabling = try await send(command) }
        let listing = capabilities.contains("NAMESPACE") ? try await send(Command("NAMESPACE", kind: .namespace)) : nil
        var firstError: (any Error)?
        if let enabling {
            do { _ = try await wait(enabling) } catch { firstError = error }
        }
        var namespaces: NamespaceResponse?
        if let listing {
            do {
                namespaces = try namespaceResponse(in: try await wait(listing))
            } catch {
                if firstError == nil { firstError = error }
            }
        }
        if let firstError { throw firstError }
        return (enabled, namespaces)
    }

    /// NAMESPACE (RFC 2342).
    public func namespaces() async throws -> NamespaceResponse {
        guard capabilities.contains("NAMESPACE") else {
            throw IMAPError.unsupported(server: server, capability: "NAMESPACE", operation: "listing namespaces")
        }
        return try namespaceResponse(in: try await execute(Command("NAMESPACE", kind: .namespace)))
    }

    /// The namespaces a completed NAMESPACE brought; a completion without them is a protocol violation.
    private func namespaceResponse(in result: CommandResult) throws -> NamespaceResponse {
        for case .namespace(let namespaces) in result.untagged { return namespaces }
        throw IMAPError.protocolViolation(server: server, detail: "NAMESPACE completed without data")
    }

    /// NOOP: keeps the connection alive and collects pending updates.
    public func noop() async throws {
        _ = try await execute(Command("NOOP"))
    }

    /// LOGOUT, then closes the connection; waits at most `seconds` for the server's answer.
    ///
    /// The session's work is done by then, so a server that never answers LOGOUT must not hold the
    /// caller for a command timeout: after `seconds` (sending included) the connection is closed as
    /// if it had answered. Whatever the server answers, the connection ends closed; nothing is thrown.
    public func logout(waitingAtMost seconds: Double = 5) async throws {
        let deadline = closing(after: seconds)
        defer { deadline.cancel() }
        if let entry = try? await send(Command("LOGOUT")) { _ = try? await wait(entry) }
        await close()
    }

    /// Sends LOGOUT and returns; its answer is awaited and the connection closed in the background,
    /// within `seconds` of the call whatever happens.
    ///
    /// For a session whose work is done, so that what waits for it to end (the next login in its
    /// connection slot, a mailbox's plan) does not wait a round trip for the server's goodbye. The
    /// server ends the session on reading LOGOUT, normally before a connection opened after this one
    /// gets as far as its login.
    public func startLogout(waitingAtMost seconds: Double = 5) async {
        let deadline = closing(after: seconds)
        guard let entry = try? await send(Command("LOGOUT")) else {
            deadline.cancel()
            await close()
            return
        }
        Task {
            _ = try? await self.wait(entry)
            deadline.cancel()
            await self.close()
        }
    }

    /// Closes the connection after `seconds` unless cancelled first.
    private func closing(after seconds: Double) -> Task<Void, any Error> {
        Task { [weak self] in
            try await Task.sleep(nanoseconds: UInt64(max(0, seconds) * 1_000_000_000))
            await self?.close()
        }
    }
}
