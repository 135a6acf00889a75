/// A DNS message could not be decoded or encoded: the bytes break the wire format.
struct WireFormatError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What is wrong, in a few words.
    let reason: String
    /// The byte offset where the problem was found.
    let offset: Int

    var description: String { "\(reason) at byte \(offset)" }
}
