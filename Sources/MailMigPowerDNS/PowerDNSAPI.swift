import AsyncHTTPClient
import Foundation
import MailMigCore
import NIOCore
import NIOFoundationCompat
import NIOHTTP1
import NIOSSL

/// The few calls of the PowerDNS Authoritative HTTP API (`/api/v1`) the provider makes: list zones,
/// read a zone's RRsets, PATCH RRsets.
///
/// Every answer other than the expected status becomes one sentence naming the API address and what
/// PowerDNS said (401: the key; 404: the server id or zone; 422: the values). Connection failures and
/// 5xx answers are retried twice, 1 and 3 seconds apart: listing and reading change nothing, and a
/// PATCH with `REPLACE` or `DELETE` leaves the same RRset however often it lands.
struct PowerDNSAPI: Sendable {
    let settings: PowerDNSSettings
    let apiKey: String
    let baseDirectory: URL

    /// One zone as `GET …/zones` lists it.
    struct Zone: Decodable, Sendable {
        let id: String
        let name: String
    }

    /// A zone with its RRsets, as `GET …/zones/{id}` returns it.
    struct ZoneContent: Decodable, Sendable {
        let rrsets: [RRset]
    }

    /// One RRset in the API's form: names end with a dot, values are in presentation format.
    struct RRset: Codable, Sendable {
        var name: String
        var type: String
        var ttl: Int?
        var changetype: String?
        var records: [Record]
    }

    /// One record; a disabled record is not served.
    struct Record: Codable, Sendable {
        var content: String
        var disabled: Bool
    }

    /// An API failure, as one sentence.
    struct Failure: Error, CustomStringConvertible {
        let description: String
        /// Whether asking again may succeed (no answer, or a 5xx).
        let transient: Bool
    }

    var serverURL: String { "\(settings.apiURL)/api/v1/servers/\(Self.escape(settings.serverID))" }

    /// Every zone of the server.
    func zones() async throws(Failure) -> [Zone] {
        let data = try await call(.GET, serverURL + "/zones", expecting: 200, what: "listing the zones of server \(settings.serverID)")
        return try decode([Zone].self, data, what: "the zone list")
    }

    /// The RRsets of zone `id` at `name` (every type); the filter parameters narrow the answer where
    /// the server knows them, and the caller filters again where it does not.
    func rrsets(zone id: String, name: String, type: String) async throws(Failure) -> [RRset] {
        let url = serverURL + "/zones/\(Self.escape(id))?rrsets=true&rrset_name=\(Self.escape(name))&rrset_type=\(type)"
        let data = try await call(.GET, url, expecting: 200, what: "reading zone \(id)")
        return try decode(ZoneContent.self, data, what: "zone \(id)").rrsets
    }

    /// Replaces (or deletes) RRsets of zone `id` in one PATCH.
    func patch(zone id: String, _ rrsets: [RRset]) async throws(Failure) {
        let body: Data
        do {
            body = try JSONEncoder().encode(["rrsets": rrsets])
        } catch {
            throw Failure(description: "cannot encode the change: \(error)", transient: false)
        }
        _ = try await call(.PATCH, serverURL + "/zones/\(Self.escape(id))", body: body, expecting: 204, what: "changing zone \(id)")
    }

    private func decode<T: Decodable>(_ type: T.Type, _ data: Data, what: String) throws(Failure) -> T {
        do {
            return try JSONDecoder().decode(type, from: data)
        } catch {
            throw Failure(description: "the PowerDNS API at \(settings.apiURL) answered \(what) with something that is not the expected JSON", transient: false)
        }
    }

    private func call(_ method: HTTPMethod, _ url: String, body: Data? = nil, expecting status: Int, what: String) async throws(Failure) -> Data {
        var attempt = 0
        while true {
            attempt += 1
            do {
                return try await once(method, url, body: body, expecting: status, what: what)
            } catch let failure as Failure where failure.transient && attempt < 3 {
                try? await Task.sleep(for: .seconds(attempt == 1 ? 1 : 3))
            } catch let failure as Failure {
                throw failure
            } catch {
                throw Failure(description: "\(what) at the PowerDNS API \(settings.apiURL) failed: \(error)", transient: true)
            }
        }
    }

