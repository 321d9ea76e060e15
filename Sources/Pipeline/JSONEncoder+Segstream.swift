import Foundation

extension JSONEncoder {
    /// The encoder for every JSON segstream writes: snake_case keys, sorted, slashes unescaped;
    /// `pretty` for documents people read, compact for JSON Lines.
    public static func segstream(pretty: Bool) -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = pretty ? [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes] : [.sortedKeys, .withoutEscapingSlashes]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        return encoder
    }
}
