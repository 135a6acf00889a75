import Testing
@testable import MailMigDNS

@Suite("TSIG signing and verification (RFC 8945)")
struct TSIGTests {
    static func key256() throws -> TSIGKey {
        try TSIGKey(name: "mailmig-sha256", algorithm: .hmacSHA256, base64Secret: WireVectors.sha256Secret)
    }

    static func key512() throws -> TSIGKey {
        try TSIGKey(name: "mailmig-sha512", algorithm: .hmacSHA512, base64Secret: WireVectors.sha512Secret)
    }

    /// The request without its TSIG record, as it was before nsupdate signed it.
    static func unsigned(_ bytes: [UInt8]) throws -> (bytes: [UInt8], tsig: TSIGRecord) {
        let message = try DNSMessage.decode(bytes)
        let tsig = try #require(message.tsig)
        var unsigned = Array(bytes[0..<(try #require(message.tsigOffset))])
        unsigned[11] -= 1
        return (unsigned, tsig)
    }

    @Test("signing nsupdate's request again reproduces its bytes and MAC", arguments: [
        (WireVectors.nsupdateAddSHA256, false), (WireVectors.nsupdateDeleteSHA512, true),
    ])
    func signLikeNsupdate(request: [UInt8], sha512: Bool) throws {
        let (unsigned, tsig) = try Self.unsigned(request)
        let signer = TSIGSigner(key: sha512 ? try Self.key512() : try Self.key256(), fudge: tsig.fudge)
        let signed = signer.sign(unsigned, at: tsig.timeSigned)
        #expect(signed.mac == tsig.mac)
        #expect(signed.bytes == request)
        #expect(tsig.mac.count == (sha512 ? 64 : 32))
    }

    @Test("BIND's signed answers verify against the request MAC", arguments: [
        (WireVectors.nsupdateAddSHA256, WireVectors.bindUpdateResponseSHA256, false),
        (WireVectors.nsupdateDeleteSHA512, WireVectors.bindUpdateResponseSHA512, true),
        (WireVectors.nsupdatePrereqNXRRSET, WireVectors.bindResponseYXRRSET, false),
    ])
    func verifyBindResponse(request: [UInt8], response: [UInt8], sha512: Bool) throws {
        let requestMAC = try #require(try DNSMessage.decode(request).tsig?.mac)
        let message = try DNSMessage.decode(response)
        let time = try #require(message.tsig?.timeSigned)
        let signer = TSIGSigner(key: sha512 ? try Self.key512() : try Self.key256())
        try signer.verify(response: response, message: message, requestMAC: requestMAC, now: time + 10)
    }

    @Test("a changed byte, another request MAC or another key makes verification fail")
    func tamperedResponse() throws {
        let requestMAC = try #require(try DNSMessage.decode(WireVectors.nsupdateAddSHA256).tsig?.mac)
        let response = WireVectors.bindUpdateResponseSHA256
        let time = try #require(try DNSMessage.decode(response).tsig?.timeSigned)
        let signer = TSIGSigner(key: try Self.key256())

        var changed = response
        changed[3] ^= 0x01
        #expect(throws: TSIGFailure.responseSignatureInvalid) {
            try signer.verify(response: changed, message: try DNSMessage.decode(changed), requestMAC: requestMAC, now: time)
        }
        var otherMAC = requestMAC
        otherMAC[0] ^= 0xFF
        #expect(throws: TSIGFailure.responseSignatureInvalid) {
            try signer.verify(response: response, message: try DNSMessage.decode(response), requestMAC: otherMAC, now: time)
        }
        let otherKey = TSIGSigner(key: TSIGKey(name: try DNSName("mailmig-sha256"), algorithm: .hmacSHA256, secret: [1, 2, 3]))
        #expect(throws: TSIGFailure.responseSignatureInvalid) {
            try otherKey.verify(response: response, message: try DNSMessage.decode(response), requestMAC: requestMAC, now: time)
        }
    }

    @Test("a validly signed answer outside the time window is rejected")
    func staleResponse() throws {
        let requestMAC = try #require(try DNSMessage.decode(WireVectors.nsupdateAddSHA256).tsig?.mac)
        let response = WireVectors.bindUpdateResponseSHA256
        let message = try DNSMessage.decode(response)
        let time = try #require(message.tsig?.timeSigned)
        #expect(throws: TSIGFailure.responseTimeOutOfRange(skew: -301)) {
            try TSIGSigner(key: try Self.key256()).verify(response: response, message: message, requestMAC: requestMAC, now: time + 301)
        }
    }

    @Test("BIND's BADSIG answer is reported as a bad signature")
    func badSignature() throws {
        let message = try DNSMessage.decode(WireVectors.bindResponseBADSIG)
        #expect(message.rcode == .notAuth)
        #expect(message.tsig?.error == .badSig)
        #expect(message.tsig?.mac.isEmpty == true)
        #expect(throws: TSIGFailure.badSignature) {
            try TSIGSigner(key: try Self.key256()).verify(response: WireVectors.bindResponseBADSIG, message: message,
                                                          requestMAC: [1], now: 0)
        }
    }

    @Test("BADTIME reports the skew from the server's time in the other data")
    func badTime() throws {
        let key = try Self.key256()
        let signer = TSIGSigner(key: key)
        var response = DNSMessage()
        response.isResponse = true
        response.rcode = .notAuth
        response.tsig = TSIGRecord(keyName: key.name, algorithm: key.algorithm.domainName, timeSigned: 1000, fudge: 300,
                                   mac: [], originalID: 0, error: .badTime, otherData: [0, 0, 0, 0, 0x07, 0xD0])
        response.tsigOffset = 12
        #expect(throws: TSIGFailure.badTime(skew: 1500)) {
            try signer.verify(response: [], message: response, requestMAC: [], now: 500)
        }
    }

    @Test("an answer without TSIG to a signed request is unsigned")
    func unsignedResponse() throws {
        let message = try DNSMessage.decode(WireVectors.bindResponseMX)
        #expect(throws: TSIGFailure.responseUnsigned(rcode: .noError)) {
            try TSIGSigner(key: try Self.key256()).verify(response: WireVectors.bindResponseMX, message: message,
                                                          requestMAC: [], now: 0)
        }
    }

    @Test("a key never prints its secret")
    func secretHidden() throws {
        let key = try Self.key256()
        for text in [key.description, key.debugDescription, String(describing: key), String(reflecting: key),
                     "\(key)", String(describing: [key])] {
            #expect(!text.contains(WireVectors.sha256Secret))
            #expect(!text.contains("195"))  // the secret's first byte, as an array would print it
        }
        var dumped = ""
        dump(key, to: &dumped)
        #expect(!dumped.contains("secret:"))
        #expect(key.description == "TSIG key mailmig-sha256. (hmac-sha256, secret hidden)")
        #expect(key.secretLength == 32)
    }

    @Test("invalid base64 secrets and unknown algorithms are typed errors without the secret")
    func invalidKeys() throws {
        let error = #expect(throws: DNSParseError.self) {
            try TSIGKey(name: "k", algorithm: .hmacSHA256, base64Secret: "not base64!!")
        }
        #expect(error?.description.contains("not base64") == false)
        #expect(try TSIGAlgorithm(name: "HMAC-SHA512.") == .hmacSHA512)
        #expect(throws: DNSParseError.self) { try TSIGAlgorithm(name: "hmac-md5") }
    }
}
