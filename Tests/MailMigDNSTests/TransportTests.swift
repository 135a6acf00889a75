import Foundation
import NIOCore
import NIOPosix
import Testing
@testable import MailMigDNS

@Suite("Queries and updates over UDP and TCP")
struct TransportTests {
    static let name = try? DNSName("acme.test")

    static func mx(_ preference: UInt16) throws -> ResourceRecord {
        ResourceRecord(name: try #require(name), ttl: 60, data: .mx(preference: preference, exchange: try DNSName("mx.test")))
    }

    @Test("a lost UDP answer is retried and the second answer is used")
    func retry() async throws {
        let record = try Self.mx(10)
        let server = try await FakeDNSServer(udp: { count, request in
            count == 1 ? [] : [FakeDNSServer.reply(to: request, answers: [record])]
        })
        let client = DNSClient(timeout: .milliseconds(200), attempts: 3)
        let result = try await client.query(try #require(Self.name), type: .mx, server: server.server)
        #expect(result.rrset?.records == [record.data])
        #expect(server.udpRequests == 2)
        await server.stop()
    }

    @Test("no answer at all times out after every attempt, naming the server")
    func timeout() async throws {
        let server = try await FakeDNSServer(udp: { _, _ in [] })
        let client = DNSClient(timeout: .milliseconds(150), attempts: 2)
        let start = ContinuousClock.now
        let error = try await #require(throws: DNSError.self) {
            try await client.query(try #require(Self.name), type: .mx, server: server.server)
        }
        #expect(error.kind == .timeout(attempts: 2, seconds: 0.15))
        #expect(error.description.contains("127.0.0.1:\(server.port)"))
        #expect(error.description.contains("query for acme.test. MX"))
        #expect(ContinuousClock.now - start >= .milliseconds(300))
        #expect(server.udpRequests == 2)
        await server.stop()
    }

    @Test("a truncated UDP answer is asked again over TCP")
    func tcpFallback() async throws {
        let records = try (1...3).map { try Self.mx(UInt16($0)) }
        let server = try await FakeDNSServer(
            udp: { _, request in [FakeDNSServer.reply(to: request, truncated: true)] },
            tcp: { _, request in [FakeDNSServer.reply(to: request, answers: records)] })
        let result = try await DNSClient().query(try #require(Self.name), type: .mx, server: server.server)
        #expect(result.rrset?.records.count == 3)
        #expect(server.udpRequests == 1)
        #expect(server.tcpRequests == 1)
        await server.stop()
    }

    @Test("answers with another ID are ignored")
    func mismatchedID() async throws {
        let record = try Self.mx(10)
        let decoy = try Self.mx(99)
        let server = try await FakeDNSServer(udp: { _, request in
            let id = UInt16(request[0]) << 8 | UInt16(request[1])
            return [FakeDNSServer.reply(to: request, answers: [decoy], id: id &+ 1),
                    FakeDNSServer.reply(to: request, answers: [record])]
        })
        let result = try await DNSClient().query(try #require(Self.name), type: .mx, server: server.server)
        #expect(result.rrset?.records == [record.data])
        await server.stop()
    }

    @Test("an answer for another question or with broken bytes is a malformed response")
    func malformedAnswers() async throws {
        let wrongQuestion = try await FakeDNSServer(udp: { _, request in
            guard var message = try? DNSMessage.decode(FakeDNSServer.reply(to: request)) else { return [] }
            message.questions = [Question(name: .root, type: .mx)]
            return [message.encode()]
        })
        let error = try await #require(throws: DNSError.self) {
            try await DNSClient().query(try #require(Self.name), type: .mx, server: wrongQuestion.server)
        }
        #expect(error.kind == .malformedResponse("the answer is for another question"))
        await wrongQuestion.stop()

        let broken = try await FakeDNSServer(udp: { _, request in [FakeDNSServer.reply(to: request) + [0xFF]] })
        let brokenError = try await #require(throws: DNSError.self) {
            try await DNSClient().query(try #require(Self.name), type: .mx, server: broken.server)
        }
        guard case .malformedResponse = brokenError.kind else {
            Issue.record("expected a malformed response, got \(brokenError)")
            return
        }
        await broken.stop()
    }

    @Test("nothing listening: an update gets connection refused, a query too")
    func connectionRefused() async throws {
        let port = try await Self.unusedPort()
        let server = DNSServer(host: "127.0.0.1", port: port)
        var update = DNSUpdate(zone: try #require(Self.name))
        update.add(.txt("x"), at: try #require(Self.name), ttl: 60)
        let error = try await #require(throws: DNSError.self) {
            try await DNSClient(timeout: .seconds(1)).send(update, to: server, key: nil)
        }
        #expect(error.kind == .connectionRefused)
        #expect(error.description == "DNS update of zone acme.test. at 127.0.0.1:\(port) failed: connection refused; "
            + "is a DNS server listening on that address and port?")
        let queryError = try await #require(throws: DNSError.self) {
            try await DNSClient(timeout: .seconds(1), attempts: 1).query(try #require(Self.name), type: .a, server: server)
        }
        #expect(queryError.kind == .connectionRefused)
    }

    @Test("update response codes become typed errors with their explanation", arguments: [
        (ResponseCode.refused, "the server refused the update: is the key allowed to update this zone?"),
        (.notAuth, "NOTAUTH"),
        (.notZone, "NOTZONE"),
        (.serverFailure, "the server answered SERVFAIL"),
    ])
    func updateErrors(rcode: ResponseCode, text: String) async throws {
        let server = try await FakeDNSServer(udp: { _, _ in [] },
                                             tcp: { _, request in [FakeDNSServer.reply(to: request, rcode: rcode)] })
        var update = DNSUpdate(zone: try #require(Self.name))
        update.deleteRRset(try #require(Self.name), type: .mx)
        let error = try await #require(throws: DNSError.self) {
            try await DNSClient().send(update, to: server.server, key: nil)
        }
        #expect(error.description.contains(text))
        #expect(error.description.contains("update of zone acme.test."))
        await server.stop()
    }

    @Test("a failed prerequisite reports what the server holds now")
    func prerequisiteFailure() async throws {
        let current = try Self.mx(20)
        let server = try await FakeDNSServer(
            udp: { _, request in [FakeDNSServer.reply(to: request, answers: [current])] },
            tcp: { _, request in [FakeDNSServer.reply(to: request, rcode: .nxRRset)] })
        let zone = try #require(Self.name)
        var update = DNSUpdate(zone: zone)
        update.replace(RRset(name: zone, type: .mx, ttl: 60, records: [try Self.mx(10).data]),
                       with: RRset(name: zone, type: .mx, ttl: 60, records: [try Self.mx(30).data]))
        let error = try await #require(throws: DNSError.self) {
            try await DNSClient().send(update, to: server.server, key: nil)
        }
        #expect(error.kind == .prerequisiteFailed(.nxRRset, current: [RRset(name: zone, type: .mx, ttl: 60, records: [current.data])]))
        #expect(error.reason == "the record changed since it was planned (NXRRSET): now acme.test. 60 MX 20 mx.test.")
        await server.stop()
    }

    @Test("a signed update whose answer is unsigned is not trusted")
    func unsignedAnswerToSignedUpdate() async throws {
        let server = try await FakeDNSServer(udp: { _, _ in [] },
                                             tcp: { _, request in [FakeDNSServer.reply(to: request)] })
        var update = DNSUpdate(zone: try #require(Self.name))
        update.deleteRRset(try #require(Self.name), type: .mx)
        let key = TSIGKey(name: try DNSName("k"), algorithm: .hmacSHA256, secret: [1, 2, 3])
        let error = try await #require(throws: DNSError.self) {
            try await DNSClient().send(update, to: server.server, key: key)
        }
        guard case .responseNotAuthenticated = error.kind else {
            Issue.record("expected an unauthenticated response, got \(error)")
            return
        }
        await server.stop()
    }

    @Test("a TCP server that closes without answering is reported")
    func closedConnection() async throws {
        let server = try await FakeDNSServer(udp: { _, _ in [] }, tcp: { _, _ in [[]] })
        var update = DNSUpdate(zone: try #require(Self.name))
        update.deleteRRset(try #require(Self.name), type: .mx)
        let error = try await #require(throws: DNSError.self) {
            try await DNSClient(timeout: .seconds(1)).send(update, to: server.server, key: nil)
        }
        #expect(error.kind == .connectionClosed)
        #expect(error.reason == "the server closed the connection without answering")
        await server.stop()
    }

    /// A TCP and UDP port on 127.0.0.1 that nothing listens on (bound once, then released).
    static func unusedPort() async throws -> Int {
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .bind(host: "127.0.0.1", port: 0).get()
        let port = channel.localAddress?.port ?? 0
        try await channel.close()
        return port
    }
}
