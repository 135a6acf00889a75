import NIOCore
import NIOEmbedded
import Testing
import MailMigTLS
@testable import MailMigIMAP

@Suite("STARTTLS injection guard")
struct StartTLSGuardTests {
    static func channel(_ guardian: StartTLSGuard) throws -> EmbeddedChannel {
        let channel = EmbeddedChannel()
        try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(ResponseFramer(startTLSGuard: guardian)))
        return channel
    }

    static func responses(_ channel: EmbeddedChannel) throws -> [IMAPResponse] {
        var out: [IMAPResponse] = []
        while let framed = try channel.readInbound(as: FramedResponse.self) { out.append(framed.response) }
        return out
    }

    @Test func plaintextAfterTheAnswerIsHeldBackAndReported() throws {
        let guardian = StartTLSGuard()
        let channel = try Self.channel(guardian)
        guardian.arm()
        try channel.writeInbound(ByteBuffer(string: "* OK still plain\r\nM1 OK Begin TLS now\r\n* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] injected\r\n"))
        let delivered = try Self.responses(channel)
        #expect(delivered.count == 2)
        #expect(delivered.last == .tagged(tag: "M1", StatusResponseLine(status: .ok, code: nil, text: "Begin TLS now")))
        #expect(guardian.release())
        _ = try? channel.finish()
    }

    @Test func strayBytesInALaterReadAreReportedToo() throws {
        let guardian = StartTLSGuard()
        let channel = try Self.channel(guardian)
        guardian.arm()
        try channel.writeInbound(ByteBuffer(string: "M1 OK Begin TLS now\r\n"))
        try channel.writeInbound(ByteBuffer(string: "* OK injected\r\n"))
        #expect(try Self.responses(channel).count == 1)
        #expect(guardian.release())
        _ = try? channel.finish()
    }

    @Test func cleanAnswerPassesAndReadingResumes() throws {
        let guardian = StartTLSGuard()
        let channel = try Self.channel(guardian)
        guardian.arm()
        try channel.writeInbound(ByteBuffer(string: "M1 OK Begin TLS now\r\n"))
        #expect(try Self.responses(channel).count == 1)
        #expect(!guardian.release())
        try channel.writeInbound(ByteBuffer(string: "* CAPABILITY IMAP4rev1\r\nM2 OK done\r\n"))
        #expect(try Self.responses(channel).count == 2)
        _ = try? channel.finish()
    }
}
