#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The four bytes of an A record.
public struct IPv4Address: Hashable, Sendable, CustomStringConvertible {
    public let bytes: [UInt8]

    /// Parses dotted-quad text such as `192.0.2.1` (no leading zeros, no shortened forms).
    public init?(_ text: String) {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var bytes: [UInt8] = []
        for part in parts {
            guard !part.isEmpty, part.count <= 3, part.allSatisfy(\.isASCII), part.allSatisfy(\.isNumber),
                  part == "0" || !part.hasPrefix("0"), let value = UInt8(part)
            else { return nil }
            bytes.append(value)
        }
        self.bytes = bytes
    }

    /// An address from exactly four bytes.
    public init?(bytes: [UInt8]) {
        guard bytes.count == 4 else { return nil }
        self.bytes = bytes
    }

    public var description: String { bytes.map(String.init).joined(separator: ".") }
}

/// The sixteen bytes of an AAAA record.
public struct IPv6Address: Hashable, Sendable, CustomStringConvertible {
    public let bytes: [UInt8]

    /// Parses any RFC 4291 text form, e.g. `2001:db8::1`.
    public init?(_ text: String) {
        var storage = in6_addr()
        guard inet_pton(AF_INET6, text, &storage) == 1 else { return nil }
        bytes = withUnsafeBytes(of: &storage) { Array($0) }
    }

    /// An address from exactly sixteen bytes.
    public init?(bytes: [UInt8]) {
        guard bytes.count == 16 else { return nil }
        self.bytes = bytes
    }

    /// The canonical RFC 5952 form, e.g. `2001:db8::1`.
    public var description: String {
        var storage = in6_addr()
        withUnsafeMutableBytes(of: &storage) { $0.copyBytes(from: bytes) }
        var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        guard inet_ntop(AF_INET6, &storage, &buffer, socklen_t(buffer.count)) != nil else {
            return bytes.map { String($0, radix: 16) }.joined(separator: ":")
        }
        return String(decoding: buffer.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
