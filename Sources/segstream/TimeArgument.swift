import ArgumentParser

/// A time given as seconds (`12.5`) or as `[hh:]mm:ss[.frac]`.
struct TimeArgument: ExpressibleByArgument {
    var seconds: Double

    init?(argument: String) {
        let parts = argument.split(separator: ":", omittingEmptySubsequences: false)
        guard (1...3).contains(parts.count) else { return nil }
        var total = 0.0
        for (position, part) in parts.enumerated() {
            guard let value = Double(part), value >= 0, value.isFinite else { return nil }
            if position < parts.count - 1 && (value != value.rounded() || (position > 0 && value >= 60)) { return nil }
            total = total * 60 + value
        }
        seconds = total
    }
}
