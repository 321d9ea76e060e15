import COpenBLAS
import Foundation

/// Makes OpenBLAS use kernels that match the CPU.
///
/// OpenBLAS 0.3.21 (Debian 12) does not recognise recent Xeons and falls back to its
/// generic "Prescott" SSE3 kernels, about 5x slower than its AVX-512 ones; on AMD Zen 4 it
/// picks its AVX2 "Zen"/"Haswell" kernels, whose sgemm reaches 247 GFLOP/s on two cores where
/// the SkylakeX ones reach 409. When the CPU reports AVX-512 (or AVX2) but OpenBLAS picked a
/// core without it, this re-runs OpenBLAS's dynamic-architecture selection with
/// `OPENBLAS_CORETYPE` set (SkylakeX or Haswell). A user-set `OPENBLAS_CORETYPE` is left
/// alone. Applied by `EngineSetup`.
enum BLASSetup {
    /// Cores OpenBLAS may pick that have no AVX2 kernels.
    static let withoutAVX2: Set<String> = ["prescott", "core2", "penryn", "dunnington", "nehalem", "atom", "sandybridge"]
    /// Those, and the AVX2 cores: none has AVX-512 kernels.
    static let withoutAVX512 = withoutAVX2.union(["haswell", "zen"])

    /// The core type OpenBLAS uses after setup, e.g. "SkylakeX".
    static let coreName: String = {
        let current = String(cString: openblas_get_corename())
        guard ProcessInfo.processInfo.environment["OPENBLAS_CORETYPE"] == nil,
              let wanted = preferredCoreType(),
              (wanted == "SkylakeX" ? withoutAVX512 : withoutAVX2).contains(current.lowercased()),
              let quit = symbol("gotoblas_dynamic_quit"), let initialize = symbol("gotoblas_dynamic_init") else { return current }
        setenv("OPENBLAS_CORETYPE", wanted, 1)
        quit()
        initialize()
        unsetenv("OPENBLAS_CORETYPE")
        return String(cString: openblas_get_corename())
    }()

    /// SkylakeX for AVX-512 (F, BW, VL, DQ), Haswell for AVX2 + FMA, else nil.
    static func preferredCoreType() -> String? {
        let flags = CPUFeatures.flags
        if flags.isSuperset(of: ["avx512f", "avx512bw", "avx512vl", "avx512dq"]) { return "SkylakeX" }
        if flags.isSuperset(of: ["avx2", "fma"]) { return "Haswell" }
        return nil
    }

    private static func symbol(_ name: String) -> (@convention(c) () -> Void)? {
        guard let handle = dlopen(nil, RTLD_NOW), let p = dlsym(handle, name) else { return nil }
        return unsafeBitCast(p, to: (@convention(c) () -> Void).self)
    }
}
