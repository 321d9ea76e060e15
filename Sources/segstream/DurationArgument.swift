import ArgumentParser

/// A duration given as seconds (`2`, `1.5s`), milliseconds (`500ms`), minutes (`10min`, `10m`)
/// or hours (`1h`).
struct DurationArgument: ExpressibleByArgument {
    var seconds: Double

    init(seconds: Double) { self.seconds = seconds }

    var defaultValueDescription: String { "\(seconds.formatted())s" }

    init?(argument: String) {
        let text = argument.lowercased()
        let unit = [("ms", 0.001), ("min", 60.0), ("h", 3600.0), ("m", 60.0), ("s", 1.0)].first { text.hasSuffix($0.0) }
        guard let value = Double(text.dropLast(unit?.0.count ?? 0)), value >= 0, value.isFinite else { return nil }
        seconds = value * (unit?.1 ?? 1)
    }
}
