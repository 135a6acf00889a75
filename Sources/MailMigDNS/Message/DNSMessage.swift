/// A DNS message (RFC 1035 §4) with its EDNS0 and TSIG pseudo-records taken out of the additional section.
///
/// For UPDATE messages (RFC 2136) the sections are zone, prerequisites, updates and additional data;
/// they share storage with question, answer, authority and additional.
struct DNSMessage: Sendable, Equatable {
    var id: UInt16 = 0
    var isResponse = false
    var opcode: Opcode = .query
    var isAuthoritative = false
    var isTruncated = false
    var recursionDesired = false
    var recursionAvailable = false
    var authenticData = false
    var checkingDisabled = false
    /// The full response code, combining the header's four bits with the OPT record's upper eight.
    var rcode: ResponseCode = .noError
    var questions: [Question] = []
    var answers: [ResourceRecord] = []
    var authorities: [ResourceRecord] = []
    var additionals: [ResourceRecord] = []
    var edns: EDNS?
    var tsig: TSIGRecord?
    /// When decoded: where the TSIG record starts in the received bytes (needed to verify its MAC).
    var tsigOffset: Int?

    /// Message operation codes.
    enum Opcode: UInt8, Sendable {
        case query = 0
        case update = 5
    }

    static func == (lhs: DNSMessage, rhs: DNSMessage) -> Bool {
        lhs.id == rhs.id && lhs.isResponse == rhs.isResponse && lhs.opcode == rhs.opcode
            && lhs.isAuthoritative == rhs.isAuthoritative && lhs.isTruncated == rhs.isTruncated
            && lhs.recursionDesired == rhs.recursionDesired && lhs.recursionAvailable == rhs.recursionAvailable
            && lhs.authenticData == rhs.authenticData && lhs.checkingDisabled == rhs.checkingDisabled
            && lhs.rcode == rhs.rcode && lhs.questions == rhs.questions && lhs.answers == rhs.answers
            && lhs.authorities == rhs.authorities && lhs.additionals == rhs.additionals
            && lhs.edns == rhs.edns && lhs.tsig == rhs.tsig
    }
}

/// One entry of the question (or, in an update, zone) section.
struct Question: Hashable, Sendable {
    var name: DNSName
    var type: RecordType
    var questionClass: UInt16 = RecordClass.internet
}

/// The EDNS0 OPT pseudo-record (RFC 6891).
struct EDNS: Hashable, Sendable {
    /// The largest UDP response the sender accepts.
    var udpPayloadSize: UInt16 = 1232
    var version: UInt8 = 0
    var dnssecOK = false
    /// Options as raw `(code, data)` pairs; this library sends none.
    var options: [EDNSOption] = []
}

/// One EDNS0 option, kept raw.
struct EDNSOption: Hashable, Sendable {
    var code: UInt16
    var data: [UInt8]
}

/// The fields of a TSIG record (RFC 8945 §4.2).
struct TSIGRecord: Hashable, Sendable {
    var keyName: DNSName
    var algorithm: DNSName
    /// Seconds since 1970, 48 bits on the wire.
    var timeSigned: UInt64
    var fudge: UInt16
    var mac: [UInt8]
    var originalID: UInt16
    var error: ResponseCode
    var otherData: [UInt8]
}
