import AsyncHTTPClient
import Foundation
import NIOCore
import NIOFoundationCompat
import NIOHTTP1

/// A token endpoint (RFC 6749 §3.2): asks it for access tokens by one grant.
///
/// Only `https` is accepted, except `http` when the caller has found the host to be this machine's
/// loopback (a local authorization server in tests or a broker on the same machine): tokens and client
/// secrets never cross a network in clear. A request that gets no answer, a 5xx or a 429 is tried
/// again (3 attempts, 0.5 s then 2 s apart, or the `Retry-After` the server sent, up to 30 s); a
/// refusal (`invalid_client`, `invalid_grant`…) is final and named with the endpoint's own
/// `error_description`. Redirects are not followed: the request carries the client secret or a
/// signed assertion, which a redirect would hand to another URL (RFC 6749 §3.2 gives the client the
/// endpoint's URL; it has no business moving).
public struct TokenEndpoint: Sendable {
    /// The token URL.
    public let url: String
    /// Seconds one request may take, connecting included.
    public let timeout: Int64
    /// Seconds connecting may take.
    public static let connectTimeout: Int64 = 10
    /// How many times a transient failure is tried in all.
    public static let attempts = 3

    /// Checks the URL; throws `OAuth2Error` for a URL that is not https, or http where
    /// `plainHTTPAllowed` (the host is loopback).
    public init(url: String, plainHTTPAllowed: Bool = false, timeout: Int64 = 20) throws {
        guard let components = URLComponents(string: url), let scheme = components.scheme?.lowercased(), let host = components.host, !host.isEmpty else {
            throw OAuth2Error(source: url, reason: "the token URL cannot be read; it must look like https://login.example.com/oauth2/token", isTransient: false)
        }
        guard scheme == "https" || (scheme == "http" && plainHTTPAllowed) else {
            throw OAuth2Error(source: url, reason: "the token URL must use https (http only on 127.0.0.1 or localhost)", isTransient: false)
        }
        self.url = url
        self.timeout = timeout
    }

    /// Asks for a token, retrying what may pass.
    public func requestToken(_ grant: TokenGrant) async throws -> AccessToken {
        var attempt = 0
        while true {
            attempt += 1
            do {
                return try await requestOnce(grant)
            } catch let failure as TransientFailure where attempt < Self.attempts {
                let pause = failure.retryAfter.map { min(30, $0) } ?? (attempt == 1 ? 0.5 : 2)
                try await Task.sleep(for: .seconds(pause))
            } catch let failure as TransientFailure {
                throw OAuth2Error(source: url, reason: "\(failure.reason) (\(Self.attempts) attempts)", isTransient: true)
            }
        }
    }

    private struct TransientFailure: Error {
        let reason: String
        let retryAfter: Double?
    }

