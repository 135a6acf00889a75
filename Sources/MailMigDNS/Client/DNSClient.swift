/// Asks DNS servers: queries over UDP with TCP fallback, zone authority lookup, signed updates over TCP.
///
/// Every call names the server to ask; there is no system resolver involved, so a test or a demo can
/// pin one server address and port.
public struct DNSClient: Sendable {
    /// How long to wait for each attempt.
    public var timeout: Duration
    /// How many times a UDP query is sent before it times out.
    public var attempts: Int
    /// Whether queries ask the server to recurse; authoritative servers ignore it.
    public var recursionDesired = false
    /// Seconds since 1970 for TSIG; replaceable so tests can simulate clock skew.
    var clock: @Sendable () -> UInt64 = { TSIGSigner.currentTime() }

    /// A client waiting `timeout` for each attempt and sending a UDP query at most `attempts` times.
    public init(timeout: Duration = .seconds(2), attempts: Int = 3) {
        self.timeout = timeout
        self.attempts = max(1, attempts)
    }

    var transport: DNSTransport { DNSTransport(timeout: timeout, attempts: attempts) }

    /// Asks `server` for the `type` records of `name`; retries over TCP when the UDP answer is truncated.
    ///
    /// A response code such as NXDOMAIN is returned in the result; only failures to get a valid answer throw.
    public func query(_ name: DNSName, type: RecordType, server: DNSServer) async throws -> DNSQueryResult {
        let operation = "query for \(name) \(type)"
        var message = DNSMessage()
        message.id = UInt16.random(in: .min ... .max)
        message.recursionDesired = recursionDesired
        message.questions = [Question(name: name, type: type)]
        message.edns = EDNS()
        let request = message.encode()
        let isReply = Self.replyMatcher(id: message.id)
        var response = try decodeResponse(
            try await transport.exchangeUDP(request, server: server, operation: operation, isReply: isReply),
            server: server, operation: operation)
        if response.isTruncated {
            response = try decodeResponse(
                try await transport.exchangeTCP(request, server: server, operation: operation, isReply: isReply),
                server: server, operation: operation)
        }
        guard response.questions.count == 1, response.questions[0].name == name, response.questions[0].type == type else {
            throw DNSError(.malformedResponse("the answer is for another question"), server: server, operation: operation)
        }
        let answers = RRset.group(response.answers)
        return DNSQueryResult(
            rcode: response.rcode,
            rrset: answers.first { $0.name == name && $0.type == type },
            isAuthoritative: response.isAuthoritative,
            answers: answers,
            authorities: RRset.group(response.authorities),
            additionals: RRset.group(response.additionals))
    }

    /// Finds the zone that contains `name` and its authoritative servers, asking `server`.
    ///
    /// The zone apex comes from the SOA in the answer or authority section; the name servers from the
    /// zone's NS RRset, their addresses from glue or from A/AAAA queries to the same server.
    public func findAuthority(for name: DNSName, server: DNSServer) async throws -> ZoneAuthority {
        let operation = "lookup of the zone of \(name)"
        var candidate: DNSName? = name
        var found: (zone: DNSName, soa: SOAData)?
        // A CNAME at the name (autodiscover, for example) hides the SOA, so walk towards the root.
        while found == nil, let current = candidate {
            let result = try await query(current, type: .soa, server: server)
            guard result.rcode == .noError || result.rcode == .nameError else {
                throw DNSError(.serverError(result.rcode), server: server, operation: operation)
            }
            if let soaSet = result.answers.first(where: { $0.type == .soa && $0.name == current })
                ?? result.authorities.first(where: { $0.type == .soa && current.isSubdomain(of: $0.name) }),
               case .soa(let soa) = soaSet.records.first {
                found = (soaSet.name, soa)
            }
            candidate = current.parent
        }
        guard let (zone, soa) = found else {
            throw DNSError(.notAuthoritative, server: server, operation: operation)
        }
        let nsResult = try await query(zone, type: .ns, server: server)
        var nameServers: [NameServer] = []
        for case .ns(let host) in nsResult.rrset?.records ?? [] {
            var addresses = nsResult.additionals.filter { $0.name == host && ($0.type == .a || $0.type == .aaaa) }
                .flatMap(\.records).map(\.description)
            if addresses.isEmpty {
                for type in [RecordType.a, .aaaa] {
                    let result = try await query(host, type: type, server: server)
                    addresses += result.rrset?.records.map(\.description) ?? []
                }
            }
            nameServers.append(NameServer(name: host, addresses: addresses))
        }
        return ZoneAuthority(zone: zone, soa: soa, nameServers: nameServers)
    }

