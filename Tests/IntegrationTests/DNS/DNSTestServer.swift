import Foundation
import MailMigDNS

/// The BIND 9 that `scripts/testenv/bind9.sh` runs, as described by its environment file.
struct DNSTestServer {
    let server: DNSServer
    let zone: DNSName
    let otherZone: DNSName
    let key: TSIGKey
    let key512: TSIGKey
    let ungrantedKey: TSIGKey
    let nsupdateKeyFile: String

    init() throws {
        server = DNSServer(host: try TestEnvironment.require("MAILMIG_TEST_DNS_HOST"),
                           port: try TestEnvironment.requireInt("MAILMIG_TEST_DNS_PORT"))
        zone = try DNSName(try TestEnvironment.require("MAILMIG_TEST_DNS_ZONE"))
        otherZone = try DNSName(try TestEnvironment.require("MAILMIG_TEST_DNS_OTHER_ZONE"))
        key = try Self.key("MAILMIG_TEST_DNS_KEY")
        key512 = try Self.key("MAILMIG_TEST_DNS_KEY512")
        ungrantedKey = try Self.key("MAILMIG_TEST_DNS_UNGRANTED_KEY")
        nsupdateKeyFile = try TestEnvironment.require("MAILMIG_TEST_DNS_NSUPDATE_KEYFILE")
    }

    private static func key(_ prefix: String) throws -> TSIGKey {
        try TSIGKey(name: try TestEnvironment.require("\(prefix)_NAME"),
                    algorithm: try TSIGAlgorithm(name: try TestEnvironment.require("\(prefix)_ALGORITHM")),
                    base64Secret: try TestEnvironment.require("\(prefix)_SECRET"))
    }

    /// A name under `zone` that no earlier test run has used.
    func uniqueName(_ prefix: String, in zone: DNSName? = nil) throws -> DNSName {
        let suffix = UUID().uuidString.prefix(8).lowercased()
        return try (zone ?? self.zone).prepending("\(prefix)-\(suffix)")
    }

    /// The values `dig` prints for `name` and `type`, sorted (with `+short` formatting).
    func dig(_ name: DNSName, _ type: RecordType) throws -> [String] {
        let output = try run(["dig", "+short", "+tcp", "-p", String(server.port), "@\(server.host)",
                              name.description, type.description])
        return output.split(separator: "\n").map(String.init).sorted()
    }

    /// The TTL `dig` reports for the RRset, or nil when it has none.
    func digTTL(_ name: DNSName, _ type: RecordType) throws -> Int? {
        let output = try run(["dig", "+noall", "+answer", "-p", String(server.port), "@\(server.host)",
                              name.description, type.description])
        return output.split(separator: "\n").first.flatMap { line in
            line.split(whereSeparator: { $0 == " " || $0 == "\t" }).dropFirst().first.flatMap { Int($0) }
        }
    }

    /// Runs `nsupdate -k` with the sha256 key on the given commands (`send` is appended).
    func nsupdate(_ commands: [String]) throws {
        let script = (["server \(server.host) \(server.port)"] + commands + ["send", ""]).joined(separator: "\n")
        _ = try run(["nsupdate", "-k", nsupdateKeyFile], input: script)
    }

    @discardableResult
    private func run(_ arguments: [String], input: String? = nil) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        let output = Pipe()
        let errors = Pipe()
        let stdin = Pipe()
        process.standardOutput = output
        process.standardError = errors
        process.standardInput = stdin
        try process.run()
        if let input { stdin.fileHandleForWriting.write(Data(input.utf8)) }
        try stdin.fileHandleForWriting.close()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        let errorData = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw CommandFailed(command: arguments.joined(separator: " "),
                                output: String(decoding: errorData + data, as: UTF8.self))
        }
        return String(decoding: data, as: UTF8.self)
    }

    /// A reference client (`dig`, `nsupdate`) failed.
    struct CommandFailed: Error, CustomStringConvertible {
        let command: String
        let output: String
        var description: String { "\(command) failed: \(output)" }
    }
}
