/// `url` as it may be printed: the password of a `scheme://user:password@host/...` URL (a
/// camera's credentials) replaced by `***`. Paths and URLs without a password are unchanged.
public func redactingCredentials(_ url: String) -> String {
    guard let scheme = url.range(of: "://") else { return url }
    let authorityEnd = url[scheme.upperBound...].firstIndex(where: { "/?#".contains($0) }) ?? url.endIndex
    let authority = url[scheme.upperBound..<authorityEnd]
    guard let at = authority.lastIndex(of: "@"), let colon = authority[..<at].firstIndex(of: ":") else { return url }
    return String(url[..<url.index(after: colon)]) + "***" + String(url[at...])
}

extension MediaInfo {
    /// The input's URL as it may be printed (see `redactingCredentials`).
    public var displayURL: String { redactingCredentials(url) }
}