    /// Sends an update over TCP, signed with `key` when given, and throws unless the server applied it.
    ///
    /// When a prerequisite fails, the error carries what the server holds now for the RRsets the
    /// prerequisites named.
    public func send(_ update: DNSUpdate, to server: DNSServer, key: TSIGKey?) async throws {
        let operation = "update of zone \(update.zone)"
        if update.names.contains(where: { !$0.isSubdomain(of: update.zone) }) {
            throw DNSError(.notZone, server: server, operation: operation)
        }
        let message = update.message(id: UInt16.random(in: .min ... .max))
        var request = message.encode()
        var requestMAC: [UInt8] = []
        let signer = key.map { TSIGSigner(key: $0) }
        if let signer {
            (request, requestMAC) = signer.sign(request, at: clock())
        }
        let bytes = try await transport.exchangeTCP(request, server: server, operation: operation,
                                                    isReply: Self.replyMatcher(id: message.id))
        let response = try decodeResponse(bytes, server: server, operation: operation)
        if let signer, let key {
            do {
                try signer.verify(response: bytes, message: response, requestMAC: requestMAC, now: clock())
            } catch {
                if case .responseUnsigned = error, response.rcode != .noError {
                    // An unsigned error answer still tells what failed; it cannot have applied anything.
                } else {
                    throw DNSError(Self.kind(of: error, key: key), server: server, operation: operation)
                }
            }
        }
        switch response.rcode {
        case .noError: return
        case .refused: throw DNSError(.refused, server: server, operation: operation)
        case .notAuth: throw DNSError(.notAuthoritative, server: server, operation: operation)
        case .notZone: throw DNSError(.notZone, server: server, operation: operation)
        case .nxRRset, .yxRRset, .nameError, .yxDomain:
            let current = await currentRRsets(update.prerequisiteKeys, server: server)
            throw DNSError(.prerequisiteFailed(response.rcode, current: current), server: server, operation: operation)
        default: throw DNSError(.serverError(response.rcode), server: server, operation: operation)
        }
    }

    /// What the server holds now at the given names and types; lookups that fail are left out.
    private func currentRRsets(_ keys: [(DNSName, RecordType)], server: DNSServer) async -> [RRset] {
        var sets: [RRset] = []
        for (name, type) in keys {
            if let rrset = try? await query(name, type: type, server: server).rrset { sets.append(rrset) }
        }
        return sets
    }

    private func decodeResponse(_ bytes: [UInt8], server: DNSServer, operation: String) throws -> DNSMessage {
        do {
            return try DNSMessage.decode(bytes)
        } catch let error as WireFormatError {
            throw DNSError(.malformedResponse(error.description), server: server, operation: operation)
        }
    }

    /// Accepts a message whose ID matches and whose QR bit marks it as a response.
    static func replyMatcher(id: UInt16) -> @Sendable ([UInt8]) -> Bool {
        { bytes in
            bytes.count >= 12 && UInt16(bytes[0]) << 8 | UInt16(bytes[1]) == id && bytes[2] & 0x80 != 0
        }
    }

    static func kind(of failure: TSIGFailure, key: TSIGKey) -> DNSError.Kind {
        switch failure {
        case .badSignature: .badSignature(key: key.name.description)
        case .badKey: .badKey(key: key.name.description)
        case .badTime(let skew): .badTime(skew: skew)
        case .otherError(let code): .serverError(code)
        case .responseUnsigned: .responseNotAuthenticated("the server's answer carries no TSIG signature")
        case .responseSignatureInvalid: .responseNotAuthenticated("the server's signature does not verify with the key")
        case .responseTimeOutOfRange(let skew):
            .responseNotAuthenticated("the server's signature is \(skew.magnitude) s off this machine's clock")
        }
    }
}
