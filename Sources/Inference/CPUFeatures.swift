import CKernels
import Foundation

/// What the CPU reports, read once: the instruction-set extensions the engine's kernels and
/// OpenBLAS's kernel family are chosen by.
enum CPUFeatures {
    /// AVX-512 F, as the compiler's CPU detection sees it (the `CKernels` AVX-512 kernels need it).
    static let hasAVX512F = ss_cpu_has_avx512() != 0

    /// The feature flags of /proc/cpuinfo's first processor; empty where it cannot be read.
    static let flags: Set<String> = {
        guard let info = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
              let line = info.split(separator: "\n").first(where: { $0.hasPrefix("flags") }) else { return [] }
        return Set(line.split(separator: " ").map(String.init))
    }()
}
