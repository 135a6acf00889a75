/// Modified UTF-7 for mailbox names (RFC 3501 §5.1.3).
///
/// Printable ASCII stands for itself except `&`, written `&-`; everything else is UTF-16, base64-encoded
/// with `,` in place of `/`, between `&` and `-`.
public enum ModifiedUTF7 {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+,".utf8)

    /// Encodes a mailbox name for the wire.
    public static func encode(_ name: String) -> String {
        var output: [UInt8] = []
        var pending: [UInt16] = []

        func flush() {
            guard !pending.isEmpty else { return }
            var bytes: [UInt8] = []
            for unit in pending { bytes.append(UInt8(unit >> 8)); bytes.append(UInt8(unit & 0xFF)) }
            output.append(UInt8(ascii: "&"))
            var index = 0
            while index < bytes.count {
                let chunk = bytes[index..<min(index + 3, bytes.count)]
                var value: UInt32 = 0
                for (offset, byte) in chunk.enumerated() { value |= UInt32(byte) << (16 - 8 * offset) }
                let symbols = chunk.count + 1
                for position in 0..<symbols {
                    output.append(alphabet[Int((value >> (18 - 6 * position)) & 0x3F)])
                }
                index += 3
            }
            output.append(UInt8(ascii: "-"))
            pending.removeAll()
        }

        for scalar in name.unicodeScalars {
            if scalar.value >= 0x20, scalar.value <= 0x7E {
                flush()
                if scalar == "&" {
                    output.append(contentsOf: Array("&-".utf8))
                } else {
                    output.append(UInt8(scalar.value))
                }
            } else {
                pending.append(contentsOf: Array(String(scalar).utf16))
            }
        }
        flush()
        return String(decoding: output, as: UTF8.self)
    }

    /// Decodes a wire mailbox name; nil if it is not valid modified UTF-7.
    public static func decode(_ wire: String) -> String? {
        let bytes = Array(wire.utf8)
        var result = String.UnicodeScalarView()
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            guard byte >= 0x20, byte <= 0x7E else { return nil }
            guard byte == UInt8(ascii: "&") else {
                result.append(Unicode.Scalar(byte))
                index += 1
                continue
            }
            guard let close = bytes[(index + 1)...].firstIndex(of: UInt8(ascii: "-")) else { return nil }
            let encoded = bytes[(index + 1)..<close]
            index = close + 1
            if encoded.isEmpty {
                result.append("&")
                continue
            }
            guard let units = decodeBase64(encoded) else { return nil }
            for scalar in Unicode.Scalar.decodeUTF16(units) {
                guard let scalar else { return nil }
                // Printable ASCII must not be base64-encoded (RFC 3501 §5.1.3).
                if scalar.value >= 0x20, scalar.value <= 0x7E { return nil }
                result.append(scalar)
            }
        }
        return String(result)
    }

    private static func decodeBase64(_ symbols: ArraySlice<UInt8>) -> [UInt16]? {
        var bits: UInt32 = 0
        var bitCount = 0
        var bytes: [UInt8] = []
        for symbol in symbols {
            guard let value = alphabet.firstIndex(of: symbol) else { return nil }
            bits = (bits << 6) | UInt32(value)
            bitCount += 6
            if bitCount >= 8 {
                bitCount -= 8
                bytes.append(UInt8((bits >> UInt32(bitCount)) & 0xFF))
            }
        }
        // Leftover bits must be zero padding.
        guard bitCount < 6, bits & ((1 << UInt32(bitCount)) - 1) == 0, bytes.count % 2 == 0 else { return nil }
        return stride(from: 0, to: bytes.count, by: 2).map { UInt16(bytes[$0]) << 8 | UInt16(bytes[$0 + 1]) }
    }
}

extension Unicode.Scalar {
    /// Scalars of a UTF-16 sequence, nil for an unpaired surrogate.
    static func decodeUTF16(_ units: [UInt16]) -> [Unicode.Scalar?] {
        var decoder = UTF16()
        var iterator = units.makeIterator()
        var output: [Unicode.Scalar?] = []
        loop: while true {
            switch decoder.decode(&iterator) {
            case .scalarValue(let scalar): output.append(scalar)
            case .emptyInput: break loop
            case .error: output.append(nil); break loop
            }
        }
        return output
    }
}
