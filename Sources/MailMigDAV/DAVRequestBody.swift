import Foundation

/// The XML bodies of the requests mailmig sends (PROPFIND, REPORT, MKCOL, MKCALENDAR).
public enum DAVRequestBody {
    /// `PROPFIND` for `properties` (RFC 4918 §9.1).
    public static func propfind(_ properties: [DAVName]) -> Data {
        document(root: DAVName(DAVName.dav, "propfind"), inner: element(DAVName(DAVName.dav, "prop"), properties.map { empty($0) }.joined()))
    }

    /// `sync-collection` report (RFC 6578 §3.2): changes since `token` (nil: everything), with `properties`.
    public static func syncCollection(token: String?, properties: [DAVName]) -> Data {
        let inner = element(DAVName(DAVName.dav, "sync-token"), escape(token ?? ""))
            + element(DAVName(DAVName.dav, "sync-level"), "1")
            + element(DAVName(DAVName.dav, "prop"), properties.map { empty($0) }.joined())
        return document(root: DAVName(DAVName.dav, "sync-collection"), inner: inner)
    }

    /// `addressbook-multiget` (RFC 6352 §8.7) or `calendar-multiget` (RFC 4791 §7.9) of `hrefs`, with
    /// their ETags and data.
    public static func multiget(calendar: Bool, hrefs: [String]) -> Data {
        let root = calendar ? DAVName(DAVName.caldav, "calendar-multiget") : DAVName(DAVName.carddav, "addressbook-multiget")
        let data = calendar ? DAVName.calendarData : DAVName.addressData
        let inner = element(DAVName(DAVName.dav, "prop"), empty(DAVName.getETag) + empty(data))
            + hrefs.map { element(DAVName(DAVName.dav, "href"), escape($0)) }.joined()
        return document(root: root, inner: inner)
    }

    /// `calendar-query` (RFC 4791 §7.8) or `addressbook-query` (RFC 6352 §8.6) for the item whose UID
    /// is `uid`, asking for its ETag only.
    public static func query(calendar: Bool, uid: String, component: String = "VEVENT") -> Data {
        let textMatch = "<C:text-match collation=\"i;octet\" match-type=\"equals\">\(escape(uid))</C:text-match>"
        if calendar {
            let filter = "<C:filter><C:comp-filter name=\"VCALENDAR\"><C:comp-filter name=\"\(escape(component))\">"
                + "<C:prop-filter name=\"UID\">\(textMatch)</C:prop-filter></C:comp-filter></C:comp-filter></C:filter>"
            return Data(("<?xml version=\"1.0\" encoding=\"utf-8\"?>"
                + "<C:calendar-query xmlns:D=\"DAV:\" xmlns:C=\"\(DAVName.caldav)\"><D:prop><D:getetag/></D:prop>\(filter)</C:calendar-query>").utf8)
        }
        let filter = "<C:filter><C:prop-filter name=\"UID\">\(textMatch)</C:prop-filter></C:filter>"
        return Data(("<?xml version=\"1.0\" encoding=\"utf-8\"?>"
            + "<C:addressbook-query xmlns:D=\"DAV:\" xmlns:C=\"\(DAVName.carddav)\"><D:prop><D:getetag/></D:prop>\(filter)</C:addressbook-query>").utf8)
    }

    /// Extended `MKCOL` (RFC 5689) of an address book, or `MKCALENDAR` (RFC 4791 §5.3.1) of a calendar
    /// holding `components`, with its display name, colour and description.
    public static func makeCollection(addressbook: Bool, displayName: String?, color: String?, description: String?,
                                      components: [String]) -> Data {
        var props = ""
        if let displayName { props += element(DAVName.displayName, escape(displayName)) }
        if addressbook {
            props = element(DAVName.resourceType, empty(DAVName.collection) + empty(DAVName.addressbook)) + props
            if let description { props += element(DAVName.addressbookDescription, escape(description)) }
            let set = element(DAVName(DAVName.dav, "set"), element(DAVName(DAVName.dav, "prop"), props))
            return document(root: DAVName(DAVName.dav, "mkcol"), inner: set)
        }
        if let color { props += element(DAVName.calendarColor, escape(color)) }
        if let description { props += element(DAVName.calendarDescription, escape(description)) }
        if !components.isEmpty {
            props += element(DAVName.supportedCalendarComponentSet,
                             components.map { "<C:comp name=\"\(escape($0))\"/>" }.joined())
        }
        let set = element(DAVName(DAVName.dav, "set"), element(DAVName(DAVName.dav, "prop"), props))
        return document(root: DAVName(DAVName.caldav, "mkcalendar"), inner: set)
    }

    /// Escapes text for element content and attribute values.
    public static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            default: out.append(character)
            }
        }
        return out
    }

    private static let prefixes: [String: String] = [
        DAVName.dav: "D", DAVName.caldav: "C", DAVName.carddav: "A", DAVName.apple: "I", DAVName.calendarServer: "CS",
    ]

    private static func qualified(_ name: DAVName) -> String { "\(prefixes[name.namespace] ?? "D"):\(name.name)" }

    private static func empty(_ name: DAVName) -> String { "<\(qualified(name))/>" }

    private static func element(_ name: DAVName, _ inner: String) -> String { "<\(qualified(name))>\(inner)</\(qualified(name))>" }

    private static func document(root: DAVName, inner: String) -> Data {
        let declarations = prefixes.sorted { $0.value < $1.value }.map { "xmlns:\($0.value)=\"\($0.key)\"" }.joined(separator: " ")
        let name = qualified(root)
        return Data("<?xml version=\"1.0\" encoding=\"utf-8\"?><\(name) \(declarations)>\(inner)</\(name)>".utf8)
    }
}
