/// A qualified XML name of WebDAV: a namespace and a local name (`DAV:` `getetag`).
public struct DAVName: Sendable, Hashable, CustomStringConvertible {
    /// The namespace URI.
    public let namespace: String
    /// The local name.
    public let name: String

    /// Creates a name.
    public init(_ namespace: String, _ name: String) {
        self.namespace = namespace
        self.name = name
    }

    public var description: String { "{\(namespace)}\(name)" }

    /// `DAV:` (RFC 4918).
    public static let dav = "DAV:"
    /// CalDAV (RFC 4791).
    public static let caldav = "urn:ietf:params:xml:ns:caldav"
    /// CardDAV (RFC 6352).
    public static let carddav = "urn:ietf:params:xml:ns:carddav"
    /// Apple's iCal extensions, where `calendar-color` lives.
    public static let apple = "http://apple.com/ns/ical/"
    /// CalendarServer extensions, where `getctag` lives.
    public static let calendarServer = "http://calendarserver.org/ns/"

    public static let resourceType = DAVName(dav, "resourcetype")
    public static let displayName = DAVName(dav, "displayname")
    public static let getETag = DAVName(dav, "getetag")
    public static let getContentType = DAVName(dav, "getcontenttype")
    public static let syncToken = DAVName(dav, "sync-token")
    public static let currentUserPrincipal = DAVName(dav, "current-user-principal")
    public static let collection = DAVName(dav, "collection")
    public static let addressbookHomeSet = DAVName(carddav, "addressbook-home-set")
    public static let calendarHomeSet = DAVName(caldav, "calendar-home-set")
    public static let addressbook = DAVName(carddav, "addressbook")
    public static let calendar = DAVName(caldav, "calendar")
    public static let supportedCalendarComponentSet = DAVName(caldav, "supported-calendar-component-set")
    public static let calendarDescription = DAVName(caldav, "calendar-description")
    public static let addressbookDescription = DAVName(carddav, "addressbook-description")
    public static let calendarTimezone = DAVName(caldav, "calendar-timezone")
    public static let calendarData = DAVName(caldav, "calendar-data")
    public static let addressData = DAVName(carddav, "address-data")
    public static let calendarColor = DAVName(apple, "calendar-color")
    public static let calendarOrder = DAVName(apple, "calendar-order")
    public static let getCTag = DAVName(calendarServer, "getctag")
}
