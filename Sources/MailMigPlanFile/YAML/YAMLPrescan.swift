/// A cheap pass over the raw text that rejects what would make the YAML parser itself unsafe.
///
/// The parser composes nodes recursively and hashes mapping keys, so two inputs must be caught
/// before it runs: nesting deep enough to exhaust the stack, and aliases used as mapping keys (hashing
/// a key that expands an alias bomb takes exponential time). The depth computed here is an upper bound,
/// so a plain plan is never rejected by it; the exact depth is checked again while converting nodes.
enum YAMLPrescan {
    /// Upper bound on nesting accepted from the raw text; well above `YAMLLimits.maxDepth`.
    static let maxEstimatedDepth = 1_000

    struct Finding: Sendable {
        var line: Int
        var column: Int
        var message: String
    }

    static func check(_ text: String) -> Finding? {
        var flowDepth = 0
        var maxFlowDepth = 0
        var lineNumber = 0
        for rawLine in text.split(separator: "\n", omittingEmptySubsequences: false) {
            lineNumber += 1
            let line = Array(rawLine.unicodeScalars)
            var indent = 0
            while indent < line.count, line[indent] == " " { indent += 1 }
            var compact = 0
            var quote: Unicode.Scalar?
            var index = indent
            while index < line.count {
                let c = line[index]
                let previous: Unicode.Scalar = index > 0 ? line[index - 1] : " "
                if let open = quote {
                    if c == open { quote = nil }
                    index += 1
                    continue
                }
                switch c {
                case "#" where previous == " " || previous == "\t" || index == 0:
                    index = line.count
                    continue
                case "\"", "'":
                    if previous == " " || previous == "[" || previous == "{" || previous == ","
                        || previous == ":" || index == indent {
                        quote = c
                    }
                case "[", "{":
                    flowDepth += 1
                    maxFlowDepth = max(maxFlowDepth, flowDepth)
                case "]", "}":
                    flowDepth = max(0, flowDepth - 1)
                case "-", "?", ":":
                    let next: Unicode.Scalar = index + 1 < line.count ? line[index + 1] : " "
                    if next == " " || next == "\t" { compact += 1 }
                case "*" where previous == " " || previous == "[" || previous == "{"
                    || previous == "," || index == indent:
                    if aliasIsUsedAsKey(line, aliasStart: index) {
                        return Finding(
                            line: lineNumber, column: index + 1,
                            message: "an alias cannot be used as a mapping key in a plan file")
                    }
                default:
                    break
                }
                index += 1
            }
            if indent + compact + maxFlowDepth > maxEstimatedDepth {
                return Finding(
                    line: lineNumber, column: indent + 1,
                    message: "the document nests deeper than \(YAMLLimits.standard.maxDepth) levels")
            }
        }
        return nil
    }

    /// Whether the alias starting at `aliasStart` is followed by `:` (a key) or preceded by `? `.
    private static func aliasIsUsedAsKey(_ line: [Unicode.Scalar], aliasStart: Int) -> Bool {
        var before = aliasStart - 1
        while before >= 0, line[before] == " " { before -= 1 }
        if before >= 0, line[before] == "?" { return true }
        var end = aliasStart + 1
        while end < line.count, !" ,[]{}".unicodeScalars.contains(line[end]) {
            // An alias name may contain ':', but `*a: x` is read as the key `*a`.
            if line[end] == ":", end + 1 == line.count || line[end + 1] == " " { return true }
            end += 1
        }
        while end < line.count, line[end] == " " { end += 1 }
        return end < line.count && line[end] == ":"
    }
}
