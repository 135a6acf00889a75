import MailMigSpool

/// Which untagged data a command expects; used to credit responses to the right pipelined command.
///
/// Servers such as Dovecot run pipelined commands concurrently and interleave their untagged data,
/// so "the oldest command gets it" is not enough.
enum CommandKind: Sendable, Equatable {
    case select
    case list
    case lsub
    case status
    case search
    /// A UID FETCH of `uids`; results must carry the items every result has.
    case fetch(UIDSet, requiresBody: Bool)
    case capability
    case namespace
    case enable
    case other

    /// Whether this is a UID FETCH whose set includes `uid`.
    func covers(_ uid: UInt32) -> Bool {
        if case .fetch(let uids, _) = self { return uids.contains(uid) }
        return false
    }

    func accepts(_ data: UntaggedResponse) -> Bool {
        switch (self, data) {
        case (.select, .flags), (.select, .exists), (.select, .recent), (.select, .condition): return true
        case (.list, .list), (.list, .status), (.lsub, .lsub), (.status, .status): return true
        case (.search, .search), (.search, .esearch): return true
        case (.capability, .capability), (.namespace, .namespace), (.enable, .enabled): return true
        case (.fetch(let uids, let requiresBody), .fetch(let response)):
            // Flag updates from STORE or other sessions lack these items and are not results.
            guard let uid = response.uid, response.flags != nil, response.internalDate != nil, response.size != nil else {
                return false
            }
            // A body too large to read counts as delivered: the stream reports it as omitted.
            return uids.contains(uid) && (!requiresBody || response.bodyContent != nil || response.omittedBodySize != nil)
        default: return false
        }
    }
}

/// One command to send, as text pieces and literals; the tag is added when it is sent.
struct Command: Sendable {
    enum Part: Sendable {
        case text([UInt8])
        /// A literal; `binary` sends it as literal8 (`~{n}`, RFC 3516).
        case literal(MessageBytes, binary: Bool)
    }

    /// What the command is called in errors, e.g. `SELECT "Sent"`; never contains a secret.
    var name: String
    var parts: [Part] = []
    /// Whether the command turns on the server's AUTHENTICATE exchange.
    var isAuthenticate = false
    var kind: CommandKind

    init(_ words: String, name: String? = nil, kind: CommandKind = .other) {
        self.name = name ?? words
        self.kind = kind
        parts = [.text(Array(words.utf8))]
    }

    mutating func add(_ text: String) { parts.append(.text(Array(text.utf8))) }

    mutating func space() { add(" ") }

    /// A string argument: quoted when it can be, a literal otherwise (line breaks, NUL, 8-bit without UTF-8).
    mutating func string(_ value: String, utf8Allowed: Bool) {
        let bytes = Array(value.utf8)
        let needsLiteral = bytes.contains { byte in
            byte == 0x00 || byte == 0x0A || byte == 0x0D || (byte > 0x7F && !utf8Allowed)
        } || bytes.count > 1000
        if needsLiteral {
            parts.append(.literal(MessageBytes(bytes), binary: false))
            return
        }
        var quoted: [UInt8] = [UInt8(ascii: "\"")]
        for byte in bytes {
            if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") { quoted.append(UInt8(ascii: "\\")) }
            quoted.append(byte)
        }
        quoted.append(UInt8(ascii: "\""))
        parts.append(.text(quoted))
    }

    /// A parenthesised list of flags; flags are atoms and go as they are.
    mutating func flagList(_ flags: [String]) {
        add("(" + flags.joined(separator: " ") + ")")
    }

    mutating func literal(_ bytes: MessageBytes, binary: Bool) { parts.append(.literal(bytes, binary: binary)) }

    /// The bytes of its literals: what it must move besides its short lines.
    var literalBytes: Int {
        parts.reduce(0) { total, part in
            if case .literal(let bytes, _) = part { return total + bytes.count }
            return total
        }
    }
}

/// The outcome of a completed command: its tagged line and the untagged data that came with it.
struct CommandResult: Sendable {
    var line: StatusResponseLine
    var untagged: [UntaggedResponse]
}
