/// An extended response code in brackets after `-ERR` (RFC 2449 §8, RFC 3206).
public enum POP3ResponseCode: Sendable, Equatable, CustomStringConvertible {
    /// `[IN-USE]`: the mailbox is locked by another session (RFC 2449 §8.1.1).
    case inUse
    /// `[LOGIN-DELAY]`: logged in too recently (RFC 2449 §8.1.2).
    case loginDelay
    /// `[SYS/TEMP]`: a temporary system problem (RFC 3206 §4).
    case systemTemporary
    /// `[SYS/PERM]`: a permanent system problem (RFC 3206 §4).
    case systemPermanent
    /// `[AUTH]`: the credentials were wrong (RFC 3206 §5).
    case authentication
    /// Any other code, upper-cased as sent.
    case other(String)

    /// The code for a bracketed token; a hierarchical code counts as its known parent (`SYS/TEMP/X`).
    public init(_ token: String) {
        let code = token.uppercased()
        func isUnder(_ parent: String) -> Bool { code == parent || code.hasPrefix(parent + "/") }
        if isUnder("IN-USE") {
            self = .inUse
        } else if isUnder("LOGIN-DELAY") {
            self = .loginDelay
        } else if isUnder("SYS/TEMP") {
            self = .systemTemporary
        } else if isUnder("SYS/PERM") {
            self = .systemPermanent
        } else if isUnder("AUTH") {
            self = .authentication
        } else {
            self = .other(code)
        }
    }

    /// The code as the server writes it.
    public var description: String {
        switch self {
        case .inUse: return "IN-USE"
        case .loginDelay: return "LOGIN-DELAY"
        case .systemTemporary: return "SYS/TEMP"
        case .systemPermanent: return "SYS/PERM"
        case .authentication: return "AUTH"
        case .other(let code): return code
        }
    }
}
