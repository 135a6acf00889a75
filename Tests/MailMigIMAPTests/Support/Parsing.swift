import NIOCore
@testable import MailMigIMAP

/// Parses one response given as text (CRLF added when missing).
func parse(_ text: String) -> IMAPResponse {
    let line = text.hasSuffix("\r\n") ? text : text + "\r\n"
    return ResponseParser.parse(ByteBuffer(string: line))
}

/// Parses one response from raw bytes.
func parse(bytes: [UInt8]) -> IMAPResponse {
    ResponseParser.parse(ByteBuffer(bytes: bytes))
}

/// Runs bytes through the framer in chunks of `chunkSize` and returns every response.
func frameAll(_ bytes: [UInt8], chunkSize: Int = .max, limit: Int = 1 << 30) throws -> [IMAPResponse] {
    var framer = ResponseFramer(maximumLiteralSize: limit)
    var buffer = ByteBuffer()
    var responses: [IMAPResponse] = []
    var offset = 0
    while offset < bytes.count {
        let end = min(bytes.count, offset + max(1, min(chunkSize, bytes.count)))
        buffer.writeBytes(bytes[offset..<end])
        offset = end
        while let frame = try framer.nextFrame(&buffer) {
            responses.append(ResponseParser.parse(frame))
        }
    }
    return responses
}

/// The untagged data of a response, or nil.
func untagged(_ response: IMAPResponse) -> UntaggedResponse? {
    if case .untagged(let data) = response { return data }
    return nil
}

/// The FETCH data of a response, or nil.
func fetchData(_ response: IMAPResponse) -> FetchResponse? {
    if case .untagged(.fetch(let fetch)) = response { return fetch }
    return nil
}
