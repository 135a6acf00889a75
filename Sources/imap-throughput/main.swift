// Measures APPEND and streaming UID FETCH throughput of MailMigIMAP against a real server.
//
// Settings come from the environment (see bench/imap-throughput.sh):
//   MAILMIG_TEST_IMAP_SOURCE_HOST, MAILMIG_TEST_IMAP_SOURCE_TLS_PORT, MAILMIG_TEST_IMAP_CA_FILE,
//   BENCH_USER, BENCH_PASSWORD, BENCH_COUNT (messages per run), BENCH_SIZES (bytes, comma-separated).
import Foundation
import MailMigIMAP

struct BenchmarkError: Error, CustomStringConvertible {
    let description: String
}

func setting(_ name: String, default value: String? = nil) throws -> String {
    if let found = ProcessInfo.processInfo.environment[name], !found.isEmpty { return found }
    if let value { return value }
    throw BenchmarkError(description: "\(name) is not set; run bench/imap-throughput.sh")
}

/// A message of about `size` bytes: headers plus 76-character CRLF lines.
func makeMessage(size: Int, index: Int) -> [UInt8] {
    var bytes = Array("From: bench@example.org\r\nTo: target@example.org\r\nSubject: benchmark \(index)\r\nMessage-ID: <\(index).\(size)@bench.example.org>\r\n\r\n".utf8)
    let line = Array(String(repeating: "0123456789abcdefghijklmnopqrstuvwxyz", count: 3).prefix(76).utf8) + [0x0D, 0x0A]
    while bytes.count < size { bytes += line }
    return bytes
}

func seconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
}

func report(_ label: String, count: Int, bytes: Int, duration: Duration) {
    let time = seconds(duration)
    let rate = Double(count) / time
    let megabytes = Double(bytes) / 1_048_576 / time
    let padded = label.padding(toLength: 32, withPad: " ", startingAt: 0)
    print(padded + String(format: "%6d msgs %8.1f MB %7.2f s %8.0f msg/s %7.1f MB/s",
                          count, Double(bytes) / 1_048_576, time, rate, megabytes))
}

func run() async throws {
    let configuration = IMAPConfiguration(
        host: try setting("MAILMIG_TEST_IMAP_SOURCE_HOST"),
        port: Int(try setting("MAILMIG_TEST_IMAP_SOURCE_TLS_PORT")) ?? 993,
        tls: .implicit,
        trust: .caFile(try setting("MAILMIG_TEST_IMAP_CA_FILE")),
        label: "benchmark")
    let user = try setting("BENCH_USER", default: "bob")
    let password = try setting("BENCH_PASSWORD", default: "secret-\(user)")
    let count = Int(try setting("BENCH_COUNT", default: "2000")) ?? 2000
    let sizes = try setting("BENCH_SIZES", default: "2048,65536,1048576").split(separator: ",").compactMap { Int($0) }
    let batch = Int(try setting("BENCH_BATCH", default: "200")) ?? 200

    let client = try await IMAPClient.connect(configuration)
    try await client.login(.login(user: user, password: password))
    try await client.enable(["CONDSTORE"])
    let clock = ContinuousClock()
    print("server \(configuration.host):\(configuration.port) (TLS), user \(user)")
    for size in sizes {
        let messages = min(count, max(20, (256 * 1_048_576) / max(size, 1)))
        let folder = "bench-\(size)-\(UInt64(Date().timeIntervalSince1970))"
        try await client.create(folder)
        let payloads = (0..<messages).map { AppendMessage(bytes: makeMessage(size: size, index: $0), flags: ["\\Seen"]) }
        let totalBytes = payloads.reduce(0) { $0 + $1.content.count }

        let appendStart = clock.now
        var offset = 0
        while offset < payloads.count {
            let slice = Array(payloads[offset..<min(payloads.count, offset + batch)])
            _ = try await client.append(slice, to: folder)
            offset += slice.count
        }
        report("APPEND pipelined, \(size) B", count: messages, bytes: totalBytes, duration: clock.now - appendStart)

        if await client.supports("MULTIAPPEND") {
            let multiFolder = folder + "-multi"
            try await client.create(multiFolder)
            let multiStart = clock.now
            var position = 0
            while position < payloads.count {
                let slice = Array(payloads[position..<min(payloads.count, position + batch)])
                _ = try await client.multiAppend(slice, to: multiFolder)
                position += slice.count
            }
            report("MULTIAPPEND, \(size) B", count: messages, bytes: totalBytes, duration: clock.now - multiStart)
            try await client.delete(multiFolder)
        }

        try await client.examine(folder)
        let received = await client.bytesReceived
        let fetchStart = clock.now
        var fetched = 0
        var fetchedBytes = 0
        for try await message in try await client.fetch(.all) {
            fetched += 1
            fetchedBytes += message.content?.count ?? 0
        }
        report("UID FETCH stream, \(size) B", count: fetched, bytes: fetchedBytes, duration: clock.now - fetchStart)
        guard fetched == messages else {
            throw BenchmarkError(description: "fetched \(fetched) of \(messages) messages")
        }
        let wire = await client.bytesReceived - received
        print(String(format: "  (%.1f MB read from the socket during the fetch)", Double(wire) / 1_048_576))
        try await client.unselect()
        try await client.delete(folder)
    }
    try await client.logout()
}

do {
    try await run()
} catch {
    FileHandle.standardError.write(Data("imap-throughput: \(error)\n".utf8))
    exit(1)
}
