import NIOCore
import NIOEmbedded
import MailMigTLS
@testable import MailMigPOP3

/// A `POP3Client` on an in-memory channel: the test plays the server, line by line.
struct ScriptedPOP3Server {
    let channel: NIOAsyncTestingChannel
    let client: POP3Client

    static let defaultGreeting = "+OK POP3 server ready <1896.697170952@dbc.mtview.ca.us>"

    static func start(
        greeting: String = defaultGreeting,
        commandTimeout: Double = 30,
        minimumTransferRate: Int = 4096,
        maximumLineLength: Int = 8192,
        maximumListingSize: Int = 1 << 20,
        trust: TLSTrust = .systemRoots,
        startTLSGuard: StartTLSGuard? = nil
    ) async throws -> ScriptedPOP3Server {
        let channel = NIOAsyncTestingChannel()
        try await channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 110))
        let configuration = POP3Configuration(
            host: "127.0.0.1", port: 110, tls: startTLSGuard == nil ? .none : .startTLS, trust: trust,
            commandTimeout: commandTimeout, minimumTransferRate: minimumTransferRate,
            maximumLineLength: maximumLineLength, maximumListingSize: maximumListingSize, label: "scripted")
        let asyncChannel = try await channel.testingEventLoop.executeInContext {
            try ChannelSetup.wrapSynchronously(channel, configuration: configuration, startTLSGuard: startTLSGuard)
        }
        try await channel.writeInbound(ByteBuffer(string: greeting + "\r\n"))
        let client = try await POP3Client.attach(asyncChannel, configuration: configuration, startTLSGuard: startTLSGuard)
        return ScriptedPOP3Server(channel: channel, client: client)
    }

    /// Sends server lines (CRLF appended to each).
    func send(_ lines: String...) async throws {
        for line in lines { try await channel.writeInbound(ByteBuffer(string: line + "\r\n")) }
    }

    /// Sends raw bytes.
    func send(bytes: [UInt8]) async throws {
        try await channel.writeInbound(ByteBuffer(bytes: bytes))
    }

    /// The next line the client wrote, CRLF included.
    func received() async throws -> String {
        var bytes: [UInt8] = []
        repeat {
            var buffer = try await channel.waitForOutboundWrite(as: ByteBuffer.self)
            bytes += buffer.readBytes(length: buffer.readableBytes) ?? []
        } while !(bytes.suffix(2) == [0x0D, 0x0A])
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Answers the client's CAPA with these capability lines.
    func answerCAPA(_ lines: [String]) async throws {
        _ = try await received()
        try await send(["+OK Capability list follows"] + lines + ["."])
    }

    /// Sends several lines given as an array.
    func send(_ lines: [String]) async throws {
        for line in lines { try await send(line) }
    }

    /// Logs in with USER/PASS, answering both `+OK` and the CAPA that follows with `capabilities`.
    func login(capabilities: [String] = ["UIDL", "TOP", "USER"]) async throws {
        async let done: Void = client.login(.user(name: "alice", password: "pw"))
        _ = try await received()
        try await send("+OK")
        _ = try await received()
        try await send("+OK Logged in.")
        try await answerCAPA(capabilities)
        try await done
    }
}
