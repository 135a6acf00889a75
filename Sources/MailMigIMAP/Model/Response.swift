/// The status word of a tagged or untagged condition response.
public enum ResponseStatus: String, Sendable, Equatable {
    case ok = "OK"
    case no = "NO"
    case bad = "BAD"
    case preauth = "PREAUTH"
    case bye = "BYE"
}

/// A status response: `OK`, `NO`, `BAD`, `PREAUTH` or `BYE`, with an optional code and text.
public struct StatusResponseLine: Sendable, Equatable {
    /// The status word.
    public var status: ResponseStatus
    /// The bracketed response code, if any.
    public var code: ResponseCode?
    /// The human-readable text.
    public var text: String
}

/// Untagged server data (`* ...`).
public enum UntaggedResponse: Sendable, Equatable {
    case condition(StatusResponseLine)
    case capability([String])
    case enabled([String])
    case flags([String])
    case list(ListResponse)
    case lsub(ListResponse)
    case status(StatusResponse)
    case search([UInt32], modSeq: UInt64?)
    case esearch(ESearchResponse)
    case namespace(NamespaceResponse)
    case exists(Int)
    case recent(Int)
    case expunge(UInt32)
    case fetch(FetchResponse)
    case vanished(earlier: Bool, UIDSet)
    /// Data this client does not understand, kept verbatim (keyword and rest of line).
    case other(keyword: String, text: String)
}

/// One complete server response.
public enum IMAPResponse: Sendable, Equatable {
    /// A tagged completion.
    case tagged(tag: String, StatusResponseLine)
    /// Untagged data.
    case untagged(UntaggedResponse)
    /// A continuation request (`+ ...`), with its text (base64 for AUTHENTICATE challenges).
    case continuation(String)
    /// A response the parser could not read; the connection stays usable.
    case unparsable(text: String, reason: String)
}
