import Foundation

/// A palette file that cannot be used, with the reason.
public struct PaletteError: Error, CustomStringConvertible {
    public let description: String
}

extension LabelSet {
    /// This label set recoloured from palette JSON: either a list of `[r, g, b]` by class id, or an
    /// object mapping class names to `[r, g, b]`. Classes the file does not cover keep their colour.
    /// - Throws: `PaletteError` for malformed JSON, colours outside 0–255, unknown class names or
    ///   more colours than classes.
    public func recoloured(byJSON data: Data) throws -> LabelSet {
        let json: Any
        do {
            json = try JSONSerialization.jsonObject(with: data)
        } catch {
            throw PaletteError(description: "not valid JSON (\(error.localizedDescription))")
        }
        var palette = self.palette
        if let list = json as? [Any] {
            guard list.count <= count else {
                throw PaletteError(description: "\(list.count) colours for \(count) classes")
            }
            for (id, entry) in list.enumerated() { palette[id] = try Self.colour(entry, what: "entry \(id)") }
        } else if let object = json as? [String: Any] {
            for (name, entry) in object {
                guard let id = names.firstIndex(of: name) else {
                    throw PaletteError(description: "unknown class '\(name)'; the classes are \(names.joined(separator: ", "))")
                }
                palette[id] = try Self.colour(entry, what: "'\(name)'")
            }
        } else {
            throw PaletteError(description: "expected a list of [r, g, b] or an object of class name → [r, g, b]")
        }
        return LabelSet(names: names, palette: palette)
    }

    private static func colour(_ entry: Any, what: String) throws -> [UInt8] {
        guard let values = entry as? [Any], values.count == 3,
              let numbers = values as? [NSNumber], numbers.allSatisfy({ (0...255).contains($0.intValue) && $0.doubleValue == Double($0.intValue) }) else {
            throw PaletteError(description: "\(what) must be [r, g, b] with integers 0–255")
        }
        return numbers.map { UInt8($0.intValue) }
    }
}
