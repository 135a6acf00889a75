/// Reading the maildrop (TRANSACTION state, RFC 1939 §5) and ending the session (§6).
///
/// There is deliberately no DELE: this library cannot mark a message for deletion.
extension POP3Client {
    /// STAT: the number of messages and their total size.
    public func statistics() async throws -> POP3Statistics {
        let text = try await command("STAT", name: "STAT")
        do {
            return try ListingParser.statistics(text)
        } catch {
            throw POP3Error.protocolViolation(server: server, command: "STAT", detail: "not a count and a size: \(text)")
        }
    }

    /// LIST: every message's number and size.
    public func list() async throws -> [POP3MessageInfo] {
        let data = try await multiLineCommand("LIST", name: "LIST", limit: configuration.maximumListingSize)
        do {
            return try ListingParser.sizes(data).map { POP3MessageInfo(number: $0.number, size: $0.size) }
        } catch let error as ListingParser.Malformed {
            throw POP3Error.protocolViolation(server: server, command: "LIST", detail: "not a number and a size: \(error.line)")
        }
    }

    /// UIDL: every message's unique-id, by message number (RFC 1939 §7).
    public func uniqueIDs() async throws -> [Int: String] {
        let data = try await multiLineCommand("UIDL", name: "UIDL", limit: configuration.maximumListingSize)
        do {
            var byNumber: [Int: String] = [:]
            for entry in try ListingParser.uniqueIDs(data) { byNumber[entry.number] = entry.uniqueID }
            return byNumber
        } catch let error as ListingParser.Malformed {
            throw POP3Error.protocolViolation(server: server, command: "UIDL", detail: "not a number and a unique-id: \(error.line)")
        }
    }

    /// LIST and UIDL together: every message with its size and unique-id, in number order.
    public func listing() async throws -> [POP3MessageInfo] {
        let sizes = try await list()
        let ids = try await uniqueIDs()
        return sizes.map { POP3MessageInfo(number: $0.number, size: $0.size, uniqueID: ids[$0.number]) }
    }

    /// RETR: the message's exact bytes (dot-unstuffed, CRLF line ends as sent, ending in CRLF).
    ///
    /// `maximumSize` bounds the memory one answer may take (e.g. the size LIST announced plus a
    /// margin); a larger answer throws `responseTooLarge` and closes the connection.
    public func retrieve(_ number: Int, maximumSize: Int) async throws -> [UInt8] {
        try await multiLineCommand("RETR \(number)", name: "RETR", limit: maximumSize)
    }

    /// TOP n 0: the message's header section and the empty line after it.
    public func headers(_ number: Int, maximumSize: Int = 1 << 20) async throws -> [UInt8] {
        try await multiLineCommand("TOP \(number) 0", name: "TOP", limit: maximumSize)
    }

    /// NOOP: keeps the session alive.
    public func noop() async throws {
        _ = try await command("NOOP", name: "NOOP")
    }

    /// RSET: unmarks whatever the server marked in this session.
    public func reset() async throws {
        _ = try await command("RSET", name: "RSET")
    }

    /// Ends the session with QUIT, then closes the connection.
    ///
    /// QUIT enters the UPDATE state, where a server announcing `EXPIRE 0` removes the messages this
    /// session retrieved (RFC 2449 §6.7); with such a server the connection is closed without QUIT,
    /// which leaves the maildrop as it was (RFC 1939 §6).
    public func quit() async throws {
        defer { channel.close(promise: nil) }
        if capabilities?.expiry == .days(0) {
            logger.debug("closing without QUIT: the server removes retrieved messages at QUIT (EXPIRE 0)",
                         metadata: ["server": "\(server)"])
            await close()
            return
        }
        _ = try await command("QUIT", name: "QUIT")
        isAuthenticated = false
        await close()
    }
}
