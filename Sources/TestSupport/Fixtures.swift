import Foundation

/// Paths of the committed test fixtures (see tools/fixtures/make-video-fixtures.sh).
public enum Fixtures {
    /// The repository root, found from this file's location.
    public static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// A small test clip in fixtures/videos/test.
    public static func clip(_ name: String) -> String {
        root.appendingPathComponent("fixtures/videos/test/\(name)").path
    }

    /// The `segstream` executable of the current build (tests depend on it being built).
    public static var executable: String {
        var folder = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        while !folder.path.isEmpty && folder.path != "/" {
            let candidate = folder.appendingPathComponent("segstream")
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: candidate.path, isDirectory: &isDirectory), !isDirectory.boolValue {
                return candidate.path
            }
            folder.deleteLastPathComponent()
        }
        return root.appendingPathComponent(".build/debug/segstream").path
    }
}

/// A fresh folder under the system temporary folder, removed on deinit.
public final class TemporaryFolder {
    public let url: URL

    public init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("segstream-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: url) }

    /// The path of `name` inside the folder.
    public func path(_ name: String) -> String { url.appendingPathComponent(name).path }

    /// Names of the files in the folder, sorted.
    public var contents: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: url.path)) ?? []).sorted()
    }
}
