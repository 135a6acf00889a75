/// A message file's name in a Maildir: a unique part, then `:2,` and the flag letters.
///
/// The unique part is the message's key and never changes; flag changes rename the file after the
/// `:`. A file in `new/` has no info part yet. Another program's names may carry fields of their own in
/// the unique part (Dovecot's `,S=<size>,W=<size>`); they stay part of the key.
struct MaildirFileName: Equatable {
    /// The unique part: everything before the first `:`.
    let unique: String
    /// The flag letters after `:2,`, empty when there is no such info part.
    let letters: String

    /// Splits a file name.
    init(parsing name: String) {
        guard let colon = name.firstIndex(of: ":") else {
            unique = name
            letters = ""
            return
        }
        unique = String(name[..<colon])
        let info = name[name.index(after: colon)...]
        letters = info.hasPrefix("2,") ? String(info.dropFirst(2)) : ""
    }

    /// Splits the name of a file given as a folder lists it (`cur/<name>`, `new/<name>`).
    init(folderFile: String) {
        self.init(parsing: String(folderFile.drop { $0 != "/" }.dropFirst()))
    }

    /// A name from its parts.
    init(unique: String, letters: String) {
        self.unique = unique
        self.letters = letters
    }

    /// The file name in `cur/`: `<unique>:2,<letters>`.
    var name: String { unique + ":2," + letters }

    /// Whether a directory entry can be a message file: not hidden (`.` files are other programs' own).
    static func isMessageFile(_ name: String) -> Bool { !name.hasPrefix(".") }
}
