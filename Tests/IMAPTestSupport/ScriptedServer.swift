import Logging
import NIOCore
import NIOEmbedded
@testable import MailMigIMAP

/// An `IMAPClient` on an in-memory channel: the test plays the server, line by line.
public struct ScriptedServer: Sendable {
    /// The in-memory channel: the server's side.
    public let channel: NIOAsyncTestingChannel
    /// The client under test.
    public let client: IMAPClient

    /// The client's end of the in-memory connection, as a real one would have an ephemeral port.
    public static let localPort = 50143

    /// The greeting sent when the test gives none.
    public static let defaultGreeting = "* OK [CAPABILITY IMAP4rev1 LITERAL+ SASL-IR AUTH=PLAIN AUTH=XOAUTH2 ENABLE] ready"

    /// A client connected to the test; with `instead`, the server side is that feed from the first
    /// byte and no greeting is sent. `tls` is what the client's configuration says; the in-memory
    /// channel itself has no TLS.
    public static func start(
        greeting: String = defaultGreeting,
        tls: IMAPConfiguration.TLSMode = .none,
        instead feed: (@Sendable (NIOAsyncTestingChannel) -> PacedFeed)? = nil,
        readTimeout: Double = 30,
        fetchBufferDepth: Int = 2,
        maximumResponseSize: Int = IMAPConfiguration.defaultMaximumResponseSize,
        minimumTransferRate: Int = IMAPConfiguration.defaultMinimumTransferRate,
        spoolThreshold: Int? = IMAPConfiguration.defaultSpoolThreshold,
        spoolDirectory: String? = nil,
        logger: Logger = Logger(label: "mailmig.imap")
    ) async throws -> ScriptedServer {
        let channel = NIOAsyncTestingChannel()
        try await channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 143))
        channel.localAddress = try SocketAddress(ipAddress: "127.0.0.1", port: localPort)
        let configuration = IMAPConfiguration(host: "127.0.0.1", port: 143, tls: tls, readTimeout: readTimeout,
                                              label: "scripted", fetchBufferDepth: fetchBufferDepth,
                                              maximumResponseSize: maximumResponseSize, minimumTransferRate: minimumTransferRate,
                                              spoolThreshold: spoolThreshold, spoolDirectory: spoolDirectory)
        let shared = InboundShared()
        let asyncChannel = try await channel.testingEventLoop.executeInContext {
            try ChannelSetup.wrapSynchronously(channel, configuration: configuration, shared: shared)
        }
        if let feed {
            _ = feed(channel)
        } else {
            try await channel.writeInbound(ByteBuffer(string: greeting + "\r\n"))
        }
        let client = try await IMAPClient.attach(asyncChannel, configuration: configuration, shared: shared, logger: logger)
        return ScriptedServer(channel: channel, client: client)
    }

    /// Sends server lines (CRLF appended to each).
    public func send(_ lines: String...) async throws {
        for line in lines { try await channel.writeInbound(ByteBuffer(string: line + "\r\n")) }
    }

    /// Sends raw bytes.
    public func send(bytes: [UInt8]) async throws {
        try await channel.writeInbound(ByteBuffer(bytes: bytes))
    }

    /// Collects what the client wrote until the text ends with `terminator`.
    public func received(until terminator: String = "\r\n") async throws -> String {
        var bytes: [UInt8] = []
        while true {
            var buffer = try await channel.waitForOutboundWrite(as: ByteBuffer.self)
            bytes += buffer.readBytes(length: buffer.readableBytes) ?? []
            if String(decoding: bytes, as: UTF8.self).hasSuffix(terminator) { break }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Raw bytes the client wrote until they end with CRLF.
    public func receivedBytes() async throws -> [UInt8] {
        var bytes: [UInt8] = []
        repeat {
            var buffer = try await channel.waitForOutboundWrite(as: ByteBuffer.self)
            bytes += buffer.readBytes(length: buffer.readableBytes) ?? []
        } while !(bytes.suffix(2) == [0x0D, 0x0A])
        return bytes
    }

    /// Logs in with LOGIN, the server granting `capabilities`.
    public func login(capabilities: String) async throws {
        async let done: Void = client.login(.login(user: "alice", password: "pw"))
        _ = try await received()
        try await send("M1 OK [CAPABILITY \(capabilities)] Logged in")
        try await done
    }

    /// Selects INBOX with the given UIDVALIDITY.
    public func selectInbox(tag: String, exists: Int = 2) async throws {
        async let selected = client.select("INBOX")
        _ = try await received()
        try await send("* \(exists) EXISTS", "* OK [UIDVALIDITY 77] ok", "* OK [UIDNEXT 10] ok", "* OK [HIGHESTMODSEQ 5] ok",
                       "\(tag) OK [READ-WRITE] done")
        _ = try await selected
    }
}
