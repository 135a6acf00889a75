import Crypto
import Foundation

/// Signs requests and verifies responses with TSIG (RFC 8945).
struct TSIGSigner: Sendable {
    let key: TSIGKey
    /// Allowed clock difference in seconds; RFC 8945 recommends 300.
    var fudge: UInt16 = 300

    /// Appends a TSIG record to an encoded message and returns the signed bytes with the request MAC.
    func sign(_ message: [UInt8], at time: UInt64) -> (bytes: [UInt8], mac: [UInt8]) {
        let id = message.count >= 2 ? UInt16(message[0]) << 8 | UInt16(message[1]) : 0
        var digest = message
        appendVariables(to: &digest, time: time, error: .noError, otherData: [])
        let mac = authenticationCode(for: digest)
        var signed = message
        if signed.count >= 12 {
            let count = (UInt16(signed[10]) << 8 | UInt16(signed[11])) &+ 1
            signed[10] = UInt8(count >> 8)
            signed[11] = UInt8(count & 0xFF)
        }
        var writer = WireWriter()
        writer.writeName(key.name, compress: false)
        writer.writeUInt16(RecordType.tsig.rawValue)
        writer.writeUInt16(RecordClass.any)
        writer.writeUInt32(0)
        var rdata = WireWriter()
        rdata.writeName(key.algorithm.domainName, compress: false)
        rdata.writeUInt48(time)
        rdata.writeUInt16(fudge)
        rdata.writeUInt16(UInt16(mac.count))
        rdata.writeBytes(mac)
        rdata.writeUInt16(id)
        rdata.writeUInt16(0)
        rdata.writeUInt16(0)
        writer.writeUInt16(UInt16(rdata.count))
        writer.writeBytes(rdata.bytes)
        signed.append(contentsOf: writer.bytes)
        return (signed, mac)
    }

    /// Checks a response's TSIG record against the request MAC; throws what is wrong.
    func verify(response bytes: [UInt8], message: DNSMessage, requestMAC: [UInt8], now: UInt64) throws(TSIGFailure) {
        guard let tsig = message.tsig else { throw .responseUnsigned(rcode: message.rcode) }
        switch tsig.error {
        case .noError: break
        case .badSig: throw .badSignature
        case .badKey: throw .badKey
        case .badTime:
            var reader = WireReader(tsig.otherData)
            let serverTime = (try? reader.readUInt48()) ?? tsig.timeSigned
            throw .badTime(skew: Int64(bitPattern: serverTime) - Int64(bitPattern: now))
        default: throw .otherError(tsig.error)
        }
        guard tsig.keyName == key.name, tsig.algorithm == key.algorithm.domainName,
              let tsigOffset = message.tsigOffset, tsigOffset >= 12, tsigOffset <= bytes.count
        else { throw .responseSignatureInvalid }
        var digest: [UInt8] = []
        digest.append(UInt8(requestMAC.count >> 8))
        digest.append(UInt8(requestMAC.count & 0xFF))
        digest.append(contentsOf: requestMAC)
        var unsigned = Array(bytes[0..<tsigOffset])
        unsigned[0] = UInt8(tsig.originalID >> 8)
        unsigned[1] = UInt8(tsig.originalID & 0xFF)
        let count = (UInt16(unsigned[10]) << 8 | UInt16(unsigned[11])) &- 1
        unsigned[10] = UInt8(count >> 8)
        unsigned[11] = UInt8(count & 0xFF)
        digest.append(contentsOf: unsigned)
        appendVariables(to: &digest, time: tsig.timeSigned, fudge: tsig.fudge, error: tsig.error, otherData: tsig.otherData)
        let expected = authenticationCode(for: digest)
        guard tsig.mac.count == expected.count, Self.constantTimeEqual(tsig.mac, expected) else {
            throw .responseSignatureInvalid
        }
        let skew = Int64(bitPattern: tsig.timeSigned) - Int64(bitPattern: now)
        guard skew.magnitude <= UInt64(tsig.fudge) else { throw .responseTimeOutOfRange(skew: skew) }
    }

    /// The TSIG variables of RFC 8945 §4.3.3, names in canonical (lowercase, uncompressed) form.
    private func appendVariables(to digest: inout [UInt8], time: UInt64, fudge: UInt16? = nil,
                                 error: ResponseCode, otherData: [UInt8]) {
        var writer = WireWriter()
        writer.writeName(DNSName(uncheckedLabels: key.name.lowercasedLabels), compress: false)
        writer.writeUInt16(RecordClass.any)
        writer.writeUInt32(0)
        writer.writeName(key.algorithm.domainName, compress: false)
        writer.writeUInt48(time)
        writer.writeUInt16(fudge ?? self.fudge)
        writer.writeUInt16(error.rawValue)
        writer.writeUInt16(UInt16(clamping: otherData.count))
        writer.writeBytes(otherData)
        digest.append(contentsOf: writer.bytes)
    }

    private func authenticationCode(for data: [UInt8]) -> [UInt8] {
        let symmetricKey = SymmetricKey(data: key.secret)
        switch key.algorithm {
        case .hmacSHA256: return Array(HMAC<SHA256>.authenticationCode(for: data, using: symmetricKey))
        case .hmacSHA512: return Array(HMAC<SHA512>.authenticationCode(for: data, using: symmetricKey))
        }
    }

    private static func constantTimeEqual(_ lhs: [UInt8], _ rhs: [UInt8]) -> Bool {
        guard lhs.count == rhs.count else { return false }
        return zip(lhs, rhs).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }

    /// The current time in whole seconds since 1970.
    static func currentTime() -> UInt64 {
        UInt64(max(0, Date().timeIntervalSince1970))
    }
}

/// Why a TSIG exchange failed, before the server, zone and operation are attached.
enum TSIGFailure: Error, Equatable {
    /// The server could not verify our signature (wrong secret).
    case badSignature
    /// The server does not know the key name or algorithm.
    case badKey
    /// The server's clock differs from ours by more than the fudge; `skew` is server minus local seconds.
    case badTime(skew: Int64)
    case otherError(ResponseCode)
    /// A response to a signed request carried no TSIG record.
    case responseUnsigned(rcode: ResponseCode)
    /// The response's MAC does not match: it was altered or signed with another key.
    case responseSignatureInvalid
    /// The response is validly signed but its time is outside the fudge window.
    case responseTimeOutOfRange(skew: Int64)
}
