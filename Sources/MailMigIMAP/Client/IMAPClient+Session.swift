import Foundation

extension IMAPClient {
    /// Logs in with the given credentials and refreshes the capabilities.
    ///
    /// `LOGIN` is refused by the client when the server announces `LOGINDISABLED`.
    public func login(_ credentials: IMAPCredentials) async throws {
        switch credentials {
        case .login(let user, let password):
            if capabilities.contains("LOGINDISABLED") {
                throw IMAPError.unsupported(server: server, capability: "LOGIN (LOGINDISABLED is announced)", operation: "logging in as \(user)")
            }
            var command = Command("LOGIN ", name: "LOGIN as \(user)")
            command.string(user, utf8Allowed: true)
            command.space()
            command.string(password, utf8Allowed: true)
            let result = try await execute(command)
            try await afterLogin(result)
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

    private func authenticate(mechanism: String, initialResponse: String, name: String, failureAcknowledgement: String = "") async throws {
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
    /// caller for a command timeout: after `seconds` the connection is closed as if it had answered.
    public func logout(waitingAtMost seconds: Double = 5) async throws {
        let deadline = Task { [weak self] in
            try await Task.sleep(nanoseconds: UInt64(max(0, seconds) * 1_000_000_000))
            await self?.close()
        }
        defer { deadline.cancel() }
        do {
            _ = try await execute(Command("LOGOUT"))
        } catch IMAPError.bye {
            // Some servers close before the tagged OK; that is a completed logout.
        } catch IMAPError.connectionLost {
            // Closed by the server, or by the deadline above.
        }
        await close()
    }
}
