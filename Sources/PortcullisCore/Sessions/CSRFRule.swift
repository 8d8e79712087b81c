/// Which requests must carry the session's CSRF token: every method that can
/// change state. One rule for the resource routes and the authorize call.
public enum CSRFRule {
    public static let stateChangingMethods: Set<String> = ["POST", "PUT", "PATCH", "DELETE", "TRACE"]

    /// The check a cookie-authenticated request of `method` needs, given the
    /// `csrf_protection` setting and the `X-CSRF-Token` header it sent.
    public static func check(method: String, header: String?, protection: Bool) -> SessionService.CSRFCheck {
        protection && stateChangingMethods.contains(method) ? .require(header: header) : .skip
    }
}
