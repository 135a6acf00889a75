import Foundation
import Synchronization

/// Every secret this process has read, so that no text carrying one is printed, logged or stored.
///
/// A server may quote what it was sent (`NO [AUTHENTICATIONFAILED] bad password 'hunter2'`, a SASL
/// exchange in base64). Secrets are registered where they are read (`SecretReference.resolve`), and
/// the texts built from what servers answer (`MailError`, `MailStoreError`, `ProviderError`, step
/// failures, the CLI's error and log output) pass through `redact` before anyone sees them.
public enum SecretRedaction {
    /// What stands in for a secret.
    public static let placeholder = "[redacted]"

    /// The forms to look for, longest first, so a longer form is replaced before a part of it.
    private static let forms = Mutex<[String]>([])

    /// Shorter texts are not looked for: replacing every `pw` would garble messages, and a secret that
    /// short is not protected by anything.
    static let minimumLength = 4

    /// Remembers a secret just read, with the base64 forms it takes at any position of a base64 text
    /// (SASL PLAIN, XOAUTH2 and TSIG travel in base64).
    public static func register(_ secret: String) {
        guard secret.count >= minimumLength else { return }
        let added = [secret] + base64Forms(of: Array(secret.utf8))
        forms.withLock { known in
            let fresh = added.filter { !known.contains($0) }
            guard !fresh.isEmpty else { return }
            known = (known + fresh).sorted { $0.count > $1.count }
        }
    }

    /// `text` with every registered secret, and its base64 forms, replaced by `[redacted]`.
    public static func redact(_ text: String) -> String {
        let known = forms.withLock { $0 }
        guard !known.isEmpty else { return text }
        var result = text
        for form in known where result.contains(form) {
            result = result.replacingOccurrences(of: form, with: placeholder)
        }
        return result
    }

    /// The parts of base64 text that encode only `bytes`, for each of the three alignments the bytes
    /// can have inside a longer base64 text: the groups of four characters mixing in a neighbour's
    /// bits are left out.
    static func base64Forms(of bytes: [UInt8]) -> [String] {
        var result: [String] = []
        for offset in 0..<3 {
            let encoded = Array(Data(Array(repeating: 0, count: offset) + bytes).base64EncodedString())
            // Leading group: mixed with the neighbour before, unless aligned.
            let start = offset == 0 ? 0 : 4
            // Trailing group: mixed with the neighbour after, unless the bytes end a group.
            let end = (offset + bytes.count) % 3 == 0 ? encoded.count : encoded.count - 4
            guard end - start >= 8 else { continue }
            result.append(String(encoded[start..<end]))
        }
        return result
    }
}
