/// One mailbox to migrate: where it is on the source and where it goes on the target.
public struct MailboxMapping: Sendable, Hashable, Codable {
    /// The source address.
    public var source: EmailAddress
    /// The target address (the source address when not given).
    public var target: EmailAddress
    /// Free labels that batches select by.
    public var tags: [String]
    /// Overrides the source's login for this mailbox.
    public var sourceLogin: MailboxLogin?
    /// Overrides the target's login for this mailbox.
    public var targetLogin: MailboxLogin?
    /// Where it was declared (the plan or a line of an imported CSV).
    public var location: SourceLocation

    /// Creates a mailbox mapping.
    public init(
        source: EmailAddress,
        target: EmailAddress,
        tags: [String],
        sourceLogin: MailboxLogin? = nil,
        targetLogin: MailboxLogin? = nil,
        location: SourceLocation
    ) {
        self.source = source
        self.target = target
        self.tags = tags
        self.sourceLogin = sourceLogin
        self.targetLogin = targetLogin
        self.location = location
    }
}

/// Credentials of one mailbox on one side, overriding the server's login settings.
public struct MailboxLogin: Sendable, Hashable, Codable {
    /// The login name; when absent the server's `user_format` applies.
    public var user: String?
    /// The password reference; when absent the server's login style applies.
    public var password: SecretReference?

    /// Creates a mailbox's credentials.
    public init(user: String? = nil, password: SecretReference? = nil) {
        self.user = user
        self.password = password
    }
}
