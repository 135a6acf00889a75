/// IMAP flags and the Maildir flag letters that stand for them.
///
/// `D` \Draft, `F` \Flagged, `P` $Forwarded (passed), `R` \Answered, `S` \Seen, `T` \Deleted: the
/// letters mutt, Dovecot and Courier read. Keywords other than `$Forwarded` have no portable letter:
/// this store keeps them in its manifest; Dovecot writes lower-case letters that its
/// `dovecot-keywords` file names, which are read from Maildirs it wrote. Flags compare as IMAP compares
/// them, case-insensitively.
enum MaildirFlags {
    /// Each letter and the flag it stands for, in letter order.
    static let letters: [(letter: Character, flag: String)] = [
        ("D", "\\Draft"), ("F", "\\Flagged"), ("P", "$Forwarded"), ("R", "\\Answered"), ("S", "\\Seen"), ("T", "\\Deleted"),
    ]

    /// The letters for `flags`, in ASCII order as Maildir wants them.
    static func letters<S: Sequence>(for flags: S) -> String where S.Element == String {
        let held = Set(flags.map { $0.lowercased() })
        return String(letters.filter { held.contains($0.flag.lowercased()) }.map(\.letter))
    }

    /// The flags a file name's letters stand for; lower-case letters name keywords through `keywords`
    /// (a Dovecot folder's `dovecot-keywords`), and unknown letters are left out.
    static func flags(fromLetters text: String, keywords: [Character: String] = [:]) -> Set<String> {
        var flags = Set<String>()
        for character in text {
            if let known = letters.first(where: { $0.letter == character }) {
                flags.insert(known.flag)
            } else if let keyword = keywords[character] {
                flags.insert(keyword)
            }
        }
        return flags
    }

    /// The flags of a message whose file name shows `text` now while `recorded` were its flags before:
    /// the letters decide the flags they stand for, every other flag (keywords) is kept as recorded, and
    /// a flag the letters still show keeps its recorded spelling.
    static func merging(letters text: String, into recorded: Set<String>) -> Set<String> {
        let shown = flags(fromLetters: text)
        let lettered = Set(letters.map { $0.flag.lowercased() })
        var merged = recorded.filter { !lettered.contains($0.lowercased()) }
        for flag in shown {
            merged.insert(recorded.first { $0.lowercased() == flag.lowercased() } ?? flag)
        }
        return merged
    }

    /// The keywords of a Dovecot `dovecot-keywords` file (`<index> <keyword>` lines, index 0 is `a`).
    static func dovecotKeywords(_ text: String) -> [Character: String] {
        var keywords: [Character: String] = [:]
        for line in text.split(whereSeparator: \.isNewline) {
            let parts = line.split(separator: " ", maxSplits: 1)
            guard parts.count == 2, let index = Int(parts[0]), (0..<26).contains(index) else { continue }
            keywords[Character(Unicode.Scalar(UInt8(ascii: "a") + UInt8(index)))] = String(parts[1])
        }
        return keywords
    }
}
