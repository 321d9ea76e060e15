import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A plain HTTP GET for tests (Foundation's URLSession).
public enum HTTPGet {
    /// The status and body `url` answers with; nil when nothing answers within `timeout` seconds.
    public static func fetch(_ url: String, timeout: Double = 5) -> (status: Int, body: String)? {
        guard let address = URL(string: url) else { return nil }
        var request = URLRequest(url: address)
        request.timeoutInterval = timeout
        let done = DispatchSemaphore(value: 0)
        nonisolated(unsafe) var answer: (Int, String)?
        URLSession.shared.dataTask(with: request) { data, response, _ in
            if let response = response as? HTTPURLResponse { answer = (response.statusCode, String(decoding: data ?? Data(), as: UTF8.self)) }
            done.signal()
        }.resume()
        done.wait()
        return answer
    }
}
