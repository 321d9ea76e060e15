import Foundation
import Testing
@testable import Inference

/// Gemm and MatMul (sgemm over column slices and broadcast batches) against the plain
/// reference loops, on random shapes.
@Suite struct MatrixKernelTests {
    /// Odd sizes, and one with M*N*K >= 2^18 so the columns split over workers.
    @Test(arguments: [[1, 1, 1], [3, 5, 7], [17, 9, 33], [64, 70, 80]])
    func gemmMatchesReference(_ mkn: [Int]) throws {
        var random = SeededRandom("gemm \(mkn)")
        let (m, k, n) = (mkn[0], mkn[1], mkn[2])
        for _ in 0..<3 {
            let transA = random.bool(), transB = random.bool()
            let alpha = random.element([1, 0.5, -2] as [Float]), beta = random.element([1, 0, 0.25] as [Float])
            let a = random.tensor(transA ? [k, m] : [m, k]), b = random.tensor(transB ? [n, k] : [k, n])
            let c = random.element([nil, [], [n], [m, 1], [1, n], [m, n]]).map { random.tensor($0) }
            let expected = Gemm.reference(a: a, b: b, c: c, alpha: alpha, beta: beta, transA: transA, transB: transB)
            let actual = try run("Gemm", [.float32(a), .float32(b), c.map { .float32($0) }],
                                 ["alpha": .float(alpha), "beta": .float(beta), "transA": .int(transA ? 1 : 0), "transB": .int(transB ? 1 : 0)])
            expectClose(actual[0], expected, "A \(a.shape) B \(b.shape) C \(c?.shape ?? []) alpha \(alpha) beta \(beta)")
        }
    }

    @Test(arguments: ["vector-vector", "vector-matrix", "matrix-vector", "batched", "broadcast-batch", "large", "wide"])
    func matMulMatchesReference(_ form: String) throws {
        var random = SeededRandom(form)
        for _ in 0..<3 {
            let m = random.int(1...9), k = random.int(1...40), n = random.int(1...37)
            let shapes: (a: [Int], b: [Int])
            switch form {
            case "vector-vector": shapes = ([k], [k])
            case "vector-matrix": shapes = ([k], [random.int(1...3), k, n])
            case "matrix-vector": shapes = ([random.int(1...3), m, k], [k])
            case "batched": let batch = random.shape(rank: 0...2, dims: 1...3); shapes = (batch + [m, k], batch + [k, n])
            case "broadcast-batch": shapes = ([2, 1, m, k], [3, k, n])
            case "wide": shapes = ([random.int(2...5), 128], [128, random.int(600...700)])   // too few rows: columns split
            default: shapes = ([random.int(1...2), 64, 64], [64, random.int(64...90)])   // rows split over workers
            }
            let a = random.tensor(shapes.a), b = random.tensor(shapes.b)
            expectClose(try run("MatMul", [.float32(a), .float32(b)])[0], MatMul.reference(a, b), "\(shapes)")
        }
    }

    /// OpenBLAS runs kernels with the widest vectors the CPU has (its own choice on Zen 4 is
    /// AVX2), unless the user chose with OPENBLAS_CORETYPE.
    @Test(.enabled(if: ProcessInfo.processInfo.environment["OPENBLAS_CORETYPE"] == nil))
    func blasUsesTheCPUsWidestKernels() {
        EngineSetup.apply()
        switch BLASSetup.preferredCoreType() {
        case "SkylakeX"?: #expect(!BLASSetup.withoutAVX512.contains(Model.blasCoreName.lowercased()), "\(Model.blasCoreName)")
        case "Haswell"?: #expect(!BLASSetup.withoutAVX2.contains(Model.blasCoreName.lowercased()), "\(Model.blasCoreName)")
        default: break
        }
    }

    /// The forms segmentation heads and attention use, implicit outputs, `...`, broadcasting,
    /// diagonals and single-operand sums.
    @Test(arguments: [
        ("bchw,bkc->bkhw", [[2, 3, 4, 5], [2, 6, 3]]), ("bij,bjk->bik", [[3, 4, 5], [3, 5, 2]]),
        ("bnc,bmc->bnm", [[2, 7, 4], [2, 5, 4]]), ("nchw->nhwc", [[2, 3, 4, 5]]), ("ij,jk", [[3, 4], [4, 5]]),
        ("...ij,...jk->...ik", [[2, 1, 3, 4], [5, 4, 2]]), ("ii->i", [[4, 4]]), ("ij->", [[3, 5]]),
        ("bhqd,bhkd->bhqk", [[1, 2, 6, 4], [1, 1, 5, 4]]), ("i,j->ij", [[3], [4]]), ("nchw,c->nhw", [[2, 3, 4, 2], [3]]),
    ])
    func einsumMatchesReference(_ equation: String, _ shapes: [[Int]]) throws {
        var random = SeededRandom(equation)
        let operands = shapes.map { random.tensor($0) }
        let expected = try #require(Einsum.reference(equation, operands))
        expectClose(try run("Einsum", operands.map { .float32($0) }, ["equation": .string(equation)])[0], expected, "\(equation)")
    }

    @Test(arguments: ["ab,bc,cd->ad", "ab->aa", "a.b->a", "ab->c", "ab,,->a"])
    func einsumRefusesWhatItCannotDo(_ equation: String) {
        #expect(throws: InferenceError.self) { try run("Einsum", [.float32(Tensor(zeros: [2, 2]))], ["equation": .string(equation)]) }
    }
}
