import AsyncHTTPClient
import Foundation
import MailMigTLS
import NIOCore
import NIOFoundationCompat
import NIOHTTP1
import NIOSSL

/// A WebDAV client for one server and one login (RFC 4918), with the CalDAV (RFC 4791) and CardDAV
/// (RFC 6352) requests mailmig makes.
///
/// It owns an HTTP client with a connection pool: call `shutdown()` when done. Requests that cannot
/// change anything twice (PROPFIND, REPORT, GET, and PUT or MKCOL under a precondition the caller
/// reconciles) are retried up to `attempts` times after no answer, a 5xx, or a 429/503 (waiting as
/// `Retry-After` says, at most 60 s). Redirects of reading requests are followed, three at most.
public final class DAVClient: Sendable {
    /// The server, as `scheme://host:port`, which relative hrefs resolve against.
    public let origin: URL
    /// How the server is named in errors (`dav.acme.test`).
    public let serverName: String
    private let authorization: DAVAuthorization
    private let http: HTTPClient
    private let timeout: TimeAmount
    private let attempts: Int
    /// Bodies larger than this are refused instead of read into memory.
    public static let maximumBody = 256 * 1024 * 1024

    /// Creates a client; `timeout` bounds each request (connect and answer).
    public init(url: URL, authorization: DAVAuthorization, trust: TLSTrust, timeout: Duration = .seconds(60), attempts: Int = 3) throws {
        var components = URLComponents(url: url, resolvingAgainstBaseURL: false) ?? URLComponents()
        components.path = ""
        components.query = nil
        components.fragment = nil
        components.user = nil
        components.password = nil
        self.origin = components.url ?? url
        self.serverName = (components.url ?? url).absoluteString
        self.authorization = authorization
        self.attempts = max(1, attempts)
        let seconds = Int64(max(1, timeout.components.seconds))
        self.timeout = .seconds(seconds)
        var configuration = HTTPClient.Configuration(redirectConfiguration: .disallow,
                                                     timeout: .init(connect: .seconds(min(seconds, 30)), read: .seconds(seconds)))
        if url.scheme == "https" {
            var tls = TLSConfiguration.makeClientConfiguration()
            switch trust {
            case .systemRoots: break
            case .caFile(let path): tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(path))
            case .doNotVerify: tls.certificateVerification = .none
            }
            configuration.tlsConfiguration = tls
        }
        self.http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }

    /// Closes the connection pool.
    public func shutdown() async {
        try? await http.shutdown()
    }

    /// A server answer: status, headers we read, and the body.
    public struct Answer: Sendable {
        /// The HTTP status code.
        public var status: Int
        /// The `ETag` header, when sent.
        public var etag: String?
        /// The `Location` header, when sent.
        public var location: String?
        /// The `Retry-After` header in seconds, when sent as a number.
        public var retryAfter: Int?
        /// The body.
        public var body: Data
    }

    /// `PROPFIND` with `Depth: depth` (0 or 1) for `properties` of `path`.
    public func propfind(_ path: String, depth: Int, _ properties: [DAVName], what: String) async throws(DAVFailure) -> Multistatus {
        let answer = try await send("PROPFIND", path, body: DAVRequestBody.propfind(properties), headers: ["Depth": String(depth)],
                                    expecting: [207], followRedirects: true, what: what)
        return try MultistatusParser.parse(answer.body, what: what)
    }

    /// `REPORT` of `path` with `body` (sync-collection, multiget, query).
    public func report(_ path: String, depth: Int, body: Data, what: String) async throws(DAVFailure) -> Multistatus {
        let answer = try await send("REPORT", path, body: body, headers: ["Depth": String(depth)], expecting: [207], followRedirects: true, what: what)
        return try MultistatusParser.parse(answer.body, what: what)
    }

    /// `GET` of one item; nil when it is not there (404, 410).
    public func get(_ path: String, what: String) async throws(DAVFailure) -> Answer? {
        let answer = try await send("GET", path, body: nil, headers: [:], expecting: [200, 404, 410], followRedirects: true, what: what)
        return answer.status == 200 ? answer : nil
    }

    /// What a conditional `PUT` did.
    public enum PutOutcome: Sendable, Equatable {
        /// Stored (201 or 204), with the new ETag when the server sent one.
        case stored(etag: String?, location: String?)
        /// The precondition failed (412): an item exists where `If-None-Match: *` asked for none, or
        /// the item changed since the `If-Match` ETag.
        case preconditionFailed
        /// The server refused the item itself (400, 403, 409, 415, 422, …), with its reason.
        case refused(status: Int, reason: String)
    }

    /// `PUT` of an item; `ifMatch` nil sends `If-None-Match: *` (create only), else `If-Match` (update
    /// only that version).
    public func put(_ path: String, data: Data, contentType: String, ifMatch: String?, what: String) async throws(DAVFailure) -> PutOutcome {
        var headers = ["Content-Type": contentType]
        if let ifMatch { headers["If-Match"] = ifMatch } else { headers["If-None-Match"] = "*" }
        let answer = try await send("PUT", path, body: data, headers: headers,
                                    expecting: [200, 201, 204, 400, 403, 409, 412, 413, 415, 422, 507], followRedirects: false, what: what)
        switch answer.status {
        case 200, 201, 204: return .stored(etag: answer.etag, location: answer.location)
        case 412: return .preconditionFailed
        default: return .refused(status: answer.status, reason: Self.summary(answer.body) ?? HTTPResponseStatus(statusCode: answer.status).reasonPhrase)
        }
    }

    /// Extended `MKCOL` (address book) or `MKCALENDAR` of `path`; true when created, false when
    /// something already exists there (405).
    public func makeCollection(_ path: String, calendar: Bool, body: Data, what: String) async throws(DAVFailure) -> Bool {
        let answer = try await send(calendar ? "MKCALENDAR" : "MKCOL", path, body: body, headers: [:], expecting: [201, 405], followRedirects: false, what: what)
        return answer.status == 201
    }

    /// One request with retries; an unexpected status becomes a `DAVFailure`.
    public func send(_ method: String, _ path: String, body: Data?, headers: [String: String], expecting: Set<Int>,
                     followRedirects: Bool, what: String) async throws(DAVFailure) -> Answer {
        var attempt = 0
        var target = path
        var redirects = 0
        var renew = false
        while true {
            attempt += 1
            do {
                let answer = try await once(method, target, body: body, headers: headers, renew: renew, what: what)
                if answer.status == 401, authorization.renews, !renew {
                    // A token the server no longer takes: once more with a new one.
                    renew = true
                    attempt -= 1
                    continue
                }
                if followRedirects, [301, 302, 307, 308].contains(answer.status), let location = answer.location, redirects < 3 {
                    redirects += 1
                    target = location
                    attempt -= 1
                    continue
                }
                if expecting.contains(answer.status) { return answer }
                throw classify(answer, what: what)
            } catch let failure as DAVFailure {
                guard failure.isTransient, attempt < attempts else { throw failure }
                let pause: Int = if case .throttled(_, _, let after) = failure { min(60, after ?? attempt * 2) } else { attempt == 1 ? 1 : 3 }
                try? await Task.sleep(for: .seconds(pause))
            } catch {
                throw DAVFailure.unreachable(server: serverName, what: what, reason: "\(error)")
            }
        }
    }

    /// Where an href (a path, or a full URL) points on this server.
    public func url(_ href: String) -> String {
        if href.hasPrefix("http://") || href.hasPrefix("https://") { return href }
        let base = origin.absoluteString.hasSuffix("/") ? String(origin.absoluteString.dropLast()) : origin.absoluteString
        return base + (href.hasPrefix("/") ? href : "/" + href)
    }

    private func once(_ method: String, _ path: String, body: Data?, headers: [String: String], renew: Bool, what: String) async throws -> Answer {
        var request = HTTPClientRequest(url: url(path))
        request.method = HTTPMethod(rawValue: method)
        request.headers.add(name: "Authorization", value: try await authorization.header(renew: renew))
        request.headers.add(name: "User-Agent", value: "mailmig")
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let body {
            if headers["Content-Type"] == nil { request.headers.add(name: "Content-Type", value: "application/xml; charset=utf-8") }
            request.body = .bytes(ByteBuffer(data: body))
        }
        let response: HTTPClientResponse
        let data: Data
        do {
            response = try await http.execute(request, timeout: timeout)
            data = Data(buffer: try await response.body.collect(upTo: Self.maximumBody))
        } catch {
            throw DAVFailure.unreachable(server: serverName, what: what, reason: Self.reason(error))
        }
        return Answer(status: Int(response.status.code), etag: response.headers.first(name: "ETag"),
                      location: response.headers.first(name: "Location"),
                      retryAfter: response.headers.first(name: "Retry-After").flatMap { Int($0) }, body: data)
    }

    private func classify(_ answer: Answer, what: String) -> DAVFailure {
        switch answer.status {
        case 401: return .unauthorized(server: serverName, what: what, status: 401)
        case 429, 503:
            return .throttled(server: serverName, what: what, retryAfter: answer.retryAfter)
        default:
            return .status(server: serverName, what: what, status: answer.status,
                           reason: HTTPResponseStatus(statusCode: answer.status).reasonPhrase, body: Self.summary(answer.body))
        }
    }

    /// The first line of an error body, shortened: enough to say why, never a page of HTML.
    static func summary(_ body: Data) -> String? {
        let text = String(decoding: body.prefix(2_048), as: UTF8.self)
        let stripped = text.replacingOccurrences(of: "<[^>]+>", with: " ", options: .regularExpression)
        let line = stripped.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.first { !$0.isEmpty }
        guard let line else { return nil }
        return line.count > 200 ? String(line.prefix(200)) + "…" : line
    }

    /// Why a request got no answer, in a few words: a refused connection, a timeout, a failed TLS
    /// handshake, an answer that is not HTTP; never a library's dump.
    static func reason(_ error: any Error) -> String {
        if let tls = TLSFailure.reason(of: error) { return "TLS handshake failed: \(tls)" }
        if let client = error as? HTTPClientError {
            switch client {
            case .deadlineExceeded, .readTimeout: return "no answer in time"
            case .connectTimeout: return "the connection timed out"
            case .remoteConnectionClosed: return "the server closed the connection"
            default: break
            }
        }
        if error is HTTPParserError { return "the answer is not HTTP (is the URL's port the DAV server's?)" }
        let text = String(describing: error)
        if text.contains("Connection refused") { return "connection refused" }
        if text.contains("NIOSSL") || text.contains("BoringSSL") { return "TLS handshake failed" }
        if text.contains("handshake") { return "TLS handshake failed" }
        return text.count > 160 ? String(text.prefix(160)) + "…" : text
    }
}
