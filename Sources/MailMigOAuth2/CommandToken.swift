import Foundation

/// A token printed by a program the operator names (a broker, `az account get-access-token`, a
/// vault's CLI): the token alone, or a JSON object with `access_token` and, optionally, `expires_in`.
///
/// Running the program is the caller's (as a list of words, never through a shell); this reads what
/// it printed. The output is never quoted in an error: it is a secret.
public enum CommandToken {
    /// The token in `printed` (the program's standard output), received at `issuedAt`; `source`
    /// names the program in errors.
    public static func parse(_ printed: Data, issuedAt: Date, source: String) throws -> AccessToken {
        let text = String(decoding: printed, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        if text.hasPrefix("{") {
            guard let object = (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any],
                  let token = object["access_token"] as? String, !token.isEmpty else {
                throw OAuth2Error(source: source, reason: "it printed JSON without an access_token", isTransient: false)
            }
            let lifetime = (object["expires_in"] as? NSNumber)?.doubleValue
            return AccessToken(value: token, issuedAt: issuedAt, expiresIn: lifetime)
        }
        guard !text.isEmpty, !text.contains(where: \.isWhitespace) else {
            throw OAuth2Error(source: source, reason: "it must print the token alone, or JSON with access_token", isTransient: false)
        }
        return AccessToken(value: text, issuedAt: issuedAt, expiresIn: nil)
    }
}
