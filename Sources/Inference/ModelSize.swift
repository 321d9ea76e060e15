/// A model input size, written "HxW" (e.g. `512x1024`) in pipeline files, on the command line
/// and in model metadata.
public struct ModelSize: Sendable, Equatable, CustomStringConvertible {
    public var width: Int
    public var height: Int

    public init(width: Int, height: Int) {
        self.width = width
        self.height = height
    }

    /// Parses "HxW"; nil unless both are positive whole numbers.
    public init?(_ text: String) {
        let parts = text.lowercased().split(separator: "x", omittingEmptySubsequences: false).map { Int($0) }
        guard parts.count == 2, let height = parts[0], let width = parts[1], height > 0, width > 0 else { return nil }
        self.init(width: width, height: height)
    }

    /// The size a model's `metadata_props` declare as `input_size`, if any.
    public static func declared(in metadata: [String: String]) -> ModelSize? {
        metadata["input_size"].flatMap(ModelSize.init)
    }

    /// What an unparsable size is told.
    public static let expected = "must look like 512x1024 (HxW)"

    public var description: String { "\(height)x\(width)" }
}
