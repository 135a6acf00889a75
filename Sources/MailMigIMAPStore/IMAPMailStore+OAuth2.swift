import Foundation
import MailMigCore
import MailMigIMAP
import MailMigOAuth2Login

extension OAuth2Tokens {
    /// The IMAP credentials of `user` with a token, by the plan's mechanism or, without one,
    /// OAUTHBEARER where the server offers it and XOAUTH2 otherwise.
    func credentials(user: String, values: [String: String], capabilities: Set<String>, host: String, port: Int,
                     renew: Bool) async throws -> IMAPCredentials {
        let token = try await token(for: values, renew: renew)
        let mechanism = settings.mechanism ?? (capabilities.contains("AUTH=OAUTHBEARER") ? .oauthbearer : .xoauth2)
        switch mechanism {
        case .xoauth2: return .xoauth2(user: user, accessToken: token)
        case .oauthbearer: return .oauthBearer(user: user, host: host, port: port, accessToken: token)
        }
    }
}
