/// Builds the bytes of a DNS message, compressing names against those already written.
struct WireWriter {
    private(set) var bytes: [UInt8] = []
    /// Offsets of name suffixes already written, keyed by their lowercased labels.
    private var suffixOffsets: [[[UInt8]]: Int] = [:]

    /// Compression pointers have 14 bits of offset.
    private static let maxPointerOffset = 0x3FFF

    var count: Int { bytes.count }

    mutating func writeUInt8(_ value: UInt8) { bytes.append(value) }

    mutating func writeUInt16(_ value: UInt16) {
        bytes.append(UInt8(value >> 8))
        bytes.append(UInt8(value & 0xFF))
    }

    mutating func writeUInt32(_ value: UInt32) {
        for shift in stride(from: 24, through: 0, by: -8) { bytes.append(UInt8((value >> UInt32(shift)) & 0xFF)) }
    }

    mutating func writeUInt48(_ value: UInt64) {
        for shift in stride(from: 40, through: 0, by: -8) { bytes.append(UInt8((value >> UInt64(shift)) & 0xFF)) }
    }

    mutating func writeBytes(_ value: [UInt8]) { bytes.append(contentsOf: value) }

    /// Overwrites a 16-bit field written earlier, e.g. an RDLENGTH once the RDATA is known.
    mutating func patchUInt16(_ value: UInt16, at position: Int) {
        guard position >= 0, position + 1 < bytes.count else { return }
        bytes[position] = UInt8(value >> 8)
        bytes[position + 1] = UInt8(value & 0xFF)
    }

    /// Writes a name; with `compress`, a suffix written before becomes a pointer to it.
    ///
    /// Suffixes are remembered either way so later names can point at them.
    mutating func writeName(_ name: DNSName, compress: Bool) {
        let labels = name.labels
        let lowered = name.lowercasedLabels
        for index in labels.indices {
            let suffix = Array(lowered[index...])
            if compress, let target = suffixOffsets[suffix] {
                writeUInt16(UInt16(0xC000 | target))
                return
            }
            if bytes.count <= Self.maxPointerOffset, suffixOffsets[suffix] == nil {
                suffixOffsets[suffix] = bytes.count
            }
            bytes.append(UInt8(labels[index].count))
            bytes.append(contentsOf: labels[index])
        }
        bytes.append(0)
    }
}
