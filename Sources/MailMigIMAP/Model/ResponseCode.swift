/// A bracketed response code such as `[APPENDUID 38505 3955]` in a status response (RFC 3501 §7.1).
public enum ResponseCode: Sendable, Equatable {
    /// `ALERT`: the text must be shown to the user.
    case alert
    /// `APPENDUID uidvalidity uid-set` (RFC 4315).
    case appendUID(uidValidity: UInt32, uids: UIDSet)
    /// `COPYUID uidvalidity source-set destination-set` (RFC 4315).
    case copyUID(uidValidity: UInt32, source: UIDSet, destination: UIDSet)
    /// `UIDVALIDITY n`.
    case uidValidity(UInt32)
    /// `UIDNEXT n`.
    case uidNext(UInt32)
    /// `UNSEEN n`: sequence number of the first unseen message.
    case unseen(UInt32)
    /// `HIGHESTMODSEQ n` (RFC 7162).
    case highestModSeq(UInt64)
    /// `NOMODSEQ`: the mailbox does not support mod-sequences.
    case noModSeq
    /// `PERMANENTFLAGS (...)`.
    case permanentFlags([String])
    /// `CAPABILITY ...` sent inside a greeting or a login completion.
    case capability([String])
    /// `TRYCREATE`: the target mailbox does not exist.
    case tryCreate
    /// `OVERQUOTA` (RFC 9208) or the older `QUOTA`-style codes some servers send.
    case overQuota
    /// `READ-ONLY`.
    case readOnly
    /// `READ-WRITE`.
    case readWrite
    /// `UIDNOTSTICKY`.
    case uidNotSticky
    /// Any other code, kept with its raw argument text.
    case other(name: String, arguments: String?)
}

extension ResponseCode: CustomStringConvertible {
    /// The code as it would appear on the wire (without brackets).
    public var description: String {
        switch self {
        case .alert: return "ALERT"
        case .appendUID(let validity, let uids): return "APPENDUID \(validity) \(uids)"
        case .copyUID(let validity, let source, let destination):
            return "COPYUID \(validity) \(source) \(destination)"
        case .uidValidity(let value): return "UIDVALIDITY \(value)"
        case .uidNext(let value): return "UIDNEXT \(value)"
        case .unseen(let value): return "UNSEEN \(value)"
        case .highestModSeq(let value): return "HIGHESTMODSEQ \(value)"
        case .noModSeq: return "NOMODSEQ"
        case .permanentFlags(let flags): return "PERMANENTFLAGS (\(flags.joined(separator: " ")))"
        case .capability(let caps): return "CAPABILITY \(caps.joined(separator: " "))"
        case .tryCreate: return "TRYCREATE"
        case .overQuota: return "OVERQUOTA"
        case .readOnly: return "READ-ONLY"
        case .readWrite: return "READ-WRITE"
        case .uidNotSticky: return "UIDNOTSTICKY"
        case .other(let name, let arguments):
            if let arguments { return "\(name) \(arguments)" }
            return name
        }
    }
}
