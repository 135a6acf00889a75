import Foundation
import Testing

/// The test DNS servers that serve the zone `cutover.test` with the same records, and the provider
/// kind mailmig drives each with: BIND 9 through RFC 2136 UPDATE, PowerDNS through its HTTP API.
enum CutoverBackend: String, Sendable, CaseIterable, CustomTestStringConvertible {
    case bind
    case powerDNS

    var testDescription: String {
        switch self {
        case .bind: "BIND 9 (rfc2136)"
        case .powerDNS: "PowerDNS (HTTP API)"
        }
    }

    /// The script that runs the server, named in failures.
    var script: String {
        switch self {
        case .bind: "scripts/testenv/bind9.sh"
        case .powerDNS: "scripts/testenv/powerdns.sh"
        }
    }

    /// The variables file the script writes.
    var environmentFile: String {
        switch self {
        case .bind: ".testenv/bind9.env"
        case .powerDNS: ".testenv/powerdns.env"
        }
    }
}

/// A DNS provider of a plan: its name, and its lines under `dns.providers`, indented by four spaces.
struct PlanProvider {
    let name: String
    let yaml: String
}

/// How a test reaches one backend's zone besides `dig`: the provider a plan names, and the operator's
/// own way of changing records there (nsupdate for BIND, the HTTP API with curl for PowerDNS).
enum CutoverAccess {
    case bind(server: String, keyName: String, keyFile: String, nsupdateKeyFile: String)
    case powerDNS(apiURL: String, apiKeyFile: String, serverID: String, checkServer: String)

    /// Reads the backend's variables; a missing one is a failure that names the server script.
    static func load(_ backend: CutoverBackend) throws -> (host: String, port: Int, access: CutoverAccess) {
        do {
            switch backend {
            case .bind:
                let host = try TestEnvironment.require("MAILMIG_TEST_DNS_HOST")
                let port = try TestEnvironment.requireInt("MAILMIG_TEST_DNS_PORT")
                let access = CutoverAccess.bind(server: "\(host):\(port)",
                                                keyName: try TestEnvironment.require("MAILMIG_TEST_DNS_KEY_NAME"),
                                                keyFile: try TestEnvironment.require("MAILMIG_TEST_DNS_KEY_FILE"),
                                                nsupdateKeyFile: try TestEnvironment.require("MAILMIG_TEST_DNS_NSUPDATE_KEYFILE"))
                return (host, port, access)
            case .powerDNS:
                let host = try TestEnvironment.require("MAILMIG_TEST_PDNS_HOST")
                let port = try TestEnvironment.requireInt("MAILMIG_TEST_PDNS_PORT")
                let keyFile = try TestEnvironment.require("MAILMIG_TEST_PDNS_API_KEY_FILE")
                guard FileManager.default.isReadableFile(atPath: keyFile) else {
                    throw BackendUnavailable(backend: backend, reason: "the API key file \(keyFile) (MAILMIG_TEST_PDNS_API_KEY_FILE) cannot be read")
                }
                let access = CutoverAccess.powerDNS(apiURL: try TestEnvironment.require("MAILMIG_TEST_PDNS_API_URL"),
                                                    apiKeyFile: keyFile,
                                                    serverID: try TestEnvironment.require("MAILMIG_TEST_PDNS_SERVER_ID"),
                                                    checkServer: "\(host):\(port)")
                return (host, port, access)
            }
        } catch let missing as TestEnvironment.MissingVariable {
            throw BackendUnavailable(backend: backend, reason: "\(missing.name) is not set")
        }
    }