    private func requestOnce(_ grant: TokenGrant) async throws -> AccessToken {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
        request.headers.add(name: "Accept", value: "application/json")
        let body: String
        do {
            body = Self.formEncoded(try grant.form(tokenURL: url, now: Date()))
        } catch let error as OAuth2Error {
            throw error
        } catch {
            throw OAuth2Error(source: url, reason: "the \(grant.name) request cannot be made: \(error)", isTransient: false)
        }
        request.body = .bytes(ByteBuffer(string: body))
        let sent = Date()
        let response: HTTPClientResponse
        let data: Data
        do {
            response = try await Self.client.execute(request, timeout: .seconds(timeout))
            data = Data(buffer: try await response.body.collect(upTo: 1024 * 1024))
        } catch {
            throw TransientFailure(reason: Self.describe(error, timeout: timeout), retryAfter: nil)
        }
        let code = Int(response.status.code)
        if (300...399).contains(code) {
            let location = response.headers.first(name: "Location").flatMap { URLComponents(string: $0)?.host }.map { " to \($0)" } ?? ""
            throw OAuth2Error(source: url, reason: "the endpoint redirects (HTTP \(code)\(location)); mailmig does not follow it, as that would "
                                  + "send the client's credentials to another URL: give the token URL it redirects to", isTransient: false)
        }
        let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any]
        if code == 200 {
            guard let token = object?["access_token"] as? String, !token.isEmpty else {
                throw OAuth2Error(source: url, reason: "the answer to the \(grant.name) request holds no access_token", isTransient: false)
            }
            if let type = object?["token_type"] as? String, type.lowercased() != "bearer" {
                throw OAuth2Error(source: url, reason: "the token is of type \(type), not Bearer", isTransient: false)
            }
            let lifetime = (object?["expires_in"] as? NSNumber)?.doubleValue ?? (object?["expires_in"] as? String).flatMap(Double.init)
            return AccessToken(value: token, issuedAt: sent, expiresIn: lifetime)
        }
        let said = Self.errorText(object, data: data, redacting: grant.secrets)
        if code == 429 || (500...599).contains(code) {
            let retryAfter = response.headers.first(name: "Retry-After").flatMap(Double.init)
            throw TransientFailure(reason: "HTTP \(code)\(said.map { ": \($0)" } ?? "")", retryAfter: retryAfter)
        }
        throw OAuth2Error(source: url, reason: "the \(grant.name) request was refused (HTTP \(code))\(said.map { ": \($0)" } ?? "")", isTransient: false)
    }

    /// The HTTP client of every token request: no redirects, a bounded connect.
    static let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: HTTPClient.Configuration(
        redirectConfiguration: .disallow,
        timeout: HTTPClient.Configuration.Timeout(connect: .seconds(connectTimeout))
    ))

    /// A request that got no answer, in words: what the connection did, not the HTTP client's type names.
    static func describe(_ error: any Error, timeout: Int64) -> String {
        if let error = error as? HTTPClientError {
            switch error {
            case .deadlineExceeded, .readTimeout: return "no answer within \(timeout) s"
            case .connectTimeout: return "no connection within \(connectTimeout) s"
            case .remoteConnectionClosed: return "the endpoint closed the connection without answering"
            default: break
            }
        }
        if let error = error as? IOError { return "cannot connect: \(String(cString: strerror(error.errnoCode)).lowercased())" }
        // NIOPosix's and NIOSSL's errors, named without importing them.
        let kind = "\(type(of: error))"
        if kind.contains("NIOConnectionError") { return "cannot connect to the endpoint (refused, unreachable or no such host)" }
        if kind.hasPrefix("NIOSSL") || kind.hasPrefix("BoringSSL") {
            return "the TLS handshake failed (\(error)); check the endpoint's certificate"
        }
        return "no answer (\(error))"
    }

    /// RFC 6749 §5.2's `error` and `error_description`, or the start of a plain body, without secrets.
    static func errorText(_ object: [String: Any]?, data: Data, redacting secrets: [String]) -> String? {
        var text: String
        if let error = object?["error"] as? String {
            text = error
            if let detail = object?["error_description"] as? String, !detail.isEmpty {
                text += " (\(detail.split(separator: "\n").first.map(String.init) ?? detail))"
            }
        } else {
            let plain = String(decoding: data.prefix(200), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            guard !plain.isEmpty else { return nil }
            text = plain.split(separator: "\n").first.map(String.init) ?? plain
        }
        for secret in secrets where !secret.isEmpty { text = text.replacingOccurrences(of: secret, with: "[redacted]") }
        return text
    }

    /// `application/x-www-form-urlencoded` (WHATWG URL §5: alphanumerics and `*-._` as they are,
    /// space as `+`, everything else percent-encoded).
    static func formEncoded(_ fields: [(String, String)]) -> String {
        var allowed = CharacterSet.alphanumerics.intersection(CharacterSet(charactersIn: Unicode.Scalar(0)...Unicode.Scalar(127)))
        allowed.insert(charactersIn: "*-._ ")
        func encode(_ text: String) -> String {
            (text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text).replacingOccurrences(of: " ", with: "+")
        }
        return fields.map { "\(encode($0.0))=\(encode($0.1))" }.joined(separator: "&")
    }
}
