import Foundation
import NIOCore
import NIOPosix
import Synchronization

/// A POP3 server on a loopback port serving one scripted maildrop, so the store connects to it exactly
/// as to a real one (TCP, no TLS).
///
/// It answers like a well-behaved server (RFC 1939 with CAPA, response codes and AUTH PLAIN), has
/// switches for what limited or broken servers do, and records every command line it receives, on
/// every connection. The script may be changed between sessions (mail arriving, a fault armed).
final class ScriptedPOP3Server: Sendable {
    /// One message of the maildrop.
    struct Message: Sendable {
        /// What UIDL gives it; nil leaves it out of UIDL's answer.
        var uniqueID: String?
        /// The exact bytes RETR delivers (before dot-stuffing on the wire).
        var bytes: [UInt8]
        /// The size LIST announces, when it is not the byte count.
        var listedSize: Int?

        init(_ text: String, id: String?, listedSize: Int? = nil) {
            self.init(bytes: Array(text.utf8), id: id, listedSize: listedSize)
        }

        init(bytes: [UInt8], id: String?, listedSize: Int? = nil) {
            self.bytes = bytes
            self.uniqueID = id
            self.listedSize = listedSize
        }
    }

    /// What the server is and holds.
    struct Script: Sendable {
        var greeting = "+OK scripted POP3 ready <1896.697170952@pop.test>"
        /// CAPA's lines; nil answers CAPA with -ERR, as an RFC 1939 server without RFC 2449.
        var capabilities: [String]? = ["TOP", "UIDL", "USER", "RESP-CODES", "AUTH-RESP-CODE", "SASL PLAIN"]
        /// Login names (the authentication identity for AUTH PLAIN) and their passwords.
        var accounts: [String: String] = ["alice@acme.test": "pop-secret"]
        var messages: [Message] = []
        /// UIDL is answered -ERR.
        var refusesUIDL = false
        /// TOP is answered -ERR.
        var refusesTOP = false
        /// RETR and TOP of these message-numbers are answered -ERR.
        var refusedNumbers: Set<Int> = []
        /// The next this many logins are answered `-ERR [IN-USE]`.
        var loginsInUse = 0
        /// The connection is closed instead of answering RETR of this message-number, once.
        var dropAtRETR: Int?
    }

    /// What happened so far.
    struct Record: Sendable {
        /// Every command line received, in order, without its CRLF.
        var lines: [String] = []
        /// Connections accepted.
        var connections = 0
        /// The authorization identity of the last AUTH PLAIN that logged in ("" when none was given).
        var authorizationIdentity: String?
    }

    /// The port it listens on at 127.0.0.1.
    let port: Int
    private let channel: any Channel
    let shared: Shared

    /// The state connections share.
    final class Shared: Sendable {
        let script: Mutex<Script>
        let record = Mutex(Record())
        init(_ script: Script) { self.script = Mutex(script) }
    }

    private init(port: Int, channel: any Channel, shared: Shared) {
        self.port = port
        self.channel = channel
        self.shared = shared
    }

    /// Starts listening on a free loopback port.
    static func start(_ script: Script) async throws -> ScriptedPOP3Server {
        let shared = Shared(script)
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(POP3Conversation(shared: shared))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        guard let port = channel.localAddress?.port else { throw ServerError(description: "the server has no port") }
        return ScriptedPOP3Server(port: port, channel: channel, shared: shared)
    }

    /// Stops listening.
    func stop() async {
        try? await channel.close()
    }

    /// Changes the script.
    func change(_ body: @Sendable (inout Script) -> Void) {
        shared.script.withLock { body(&$0) }
    }

    /// What happened so far.
    var record: Record { shared.record.withLock { $0 } }

    /// The command names received (`USER`, `RETR`, …), in order.
    var commands: [String] { record.lines.map { String($0.split(separator: " ").first ?? "").uppercased() } }

    struct ServerError: Error, CustomStringConvertible {
        var description: String
    }
}

