import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// Reads a `207 Multi-Status` body into a `Multistatus`.
///
/// Namespaces are resolved by the XML parser, so `D:`, `d:` or a default namespace read the same.
/// External entities are never resolved. Bodies that are not well-formed XML, or have no
/// `multistatus` root, are refused with `DAVFailure.malformed`.
public enum MultistatusParser {
    /// Parses `data`; `what` names the request in the error.
    public static func parse(_ data: Data, what: String) throws(DAVFailure) -> Multistatus {
        let delegate = Delegate()
        let parser = XMLParser(data: data)
        parser.shouldProcessNamespaces = true
        parser.shouldResolveExternalEntities = false
        parser.delegate = delegate
        guard parser.parse(), delegate.sawRoot else {
            let reason = parser.parserError.map { "\($0.localizedDescription)" } ?? "no multistatus element"
            throw DAVFailure.malformed(what: what, reason: reason)
        }
        return Multistatus(responses: delegate.responses, syncToken: delegate.syncToken)
    }

    /// Statuses are `HTTP/1.1 200 OK`; the code is the second word.
    static func statusCode(_ line: String) -> Int? {
        let words = line.split(separator: " ")
        guard words.count >= 2 else { return nil }
        return Int(words[1])
    }

    private final class Delegate: NSObject, XMLParserDelegate {
        var responses: [DAVResponse] = []
        var syncToken: String?
        var sawRoot = false

        private var stack: [DAVName] = []
        private var text = ""
        private var response: DAVResponse?
        private var propstat: [DAVName: DAVValue] = [:]
        private var propstatStatus: Int?
        private var property: (name: DAVName, value: DAVValue)?

        func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?, qualifiedName: String?,
                    attributes: [String: String] = [:]) {
            let name = DAVName(namespaceURI ?? "", elementName)
            let depth = stack.count
            stack.append(name)
            text = ""
            if depth == 0 {
                sawRoot = name == DAVName(DAVName.dav, "multistatus")
                return
            }
            if depth == 1, name == DAVName(DAVName.dav, "response") {
                response = DAVResponse(href: "")
            } else if name == DAVName(DAVName.dav, "propstat"), response != nil {
                propstat = [:]
                propstatStatus = nil
            } else if stack.dropLast().last == DAVName(DAVName.dav, "prop"), response != nil {
                property = (name, DAVValue())
            } else if var current = property {
                if stack.count == depthOfProperty + 2 {
                    current.value.children.append(name)
                    if name.name == "comp", let comp = attributes["name"] { current.value.componentNames.append(comp) }
                }
                property = current
            }
        }

        /// The stack depth of the property element being read.
        private var depthOfProperty: Int {
            stack.lastIndex(where: { $0 == DAVName(DAVName.dav, "prop") }).map { $0 + 1 } ?? 0
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) { text += string }

        func parser(_ parser: XMLParser, foundCDATA CDATABlock: Data) { text += String(decoding: CDATABlock, as: UTF8.self) }

        func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName: String?) {
            let name = DAVName(namespaceURI ?? "", elementName)
            defer {
                stack.removeLast()
                text = ""
            }
            let parent = stack.dropLast().last
            if var current = property {
                if name == current.name, parent == DAVName(DAVName.dav, "prop") {
                    if current.value.children.isEmpty { current.value.text += text }
                    propstat[name] = current.value
                    property = nil
                } else {
                    if name == DAVName(DAVName.dav, "href") {
                        current.value.hrefs.append(text.trimmingCharacters(in: .whitespacesAndNewlines))
                    }
                    property = current
                }
                return
            }
            if name == DAVName(DAVName.dav, "href"), parent == DAVName(DAVName.dav, "response"), response != nil {
                response?.href = text.trimmingCharacters(in: .whitespacesAndNewlines)
            } else if name == DAVName(DAVName.dav, "status"), parent == DAVName(DAVName.dav, "propstat") {
                propstatStatus = MultistatusParser.statusCode(text)
            } else if name == DAVName(DAVName.dav, "status"), parent == DAVName(DAVName.dav, "response") {
                response?.status = MultistatusParser.statusCode(text)
            } else if name == DAVName(DAVName.dav, "propstat"), response != nil {
                let status = propstatStatus ?? 200
                for (key, value) in propstat {
                    if (200..<300).contains(status) { response?.properties[key] = value } else { response?.missing[key] = status }
                }
            } else if name == DAVName(DAVName.dav, "response"), let done = response {
                responses.append(done)
                response = nil
            } else if name == DAVName.syncToken, stack.count == 2 {
                syncToken = text.trimmingCharacters(in: .whitespacesAndNewlines)
            }
        }
    }
}
