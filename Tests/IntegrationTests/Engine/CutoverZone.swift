import Foundation

/// The zone `cutover.test` of the test BIND server, which only the engine's end-to-end tests change,
/// with `dig` and `nsupdate` to look at it and change it the way an operator would.
struct CutoverZone {
    let host: String
    let port: Int
    let keyName: String
    let keyFile: String
    let nsupdateKeyFile: String
    let zone = "cutover.test"

    static let originalMX = "10 mx.oldmail.test."
    static let originalCNAME = "autodiscover.oldmail.test."
    static let originalSPF = "\"v=spf1 include:spf.oldmail.test -all\""
    static let originalVerification = "\"mailmig-verification=cutover-0001\""
    static let newMX = "10 mx.newmail.test."
    static let newCNAME = "autodiscover.newmail.test."
    static let newSPF = "\"v=spf1 include:spf.newmail.test -all\""
    static let verifyValue = "MS=ms-e2e-0001"

    /// Reads the server and key from the test environment.
    init() throws {
        host = try TestEnvironment.require("MAILMIG_TEST_DNS_HOST")
        port = try TestEnvironment.requireInt("MAILMIG_TEST_DNS_PORT")
        keyName = try TestEnvironment.require("MAILMIG_TEST_DNS_KEY_NAME")
        keyFile = try TestEnvironment.require("MAILMIG_TEST_DNS_KEY_FILE")
        nsupdateKeyFile = try TestEnvironment.require("MAILMIG_TEST_DNS_NSUPDATE_KEYFILE")
    }

    /// `host:port`, as mailmig names the server.
    var server: String { "\(host):\(port)" }

    /// Puts the zone's mail records back to what `scripts/testenv/bind9.sh` creates.
    func restore() throws {
        try nsupdate([
            "update delete \(zone). MX",
            "update delete \(zone). TXT",
            "update delete autodiscover.\(zone). CNAME",
            "update add \(zone). 3600 MX \(Self.originalMX)",
            "update add \(zone). 3600 TXT \(Self.originalVerification)",
            "update add \(zone). 3600 TXT \(Self.originalSPF)",
            "update add autodiscover.\(zone). 3600 CNAME \(Self.originalCNAME)",
        ])
    }

    /// Sends `commands` with `nsupdate`, signed with the granted key, like an operator changing records by hand.
    func nsupdate(_ commands: [String]) throws {
        let script = (["server \(host) \(port)", "zone \(zone)."] + commands + ["send", ""]).joined(separator: "\n")
        let result = try Self.run("/usr/bin/env", ["nsupdate", "-k", nsupdateKeyFile], input: script)
        guard result.status == 0 else { throw ToolFailed(description: "nsupdate failed (\(result.status)): \(result.output)") }
    }

    /// The RRset at `name` (relative to the zone, `@` for the apex) as `dig` sees it: TTL and sorted values.
    func dig(_ name: String, _ type: String) throws -> (ttl: Int?, values: [String]) {
        let owner = name == "@" ? "\(zone)." : "\(name).\(zone)."
        let result = try Self.run("/usr/bin/env", ["dig", "+noall", "+answer", "+time=2", "+tries=2", "-p", "\(port)", "@\(host)", owner, type])
        guard result.status == 0 else { throw ToolFailed(description: "dig failed (\(result.status)): \(result.output)") }
        var ttl: Int?
        var values: [String] = []
        for line in result.output.split(separator: "\n") {
            let fields = line.split(maxSplits: 4, omittingEmptySubsequences: true) { $0 == " " || $0 == "\t" }
            guard fields.count == 5, fields[3] == type else { continue }
            ttl = Int(fields[1])
            values.append(String(fields[4]))
        }
        return (ttl, values.sorted())
    }

    /// A plan that manages the zone through mailmig's RFC 2136 provider; `secretFile` overrides the key file.
    func plan(route: String, secretFile: String? = nil) -> String {
        """
        mailmig: 1
        name: cutover-end-to-end
        source:
          imap: { host: imap.oldmail.test, port: 993, tls: implicit }
          login: { admin: { user: admin, password: env:CUTOVER_TEST_PASSWORD }, style: master-user }
        target:
          imap: { host: imap.newmail.test, port: 993, tls: implicit }
          login: { admin: { user: admin, password: env:CUTOVER_TEST_PASSWORD }, style: master-user }
        dns:
          providers:
            bind:
              rfc2136:
                server: \(server)
                key: { name: \(keyName), algorithm: hmac-sha256, secret: "file:\(secretFile ?? keyFile)" }
                check_servers: ["\(server)"]
        domains:
          - name: \(zone)
            dns: bind
            verify: { type: TXT, value: "\(Self.verifyValue)" }
            route: \(route)
            cutover:
              lower_ttl_to: 300
              records:
                - { type: MX, values: ["\(Self.newMX)"] }
                - { name: autodiscover, type: CNAME, values: ["\(Self.newCNAME)"] }
                - { type: TXT, match: "v=spf1", values: ["v=spf1 include:spf.newmail.test -all"] }

        """
    }

    /// A fresh folder holding `mailmig.yaml` with the plan routed to `route`.
    func workspace(route: String = "source") throws -> URL {
        let folder = try MailMigBinary.temporaryFolder()
        try write(route: route, in: folder)
        return folder
    }

    /// Rewrites the plan in `folder` routed to `route`.
    func write(route: String, in folder: URL, secretFile: String? = nil) throws {
        try plan(route: route, secretFile: secretFile).write(to: folder.appendingPathComponent("mailmig.yaml"), atomically: true, encoding: .utf8)
    }

    /// Runs a tool, feeding `input`, and returns its status and combined output.
    static func run(_ executable: String, _ arguments: [String], input: String? = nil) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        let stdin = Pipe()
        process.standardInput = input == nil ? FileHandle.nullDevice : stdin
        try process.run()
        if let input {
            stdin.fileHandleForWriting.write(Data(input.utf8))
            try stdin.fileHandleForWriting.close()
        }
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    /// A tool the tests use failed.
    struct ToolFailed: Error, CustomStringConvertible {
        let description: String
    }
}