/// One connection's conversation: reads command lines, answers from the shared script.
final class POP3Conversation: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    let shared: ScriptedPOP3Server.Shared
    private var pending: [UInt8] = []
    private var user: String?
    private var loggedIn = false
    private var awaitingPlainResponse = false

    init(shared: ScriptedPOP3Server.Shared) { self.shared = shared }

    func channelActive(context: ChannelHandlerContext) {
        shared.record.withLock { $0.connections += 1 }
        send([shared.script.withLock { $0.greeting }], context: context)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var buffer = unwrapInboundIn(data)
        pending += buffer.readBytes(length: buffer.readableBytes) ?? []
        while let end = pending.firstIndex(of: UInt8(ascii: "\n")) {
            var line = Array(pending[..<end])
            pending.removeFirst(end + 1)
            if line.last == UInt8(ascii: "\r") { line.removeLast() }
            shared.record.withLock { $0.lines.append(String(decoding: line, as: UTF8.self)) }
            answer(String(decoding: line, as: UTF8.self), context: context)
        }
    }

    private func answer(_ line: String, context: ChannelHandlerContext) {
        let script = shared.script.withLock { $0 }
        if awaitingPlainResponse {
            awaitingPlainResponse = false
            send([plainLogin(line, script: script)], context: context)
            return
        }
        let words = line.split(separator: " ").map(String.init)
        let command = words.first?.uppercased() ?? ""
        let number = words.count > 1 ? Int(words[1]) : nil
        let message = number.flatMap { $0 >= 1 && $0 <= script.messages.count ? script.messages[$0 - 1] : nil }
        switch command {
        case "CAPA":
            send(script.capabilities.map { ["+OK Capability list follows"] + $0 + ["."] } ?? ["-ERR unknown command"], context: context)
        case "USER":
            user = words.count > 1 ? words[1] : nil
            send(["+OK"], context: context)
        case "PASS":
            send([passwordLogin(user: user, password: words.dropFirst().joined(separator: " "), script: script)], context: context)
        case "AUTH" where words.count == 2 && words[1].uppercased() == "PLAIN":
            awaitingPlainResponse = true
            send(["+ "], context: context)
        case "AUTH" where words.count == 3 && words[1].uppercased() == "PLAIN":
            send([plainLogin(words[2], script: script)], context: context)
        case "QUIT":
            let channel = context.channel
            context.writeAndFlush(wrapOutboundOut(ByteBuffer(string: "+OK Logging out\r\n"))).whenComplete { _ in channel.close(promise: nil) }
        case "NOOP", "RSET":
            send(["+OK"], context: context)
        case _ where !loggedIn:
            send(["-ERR not logged in"], context: context)
        case "STAT":
            send(["+OK \(script.messages.count) \(script.messages.reduce(0) { $0 + Self.size($1) })"], context: context)
        case "LIST":
            send(["+OK"] + script.messages.enumerated().map { "\($0.offset + 1) \(Self.size($0.element))" } + ["."], context: context)
        case "UIDL":
            if script.refusesUIDL { return send(["-ERR unknown command"], context: context) }
            let lines = script.messages.enumerated().compactMap { entry in entry.element.uniqueID.map { "\(entry.offset + 1) \($0)" } }
            send(["+OK"] + lines + ["."], context: context)
        case "TOP":
            guard let message, let number, !script.refusesTOP, !script.refusedNumbers.contains(number) else {
                return send(["-ERR no such message"], context: context)
            }
            sendData(Self.header(of: message.bytes), context: context)
        case "RETR":
            guard let message, let number, !script.refusedNumbers.contains(number) else { return send(["-ERR no such message"], context: context) }
            if script.dropAtRETR == number {
                shared.script.withLock { $0.dropAtRETR = nil }
                context.close(promise: nil)
                return
            }
            sendData(message.bytes, context: context)
        case "DELE":
            send(["+OK marked"], context: context)
        default:
            send(["-ERR unknown command"], context: context)
        }
    }

    private func passwordLogin(user: String?, password: String, script: ScriptedPOP3Server.Script) -> String {
        if let refusal = inUse() { return refusal }
        guard let user, script.accounts[user] == password else { return "-ERR [AUTH] Authentication failed." }
        loggedIn = true
        return "+OK Logged in."
    }

    private func plainLogin(_ response: String, script: ScriptedPOP3Server.Script) -> String {
        if let refusal = inUse() { return refusal }
        guard let data = Data(base64Encoded: response) else { return "-ERR [AUTH] not base64" }
        let parts = data.split(separator: 0, omittingEmptySubsequences: false).map { String(decoding: $0, as: UTF8.self) }
        guard parts.count == 3, script.accounts[parts[1]] == parts[2] else { return "-ERR [AUTH] Authentication failed." }
        loggedIn = true
        shared.record.withLock { $0.authorizationIdentity = parts[0] }
        return "+OK Logged in."
    }

    private func inUse() -> String? {
        let busy = shared.script.withLock { script -> Bool in
            guard script.loginsInUse > 0 else { return false }
            script.loginsInUse -= 1
            return true
        }
        return busy ? "-ERR [IN-USE] Mailbox is locked by another session." : nil
    }

    private func send(_ lines: [String], context: ChannelHandlerContext) {
        context.writeAndFlush(wrapOutboundOut(ByteBuffer(string: lines.map { $0 + "\r\n" }.joined())), promise: nil)
    }

    /// `+OK`, the data dot-stuffed and ended with CRLF, then `.` (RFC 1939 §3).
    private func sendData(_ bytes: [UInt8], context: ChannelHandlerContext) {
        var wire = Array("+OK\r\n".utf8)
        var atLineStart = true
        for (index, byte) in bytes.enumerated() {
            if atLineStart, byte == UInt8(ascii: ".") { wire.append(byte) }
            wire.append(byte)
            atLineStart = byte == UInt8(ascii: "\n") && index > 0 && bytes[index - 1] == UInt8(ascii: "\r")
        }
        if !bytes.isEmpty, !bytes.suffix(2).elementsEqual([13, 10]) { wire += [13, 10] }
        wire += Array(".\r\n".utf8)
        context.writeAndFlush(wrapOutboundOut(ByteBuffer(bytes: wire)), promise: nil)
    }

    static func size(_ message: ScriptedPOP3Server.Message) -> Int { message.listedSize ?? message.bytes.count }

    /// The header section and the empty line after it, as TOP n 0 answers.
    static func header(of bytes: [UInt8]) -> [UInt8] {
        let blank: [UInt8] = [13, 10, 13, 10]
        guard bytes.count >= 4 else { return bytes }
        for index in 0...(bytes.count - 4) where bytes[index..<(index + 4)].elementsEqual(blank) {
            return Array(bytes[..<(index + 4)])
        }
        return bytes
    }
}
