import Foundation

/// A parsed `207 Multi-Status` body (RFC 4918 §13): one response per resource, and the collection's
/// new sync token when it answers a `sync-collection` report (RFC 6578 §6.2).
public struct Multistatus: Sendable, Equatable {
    /// The responses, in the server's order.
    public var responses: [DAVResponse]
    /// The token to send with the next `sync-collection` report; nil when the body has none.
    public var syncToken: String?

    /// Creates a multistatus.
    public init(responses: [DAVResponse], syncToken: String? = nil) {
        self.responses = responses
        self.syncToken = syncToken
    }
}

/// One `response` element: a resource and what the server found of it.
public struct DAVResponse: Sendable, Equatable {
    /// The resource's path as the server wrote it (percent-encoded, sometimes a full URL).
    public var href: String
    /// The response's own status, which a `sync-collection` report uses for removed members (404).
    public var status: Int?
    /// The properties the server returned with `200`.
    public var properties: [DAVName: DAVValue]
    /// Properties the server has not (`404`) or would not give (`403`), by status.
    public var missing: [DAVName: Int]

    /// Creates a response.
    public init(href: String, status: Int? = nil, properties: [DAVName: DAVValue] = [:], missing: [DAVName: Int] = [:]) {
        self.href = href
        self.status = status
        self.properties = properties
        self.missing = missing
    }

    /// Whether the resource is a collection (its `resourcetype` holds `collection`), not an item.
    public var isCollection: Bool {
        properties[DAVName.resourceType]?.children.contains(DAVName.collection) ?? false
    }

    /// The property's text, trimmed; nil when absent or empty.
    public func text(_ name: DAVName) -> String? {
        guard let text = properties[name]?.text.trimmingCharacters(in: .whitespacesAndNewlines), !text.isEmpty else { return nil }
        return text
    }

    /// The first `href` inside the property (`current-user-principal`, the home sets).
    public func href(_ name: DAVName) -> String? { properties[name]?.hrefs.first }
}

/// The value of one property: its text, the `href`s it holds, and the names (with `name` attributes)
/// of its child elements, which is all the properties mailmig reads need.
public struct DAVValue: Sendable, Equatable {
    /// The text directly inside the element (for `calendar-data`, the whole item).
    public var text: String
    /// Every `DAV:href` inside it, in order.
    public var hrefs: [String]
    /// Its child elements (`resourcetype`'s `collection`, `calendar`, …).
    public var children: [DAVName]
    /// The `name` attribute of each `comp` child (`supported-calendar-component-set`).
    public var componentNames: [String]

    /// Creates a value.
    public init(text: String = "", hrefs: [String] = [], children: [DAVName] = [], componentNames: [String] = []) {
        self.text = text
        self.hrefs = hrefs
        self.children = children
        self.componentNames = componentNames
    }
}