    private func once(_ method: HTTPMethod, _ url: String, body: Data?, expecting status: Int, what: String) async throws -> Data {
        var request = HTTPClientRequest(url: url)
        request.method = method
        request.headers.add(name: "X-API-Key", value: apiKey)
        request.headers.add(name: "Accept", value: "application/json")
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(data: body))
        }
        let client = try makeClient()
        let owned = client !== HTTPClient.shared
        let response: HTTPClientResponse
        let data: Data
        do {
            response = try await client.execute(request, timeout: .seconds(Int64(max(1, settings.timeoutSeconds))))
            data = Data(buffer: try await response.body.collect(upTo: 64 * 1024 * 1024))
            if owned { try? await client.shutdown() }
        } catch {
            if owned { try? await client.shutdown() }
            throw Failure(description: "\(what): the PowerDNS API at \(settings.apiURL) did not answer: \(Self.reason(error))", transient: true)
        }
        let code = Int(response.status.code)
        guard code != status else { return data }
        let said = Self.errorText(data)
        switch code {
        case 401, 403:
            throw Failure(description: "the PowerDNS API at \(settings.apiURL) refused the API key (\(code) \(response.status.reasonPhrase)); check api_key", transient: false)
        case 404:
            throw Failure(description: "\(what): the PowerDNS API at \(settings.apiURL) answered 404 Not Found\(said.map { ": \($0)" } ?? ""); check server_id (\(settings.serverID)) and that the server serves the zone", transient: false)
        case 422:
            throw Failure(description: "\(what): the PowerDNS API at \(settings.apiURL) rejected the change (422)\(said.map { ": \($0)" } ?? "")", transient: false)
        case 500...599:
            throw Failure(description: "\(what): the PowerDNS API at \(settings.apiURL) failed (\(code))\(said.map { ": \($0)" } ?? "")", transient: true)
        default:
            throw Failure(description: "\(what): the PowerDNS API at \(settings.apiURL) answered \(code) \(response.status.reasonPhrase)\(said.map { ": \($0)" } ?? "")", transient: false)
        }
    }

    /// The shared client, or one that trusts the plan's CA file.
    private func makeClient() throws -> HTTPClient {
        guard let caFile = settings.caFile else { return HTTPClient.shared }
        let path = caFile.hasPrefix("/") ? caFile : baseDirectory.appendingPathComponent(caFile).path
        var tls = TLSConfiguration.makeClientConfiguration()
        do {
            tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(path))
        } catch {
            throw Failure(description: "cannot read the CA certificate \(path) (ca_file): \(error)", transient: false)
        }
        var configuration = HTTPClient.Configuration()
        configuration.tlsConfiguration = tls
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }

    /// PowerDNS's `{"error": "…"}`, or the start of a plain-text body.
    static func errorText(_ data: Data) -> String? {
        if let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any], let error = object["error"] as? String {
            return error
        }
        let text = String(decoding: data.prefix(200), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return text.isEmpty ? nil : text
    }

    /// A connection failure in a few words, without SwiftNIO's type names.
    static func reason(_ error: any Error) -> String {
        let text = "\(error)"
        if text.contains("connectTimeout") || text.contains("deadlineExceeded") || text.contains("readTimeout") { return "timed out" }
        if text.contains("Connection refused") || text.contains("connectionRefused") || text.contains("ECONNREFUSED") { return "connection refused" }
        if text.contains("NXDOMAIN") || text.contains("UnknownHost") || text.contains("unknownHost") { return "unknown host" }
        if text.contains("handshake") || text.contains("certificate") { return "the TLS handshake failed (\(text.prefix(160)))" }
        return String(text.prefix(200))
    }

    /// Percent-encodes a path segment or query value.
    static func escape(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }
}
