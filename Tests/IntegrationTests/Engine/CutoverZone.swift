import Foundation

/// The zone `cutover.test` of one test DNS server (see `CutoverBackend`), which only the engine's
/// end-to-end tests and the manual provider's tests change, with `dig` to look at it and the
/// operator's own tool to change it.
struct CutoverZone {
    let backend: CutoverBackend
    let host: String
    let port: Int
    let access: CutoverAccess
    let zone = "cutover.test"

    static let originalMX = "10 mx.oldmail.test."
    static let originalCNAME = "autodiscover.oldmail.test."
    static let originalSPF = "\"v=spf1 include:spf.oldmail.test -all\""
    static let originalVerification = "\"mailmig-verification=cutover-0001\""
    static let originalTTL = 3600
    static let newMX = "10 mx.newmail.test."
    static let newCNAME = "autodiscover.newmail.test."
    static let newSPF = "\"v=spf1 include:spf.newmail.test -all\""
    static let verifyValue = "MS=ms-e2e-0001"

    /// Reads the backend's server and credentials from the test environment.
    init(_ backend: CutoverBackend = .bind) throws {
        self.backend = backend
        (host, port, access) = try CutoverAccess.load(backend)
    }

    /// `host:port` of the DNS server, as mailmig names it.
    var server: String { "\(host):\(port)" }

    /// The owner name of `name`, relative to the zone (`@` for the apex).
    func owner(_ name: String) -> String {
        name == "@" ? "\(zone)." : "\(name).\(zone)."
    }

    /// Puts the zone's mail records back to what the server's test-environment script creates.
    func restore() throws {
        try set("@", "MX", ttl: Self.originalTTL, values: [Self.originalMX])
        try set("@", "TXT", ttl: Self.originalTTL, values: [Self.originalVerification, Self.originalSPF])
        try set("autodiscover", "CNAME", ttl: Self.originalTTL, values: [Self.originalCNAME])
    }

    /// Replaces the RRset at `name` (relative to the zone) with `values`, like an operator changing
    /// records by hand: nsupdate signed with the granted key at BIND, the HTTP API at PowerDNS.
    func set(_ name: String, _ type: String, ttl: Int, values: [String]) throws {
        try access.set(owner: owner(name), zone: zone, type: type, ttl: ttl, values: values)
    }

    /// The RRset at `name` (relative to the zone, `@` for the apex) as `dig` sees it at this
    /// backend's DNS port: TTL and sorted values.
    func dig(_ name: String, _ type: String) throws -> (ttl: Int?, values: [String]) {
        let result = try Self.run("/usr/bin/env", ["dig", "+noall", "+answer", "+time=2", "+tries=2", "-p", "\(port)", "@\(host)", owner(name), type])
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

    /// The provider of the plan; `credentialFile` replaces the TSIG secret or the API key file.
    func provider(credentialFile: String? = nil) -> PlanProvider {
        access.provider(credentialFile: credentialFile)
    }

    /// A plan that manages the zone through `provider` (by default this backend's own).
    func plan(route: String, provider: PlanProvider? = nil) -> String {
        let provider = provider ?? self.provider()
        return """
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
            \(provider.yaml)
            domains:
              - name: \(zone)
                dns: \(provider.name)
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
    func workspace(route: String = "source", provider: PlanProvider? = nil) throws -> URL {
        let folder = try MailMigBinary.temporaryFolder()
        try write(route: route, in: folder, provider: provider)
        return folder
    }

    /// Rewrites the plan in `folder` routed to `route`.
    func write(route: String, in folder: URL, provider: PlanProvider? = nil) throws {
        try plan(route: route, provider: provider).write(to: folder.appendingPathComponent("mailmig.yaml"), atomically: true, encoding: .utf8)
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
