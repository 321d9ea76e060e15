import ArgumentParser

/// A duration given as seconds (`2`, `1.5s`) or milliseconds (`500ms`).
struct DurationArgument: ExpressibleByArgument {
    var seconds: Double

    init(seconds: Double) { self.seconds = seconds }

    var defaultValueDescription: String { "\(seconds.formatted())s" }

    init?(argument: String) {
        let text = argument.lowercased()
        let (number, scale) = text.hasSuffix("ms") ? (text.dropLast(2), 0.001) : text.hasSuffix("s") ? (text.dropLast(), 1.0) : (text[...], 1.0)
        guard let value = Double(number), value >= 0, value.isFinite else { return nil }
        seconds = value * scale
    }
}