    /// The provider of the plan; `credentialFile` replaces the TSIG secret or the API key file.
    func provider(credentialFile: String? = nil) -> PlanProvider {
        switch self {
        case let .bind(server, keyName, keyFile, _):
            PlanProvider(name: "bind", yaml: """
                    bind:
                      rfc2136:
                        server: \(server)
                        key: { name: \(keyName), algorithm: hmac-sha256, secret: "file:\(credentialFile ?? keyFile)" }
                        check_servers: ["\(server)"]
                """)
        case let .powerDNS(apiURL, apiKeyFile, serverID, checkServer):
            PlanProvider(name: "pdns", yaml: """
                    pdns:
                      powerdns:
                        api_url: \(apiURL)
                        api_key: "file:\(credentialFile ?? apiKeyFile)"
                        server_id: \(serverID)
                        check_servers: ["\(checkServer)"]
                """)
        }
    }

    /// Replaces the RRset `owner` `type` with `values` (presentation format, TXT quoted), or deletes it
    /// when `values` is empty, the way an operator would: outside mailmig.
    func set(owner: String, zone: String, type: String, ttl: Int, values: [String]) throws {
        switch self {
        case .bind:
            try nsupdate(zone: zone, ["update delete \(owner) \(type)"] + values.map { "update add \(owner) \(ttl) \(type) \($0)" })
        case let .powerDNS(apiURL, apiKeyFile, serverID, _):
            let rrset: [String: Any] = values.isEmpty
                ? ["name": owner, "type": type, "changetype": "DELETE", "records": []]
                : ["name": owner, "type": type, "ttl": ttl, "changetype": "REPLACE",
                   "records": values.map { ["content": $0, "disabled": false] }]
            let body = try JSONSerialization.data(withJSONObject: ["rrsets": [rrset]])
            let key = try String(contentsOfFile: apiKeyFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
            try Self.patch(url: "\(apiURL)/api/v1/servers/\(serverID)/zones/\(zone).", key: key, body: String(decoding: body, as: UTF8.self))
        }
    }

    /// Sends `commands` to BIND with `nsupdate`, signed with the granted key.
    func nsupdate(zone: String, _ commands: [String]) throws {
        guard case let .bind(server, _, _, nsupdateKeyFile) = self else {
            throw CutoverZone.ToolFailed(description: "nsupdate is for the BIND backend only")
        }
        let hostPort = server.split(separator: ":")
        let script = (["server \(hostPort[0]) \(hostPort[1])", "zone \(zone)."] + commands + ["send", ""]).joined(separator: "\n")
        let result = try CutoverZone.run("/usr/bin/env", ["nsupdate", "-k", nsupdateKeyFile], input: script)
        guard result.status == 0 else { throw CutoverZone.ToolFailed(description: "nsupdate failed (\(result.status)): \(result.output)") }
    }

    /// `PATCH url` with `curl`, which must answer 204. The key and the body go in curl's configuration
    /// on its standard input, not on its command line.
    static func patch(url: String, key: String, body: String) throws {
        func quoted(_ text: String) -> String {
            "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
        }
        let config = [
            "request = \"PATCH\"",
            "header = \(quoted("X-API-Key: \(key)"))",
            "header = \"Accept: application/json\"",
            "header = \"Content-Type: application/json\"",
            "data-binary = \(quoted(body))",
            "url = \(quoted(url))",
            "",
        ].joined(separator: "\n")
        let result = try CutoverZone.run("/usr/bin/env", ["curl", "-sS", "--max-time", "10", "-w", "\n%{http_code}", "-K", "-"], input: config)
        let status = result.output.split(separator: "\n").last.map(String.init) ?? ""
        guard result.status == 0, status == "204" else {
            throw CutoverZone.ToolFailed(description: "PATCH \(url) failed (curl \(result.status), HTTP \(status)): \(result.output)")
        }
    }
}

/// A backend's server is not reachable from the test environment.
struct BackendUnavailable: Error, CustomStringConvertible {
    let backend: CutoverBackend
    let reason: String
    var description: String {
        "the \(backend.testDescription) cases need the server that \(backend.script) starts: \(reason); "
            + "load \(backend.environmentFile) (scripts/test.sh does) or run `\(backend.script) start`"
    }
}
