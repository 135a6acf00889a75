import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// New unique parts for message files, in the form Maildir delivery uses:
/// `<seconds>.M<microseconds>P<pid>Q<count>R<random>.<host>,S=<size>`.
///
/// Seconds first, so keys sort in the order messages were stored; process, counter and 64 random bits
/// keep two writers apart even on one host in one microsecond. Dovecot reads `,S=` as the file's size.
enum MaildirUniqueName {
    /// Deliveries of this process so far.
    private static let counter = Atomic<UInt64>(0)

    /// A unique part for a message of `size` bytes.
    static func make(size: Int) -> String {
        let now = Date().timeIntervalSince1970
        let seconds = Int(now.rounded(.down))
        let micro = Int((now - Double(seconds)) * 1_000_000)
        let count = counter.add(1, ordering: .relaxed).newValue
        let random = String(UInt64.random(in: 0...UInt64.max), radix: 16)
        return "\(seconds).M\(String(format: "%06d", micro))P\(getpid())Q\(count)R\(random).\(host),S=\(size)"
    }

    /// This host's name, with anything but letters, digits, `-` and `.` replaced by `_` (a name must
    /// hold no `/`, `:` or `,`).
    static let host: String = {
        var buffer = [CChar](repeating: 0, count: 256)
        let name = gethostname(&buffer, buffer.count) == 0
            ? String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self) : "localhost"
        let safe = name.unicodeScalars.map { scalar in
            scalar.isASCII && (CharacterSet.alphanumerics.contains(scalar) || scalar == "-" || scalar == ".") ? Character(scalar) : "_"
        }
        return safe.isEmpty ? "localhost" : String(safe)
    }()
}
