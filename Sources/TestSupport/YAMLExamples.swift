/// The pipeline-file examples (```yaml fenced blocks) in documentation, so tests can parse them.
/// Other YAML (a `segstream-ray cameras` file) is fenced with a word after the language
/// (```yaml cameras) and left out.
public enum YAMLExamples {
    /// The blocks in the `///` doc comments of Swift source `text`, comment markers removed.
    public static func inDocComments(_ text: String) -> [String] {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).compactMap { line -> Substring? in
            let trimmed = line.drop { $0 == " " }
            guard trimmed.hasPrefix("///") else { return nil }
            let body = trimmed.dropFirst(3)
            return body.hasPrefix(" ") ? body.dropFirst() : body
        }
        return blocks(lines)
    }

    /// The blocks in Markdown `text`.
    public static func inMarkdown(_ text: String) -> [String] {
        blocks(text.split(separator: "\n", omittingEmptySubsequences: false))
    }

    private static func blocks(_ lines: [Substring]) -> [String] {
        var blocks: [String] = [], current: [Substring]?
        for line in lines {
            if current == nil, line.trimmingPrefix(" ") == "```yaml" {
                current = []
            } else if current != nil, line.trimmingPrefix(" ") == "```" {
                blocks.append(current!.joined(separator: "\n"))
                current = nil
            } else {
                current?.append(line)
            }
        }
        return blocks
    }
}

private extension Substring {
    func trimmingPrefix(_ character: Character) -> Substring { drop { $0 == character } }
}
