import COpenBLAS

/// The process-wide settings the engine needs, in one place: OpenBLAS's kernel family matched
/// to the CPU (`BLASSetup`) and OpenBLAS single-threaded, since the engine's kernels split work
/// across their own threads and call sgemm from each of them.
///
/// The command line applies it at start; `Model.init` applies it too, for library users. Only
/// the first call does anything.
public enum EngineSetup {
    public static func apply() { _ = applied }

    private static let applied: Void = {
        _ = BLASSetup.coreName
        openblas_set_num_threads(1)
    }()
}
