import HTTPTypes

/// Header names the API reads that HTTPTypes does not predefine.
/// (Literal, valid names: the initializer cannot fail for them.)
extension HTTPField.Name {
    static let csrfToken = HTTPField.Name("X-CSRF-Token")!
    static let forwardedFor = HTTPField.Name("X-Forwarded-For")!
    static let forwardedProto = HTTPField.Name("X-Forwarded-Proto")!
    static let realIP = HTTPField.Name("X-Real-IP")!
    static let trueClientIP = HTTPField.Name("True-Client-Ip")!
    static let authApiKey = HTTPField.Name("X-Auth-Apikey")!
    static let authNonce = HTTPField.Name("X-Auth-Nonce")!
    static let authSignature = HTTPField.Name("X-Auth-Signature")!
    static let dataIntegrity = HTTPField.Name("X-Data-Integrity")!
    static let total = HTTPField.Name("Total")!
    static let page = HTTPField.Name("Page")!
    static let perPage = HTTPField.Name("Per-Page")!
    static let xFrameOptions = HTTPField.Name("X-Frame-Options")!
    static let referrerPolicy = HTTPField.Name("Referrer-Policy")!
    static let secFetchSite = HTTPField.Name("Sec-Fetch-Site")!
}
