import Foundation
@testable import MailMigOAuth2
import Testing

@Suite("Token endpoint: URLs, form encoding, error text")
struct TokenEndpointTests {
    @Test("https and loopback http are accepted; http elsewhere and garbage are refused in one sentence")
    func urls() throws {
        _ = try TokenEndpoint(url: "https://login.microsoftonline.com/acme/oauth2/v2.0/token")
        _ = try TokenEndpoint(url: "http://127.0.0.1:8080/token", plainHTTPAllowed: true)
        _ = try TokenEndpoint(url: "http://localhost/token", plainHTTPAllowed: true)
        do {
            _ = try TokenEndpoint(url: "http://login.example.com/token")
            Issue.record("a clear-text token URL was accepted")
        } catch {
            #expect("\(error)" == "no access token from http://login.example.com/token: the token URL must use https (http only on 127.0.0.1 or localhost)")
        }
        #expect(throws: OAuth2Error.self) { try TokenEndpoint(url: "not a url") }
        // http is the caller's decision (the host is loopback), never the URL's alone.
        #expect(throws: OAuth2Error.self) { try TokenEndpoint(url: "http://127.0.0.1:8080/token") }
    }

    @Test("the form is application/x-www-form-urlencoded: space as +, reserved characters escaped")
    func form() {
        let body = TokenEndpoint.formEncoded([("grant_type", "client_credentials"), ("scope", "https://outlook.office365.com/.default openid"),
                                              ("client_secret", "a+b/c=d&e~f")])
        #expect(body == "grant_type=client_credentials&scope=https%3A%2F%2Foutlook.office365.com%2F.default+openid&client_secret=a%2Bb%2Fc%3Dd%26e%7Ef")
    }

    @Test("RFC 6749 §5.2 errors are quoted with their description, the first line only, never a secret")
    func errorText() {
        let object: [String: Any] = ["error": "invalid_client", "error_description": "AADSTS7000215: Invalid client secret s3cr3t provided.\nTrace ID: 1"]
        #expect(TokenEndpoint.errorText(object, data: Data(), redacting: ["s3cr3t"]) == "invalid_client (AADSTS7000215: Invalid client secret [redacted] provided.)")
        #expect(TokenEndpoint.errorText(nil, data: Data("<html>Bad Gateway</html>\n<body>".utf8), redacting: []) == "<html>Bad Gateway</html>")
        #expect(TokenEndpoint.errorText(nil, data: Data(), redacting: []) == nil)
    }
}
