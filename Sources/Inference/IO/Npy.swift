import Foundation

/// Reads and writes NumPy `.npy` files (format 1.0-3.0, little-endian, C order) holding
/// float32, float64 (read as float32), int32 or int64 (read as int64) arrays.
public enum Npy {
    /// Reads the array in `url`.
    /// - Throws: `InferenceError.unreadableFile`, or `.invalidNpy` for unsupported dtypes,
    ///   Fortran order, or a header whose shape does not match the data.
    public static func read(contentsOf url: URL) throws -> TensorValue {
        let data: Data
        do { data = try Data(contentsOf: url) } catch { throw InferenceError.unreadableFile(path: url.path, reason: error.localizedDescription) }
        return try decode(data, path: url.path)
    }

    /// Decodes `.npy` bytes; `path` names the source in errors.
    public static func decode(_ data: Data, path: String) throws -> TensorValue {
        func fail(_ reason: String) -> InferenceError { .invalidNpy(path: path, reason: reason) }
        let bytes = [UInt8](data)
        guard bytes.count >= 10, bytes[0] == 0x93, Array(bytes[1...5]) == Array("NUMPY".utf8) else { throw fail("is not a .npy file") }
        let major = bytes[6]
        let headerLength: Int, start: Int
        if major == 1 {
            headerLength = Int(bytes[8]) | Int(bytes[9]) << 8
            start = 10
        } else {
            guard bytes.count >= 12 else { throw fail("is truncated") }
            headerLength = Int(bytes[8]) | Int(bytes[9]) << 8 | Int(bytes[10]) << 16 | Int(bytes[11]) << 24
            start = 12
        }
        guard start + headerLength <= bytes.count else { throw fail("header is truncated") }
        let header = String(decoding: bytes[start..<(start + headerLength)], as: UTF8.self)
        guard let descr = field(header, "descr").map({ $0.trimmingCharacters(in: CharacterSet(charactersIn: "'\" ")) }) else { throw fail("header has no descr") }
        guard field(header, "fortran_order")?.trimmingCharacters(in: .whitespaces) != "True" else { throw fail("is in Fortran order") }
        guard let shapeText = header.range(of: "(").flatMap({ open in header.range(of: ")", range: open.upperBound..<header.endIndex).map { header[open.upperBound..<$0.lowerBound] } }) else {
            throw fail("header has no shape")
        }
        var shape: [Int] = []
        var count = 1
        for part in shapeText.split(separator: ",") {
            let t = part.trimmingCharacters(in: .whitespaces)
            guard let d = Int(t), d >= 0 else { throw fail("shape '\(shapeText)' is invalid") }
            let (p, overflow) = count.multipliedReportingOverflow(by: d)
            guard !overflow else { throw fail("shape '\(shapeText)' is too large") }
            shape.append(d)
            count = p
        }
        let width: Int
        switch descr {
        case "<f4", "<i4": width = 4
        case "<f8", "<i8": width = 8
        default: throw fail("dtype \(descr) is not supported")
        }
        let body = start + headerLength
        guard count <= (bytes.count - body) / width, bytes.count - body == count * width else {
            throw fail("holds \(bytes.count - body) data bytes but shape \(shape) of \(descr) needs \(count * width)")
        }
        return data.withUnsafeBytes { raw -> TensorValue in
            let p = raw.baseAddress! + body
            switch descr {
            case "<f4": return .float32(Tensor(shape: shape, data: (0..<count).map { Float(bitPattern: p.loadUnaligned(fromByteOffset: $0 * 4, as: UInt32.self).littleEndian) }))
            case "<f8": return .float32(Tensor(shape: shape, data: (0..<count).map { Float(Double(bitPattern: p.loadUnaligned(fromByteOffset: $0 * 8, as: UInt64.self).littleEndian)) }))
            case "<i4": return .int64(Int64Tensor(shape: shape, data: (0..<count).map { Int64(p.loadUnaligned(fromByteOffset: $0 * 4, as: Int32.self).littleEndian) }))
            default: return .int64(Int64Tensor(shape: shape, data: (0..<count).map { p.loadUnaligned(fromByteOffset: $0 * 8, as: Int64.self).littleEndian }))
            }
        }
    }

    /// Writes `value` as `<f4` (float32) or `<i8` (int64).
    /// - Throws: `InferenceError.invalidNpy` when the file cannot be written.
    public static func write(_ value: TensorValue, to url: URL) throws {
        do { try encode(value).write(to: url) } catch { throw InferenceError.invalidNpy(path: url.path, reason: "cannot be written (\(error.localizedDescription))") }
    }

    /// The `.npy` bytes for `value`.
    public static func encode(_ value: TensorValue) -> Data {
        let shape = value.shape
        let dims = shape.count == 1 ? "\(shape[0])," : shape.map(String.init).joined(separator: ", ")
        let descr = value.elementType == .float32 ? "<f4" : "<i8"
        var header = "{'descr': '\(descr)', 'fortran_order': False, 'shape': (\(dims)), }"
        let total = 10 + header.utf8.count + 1
        header += String(repeating: " ", count: (64 - total % 64) % 64) + "\n"
        var data = Data([0x93] + Array("NUMPY".utf8) + [1, 0, UInt8(header.utf8.count & 0xff), UInt8(header.utf8.count >> 8)])
        data.append(contentsOf: Array(header.utf8))
        switch value {
        case .float32(let t): t.data.withUnsafeBytes { data.append(contentsOf: $0) }
        case .int64(let t): t.data.withUnsafeBytes { data.append(contentsOf: $0) }
        }
        return data
    }

    private static func field(_ header: String, _ key: String) -> String? {
        guard let r = header.range(of: "'\(key)':") else { return nil }
        let rest = header[r.upperBound...]
        let end = rest.firstIndex(of: ",") ?? rest.endIndex
        return String(rest[..<end])
    }
}
