/// A failure the API reports to its client: an HTTP status and one or more
/// stable error keys. This file is the only place keys are spelled.
public struct APIError: Error, Sendable, Equatable {
    public enum Status: Int, Sendable {
        case badRequest = 400
        case unauthorized = 401
        case forbidden = 403
        case notFound = 404
        case methodNotAllowed = 405
        case payloadTooLarge = 413
        case unsupportedMediaType = 415
        case unprocessable = 422
        case locked = 423
        case tooManyRequests = 429
        /// Barong's maintenance status.
        case maintenance = 471
        case internalError = 500
        case serviceUnavailable = 503
    }

    public let status: Status
    public let keys: [String]
    /// Seconds for a `Retry-After` header (a 429 that says when to come back).
    public let retryAfter: Int?

    public init(_ status: Status, _ keys: String...) {
        self.init(status, keys: keys)
    }

    public init(_ status: Status, keys: [String], retryAfter: Int? = nil) {
        self.status = status
        var seen = Set<String>()
        self.keys = keys.filter { seen.insert($0).inserted }
        self.retryAfter = retryAfter
    }
}

/// Error keys, grouped by area, so a typo is a compile error.
public enum ErrorKey {
    public enum Server {
        public static let internalError = "server.internal_error"
        /// Our own key: the database gave no connection in time (503; retry later).
        public static let databaseUnavailable = "server.database_unavailable"
        /// Our own key: the disk under the database or the uploads is full (503; nothing was written).
        public static let storageFull = "server.storage_full"
        public static let routeNotFound = "server.route_not_found"
        public static let methodNotAllowed = "server.method_not_allowed"
        public static let tooLarge = "server.request.too_large"
        public static let unsupportedMediaType = "server.request.unsupported_media_type"
        /// Our own key: a body that claims a media type but cannot be parsed
        /// (broken JSON, non-UTF-8 text). Barong's framework answers 400 too.
        public static let malformedBody = "server.request.malformed_body"
    }

    public enum Session {
        public static let invalidParams = "identity.session.invalid_params"
        public static let banned = "identity.session.banned"
        public static let deleted = "identity.session.deleted"
        public static let notActive = "identity.session.not_active"
        public static let missingOTP = "identity.session.missing_otp"
        public static let invalidOTP = "identity.session.invalid_otp"
        /// Both `otp_code` and `recovery_code` were sent.
        public static let otpAndRecovery = "identity.session.otp_and_recovery"
        /// A session opened by a recovery code tried a sensitive write within its first 15 minutes.
        public static let recoveryRestricted = "resource.session.recovery_restricted"
        public static let notFound = "identity.session.not_found"
        /// A session id that is not the caller's (or not the user's, for an operator).
        public static let doesntExist = "resource.session.doesnt_exist"
        /// The account or the address waits before its next attempt.
        public static let tooManyAttempts = "identity.session.too_many_attempts"
        /// Every refused passkey sign-in (one key, no oracle)…
        public static let invalidPasskey = "identity.session.invalid_passkey"
        /// …but a signature counter that did not grow: a cloned authenticator.
        public static let passkeyCloned = "identity.session.passkey_cloned"
    }

    /// A user's devices.
    public enum Device {
        public static let doesntExist = "resource.device.doesnt_exist"
    }

    /// A user's passkeys.
    public enum Passkey {
        public static let exists = "resource.passkey.exists"
        public static let doesntExist = "resource.passkey.doesnt_exist"
        public static let invalidCredential = "resource.passkey.invalid_credential"
        public static let missingPasswordOrOTP = "resource.passkey.missing_password_or_otp_code"
        public static let invalidPassword = "resource.passkey.invalid_password"
        public static let invalidOTP = "resource.passkey.invalid_otp_code"
        /// 2FA on: the password alone does not open passkey registration.
        public static let missingOTP = "resource.passkey.missing_otp_code"
        public static let missingName = "resource.passkey.missing_name"
        public static let nameTooLong = "resource.passkey.name_too_long"
        public static let invalidName = "resource.passkey.invalid_name"
        /// A failed step-up assertion in place of the code for passkey registration.
        public static let invalidWebAuthn = "resource.passkey.invalid_webauthn"
        /// `step_up/options`: an action name outside the list.
        public static let invalidAction = "resource.passkey.invalid_action"
        /// `step_up/options` for `otp_sign` without the payload it approves (or a payload over 16 KiB).
        public static let missingPayload = "resource.passkey.missing_payload"
        public static let invalidPayload = "resource.passkey.invalid_payload"
    }

    public enum Identity {
        public static let accessInvalidToken = "identity.user.access.invalid_token"
        public static let invalidReferralFormat = "identity.user.invalid_referral_format"
        public static let referralDoesntExist = "identity.user.referral_doesnt_exist"
        public static let activeOrDoesntExist = "identity.user.active_or_doesnt_exist"
        public static let utilizedToken = "identity.user.utilized_token"
        public static let passwordsDoesntMatch = "identity.user.passwords_doesnt_match"
        public static let missingPassToken = "identity.user.missing_pass_token"
    }

    public enum Captcha {
        public static let required = "identity.captcha.required"
        public static let mandatoryFields = "identity.captcha.mandatory_fields"
        public static let verificationFailed = "identity.captcha.verification_failed"
    }

    /// 422 `jwt.decode_and_verify.<word>` for one-time tokens.
    public static func jwt(_ word: String) -> String { "jwt.decode_and_verify.\(word)" }

    public enum Authz {
        public static let invalidSession = "authz.invalid_session"
        public static let missingCSRF = "authz.missing_csrf_token"
        public static let csrfMismatch = "authz.csrf_token_mismatch"
        public static let clientSessionMismatch = "authz.client_session_mismatch"
        public static let userNotActive = "authz.user_not_active"
        public static let jwtInvalid = "jwt.decode_and_verify"
        public static let permissionDenied = "authz.permission_denied"
        public static let invalidPermission = "authz.invalid_permission"
        public static let invalidAPIKeyHeaders = "authz.invalid_api_key_headers"
        public static let nonceNotValidTimestamp = "authz.nonce_not_valid_timestamp"
        public static let nonceExpired = "authz.nonce_expired"
        public static let unexistentAPIKey = "authz.unexistent_apikey"
        public static let invalidSignature = "authz.invalid_signature"
        public static let apiKeyNotActive = "authz.apikey_not_active"
        public static let disabled2FA = "authz.disabled_2fa"
    }

    public enum ResourceUser {
        public static let invalidPassword = "resource.user.invalid_password"
        public static let missingOTPCode = "resource.user.missing_otp_code"
        public static let emptyOTPCode = "resource.user.empty_otp_code"
        public static let invalidOTP = "resource.user.invalid_otp"
        /// A failed step-up assertion (`webauthn`) on account deletion.
        public static let invalidWebAuthn = "resource.user.invalid_webauthn"
        /// Not 4–20 letters, digits and spaces.
        public static let invalidAntiPhishingCode = "resource.user.invalid_anti_phishing_code"
        public static let wrongTopic = "resource.user.wrong_topic"
        public static let emptyTopic = "resource.user.empty_topic"
        public static let nonIntegerTimeFrom = "resource.user.non_integer_time_from"
        public static let nonIntegerTimeTo = "resource.user.non_integer_time_to"
        public static let noActivity = "resource.user.no_activity"
    }

    public enum OTP {
        public static let alreadyEnabled = "resource.otp.already_enabled"
        public static let notEnabled = "resource.otp.not_enabled"
        public static let invalid = "resource.otp.invalid"
        /// A failed step-up assertion on `otp/disable` and `otp/recovery_codes`.
        public static let invalidWebAuthn = "resource.otp.invalid_webauthn"
        public static let backend = "totp.error"
    }

    public enum APIKey {
        public static let twoFADisabled = "resource.api_key.2fa_disabled"
        public static let missingTOTP = "resource.api_key.missing_totp"
        public static let invalidTOTP = "resource.api_key.invalid_totp"
        public static let invalidWebAuthn = "resource.api_key.invalid_webauthn"
        public static let invalidOrdering = "resource.api_key.invalid_ordering"
        public static let invalidAttribute = "resource.api_key.invalid_attribute"
        public static let algorithmInclusion = "algorithm.inclusion"
        public static let stateInclusion = "state.inclusion"
        public static let stateInvalid = "state.invalid"
        public static let holderInvalid = "key_holder_account.invalid"
        public static let couldNotSaveSecret = "api_key.could_not_save_secret"
    }

    public enum ServiceAccount {
        public static let twoFADisabled = "resource.service_accounts.2fa_disabled"
        public static let missingTOTP = "resource.service_accounts.missing_totp"
        public static let invalidTOTP = "resource.service_accounts.invalid_totp"
        public static let invalidWebAuthn = "resource.service_accounts.invalid_webauthn"
        public static let invalidOrdering = "resource.service_accounts.invalid_ordering"
        public static let invalidAttribute = "resource.service_accounts.invalid_attribute"
        public static let doesntExist = "resource.service_account.doesnt_exist"
        public static let nonStringUID = "resource.service_account.non_string_service_account_uid"
    }

    public enum Labels {
        public static let `private` = "resource.labels.private"
        public static let invalidOrdering = "resource.label.invalid_ordering"
    }

    public enum Profile {
        public static let stateExists = "state.exists"
        public static let notEditable = "resource.profile.doesnt_exist_or_not_editable"
        public static let invalidDob = "resource.profile.invalid_dob"
    }

    public enum ResourcePassword {
        public static let doesntMatch = "resource.password.doesnt_match"
        public static let prevPassNotCorrect = "resource.password.prev_pass_not_correct"
        public static let noChangeProvided = "resource.password.no_change_provided"
        /// 2FA on and no `otp_code` (deliberate difference).
        public static let missingOTPCode = "resource.password.missing_otp_code"
        public static let invalidOTP = "resource.password.invalid_otp"
        public static let invalidWebAuthn = "resource.password.invalid_webauthn"
    }

    /// The admin API (`admin/…`).
    public enum Admin {
        public static let notPermitted = "admin.ability.not_permitted"
        public static let userDoesntExist = "admin.user.doesnt_exist"
        public static let superadminChange = "admin.user.superadmin_change"
        public static let updateHimself = "admin.user.update_himself"
        public static let updateEmail = "superadmin.user.update_email"
        public static let enable2FA = "admin.user.enable_2fa"
        public static let roleNoChange = "admin.user.role_no_change"
        /// The role granted (or taken away) may do more than the caller's own.
        public static let roleExceedsOwn = "admin.user.role_exceeds_own"
        public static let oneOfStateOTPEmail = "admin.user.one_of_state_otp_email"
        public static let oneOfStateOTP = "admin.user.one_of_state_otp"
        public static func noChange(_ field: String) -> String { "admin.user.\(field)_no_change" }
        public static let labelDoesntExist = "admin.label.doesnt_exist"
        public static let storageDoesntExist = "admin.storage.doesnt_exist"
        public static let commentTitleTooLong = "admin.comments.title_too_long"
        public static let commentDataTooLong = "admin.comments.data_too_long"
        public static let invalidVerb = "admin.permissions.invalid_verb"
        public static let invalidAction = "admin.permissions.invalid_action"
        public static let roleDoesntExistForPermission = "admin.permission.role_doesnt_exist"
        public static let permissionDoesntExist = "admin.permission.doesnt_exist"
        public static let restrictionDoesntExist = "admin.restriction.doesnt_exist"
        public static let profileNotEditable = "admin.profiles.doesnt_exist_or_not_editable"
        public static let profileSuperadminChange = "admin.profiles.superadmin_change"
        public static let secondAdminApproval = "admin.profiles.second_admin_approval"
        public static let invalidExpire = "invalid_expire"
        public static let invalidRange = "invalid_range"
        public static let nonIntegerPage = "non_integer_page"
        public static let nonPositivePage = "non_positive_page"
        /// Above `PageRequest.maxPage` (ours: Barong has no upper bound).
        public static let invalidPage = "invalid_page"
        public static let nonIntegerLimit = "non_integer_limit"
        public static let invalidLimit = "invalid_limit"
        public static let stateInclusion = "state.inclusion"
        public static let scopeInclusion = "scope.inclusion"
        public static let verbInclusion = "verb.inclusion"
        public static let actionInclusion = "action.inclusion"
        public static let valueInvalid = "value.invalid"
        public static let valueTaken = "value.taken"
        public static let keyTaken = "key.taken"
        public static let nonBooleanExtended = "admin.user.non_boolean_extended"
        public static let nonBooleanReplace = "admin.user.non_boolean_replace"
        public static let userInvalidRange = "admin.user.invalid_range"
        public static let userInvalidOrdering = "user.ordering.invalid_ordering"
        public static let userInvalidOrderAttribute = "user.ordering.invalid_attribute"
        public static let apiKeysInvalidOrdering = "api_keys.ordering.invalid_ordering"
        public static let apiKeysInvalidOrderAttribute = "api_keys.ordering.invalid_attribute"
        public static let restrictionInvalidScope = "admin.restriction.invalid_scope"
        public static let restrictionInvalidCategory = "admin.restriction.invalid_category"
        public static let restrictionInvalidRange = "admin.restriction.invalid_range"
        public static let restrictionInvalidState = "admin.restriction.invalid_state"
        public static let activityInvalidRange = "admin.activity.invalid_range"
        /// An activity filter sent as an object or a list.
        public static func activityNonString(_ param: String) -> String { "admin.activity.non_string_\(param)" }
    }

    /// The admin console: sign-in refusals beyond the API's.
    public enum Console {
        /// The console needs 2FA whatever the user's own settings.
        public static let otpRequired = "admin.console.otp_required"
        /// The form's CSRF token is missing or wrong.
        public static let invalidCSRF = "admin.console.invalid_csrf_token"
    }

    /// Record (model) validation keys: `<attribute>.<reason>`, no group prefix.
    public enum Record {
        public static let notFound = "record.not_found"
        public static let emailInvalid = "email.invalid"
        public static let emailTaken = "email.taken"
        public static let passwordRequirements = "password.requirements"
        public static let passwordWeak = "password.weak"
        /// A new password found in the breach list (takeover.md §P).
        public static let passwordBreached = "password.breached"
        public static let usernameInvalid = "username.invalid"
        public static let usernameTooShort = "username.too_short"
        public static let usernameTooLong = "username.too_long"
        public static let usernameTaken = "username.taken"
        public static let dataInvalidFormat = "data.invalid_format"
        public static let dataTooLong = "data.too_long"
        public static let roleDoesntExist = "role.doesnt_exist"
        public static let countryInvalid = "country.invalid"
        public static let titleInvalid = "title.invalid"
        public static let titleTaken = "title.taken"
        public static let codeInvalid = "code.invalid"
        /// The management API's unknown user.
        public static let userDoesntExist = "user.doesnt_exist"
    }

    /// `resource/phones` and the phone channels.
    public enum Phone {
        public static let doesntExist = "resource.phone.doesnt_exist"
        public static let exists = "resource.phone.exists"
        public static let invalidChannel = "resource.phone.invalid_channel"
        public static let invalidNum = "resource.phone.invalid_num"
        public static let numberExist = "resource.phone.number_exist"
        public static let tooManyRequests = "resource.phone.too_many_requests"
        public static let verificationInvalid = "resource.phone.verification_invalid"
        public static let numNotReachable = "resource.phone.num_not_reachable"
        public static let numNotValid = "resource.phone.num_not_valid"
        public static let smsContentInvalid = "resource.phone.sms_content_invalid"
        public static let twilioUnexpected = "resource.phone.twilio_unexpected"
        public static let unsubscribedRecipient = "resource.phone.unsubscribed_recipient"
    }

    /// Management `phones`.
    public enum ManagementPhone {
        public static let doesntExists = "management.phone.doesnt_exists"
        public static let exists = "management.phone.exists"
        public static let invalidNum = "management.phone.invalid_num"
        public static let numberExist = "management.phone.number_exist"
    }

    /// `resource/documents` and `addresses`, and their uploads.
    public enum Documents {
        public static let alreadyExpired = "resource.documents.already_expired"
        public static let connectionError = "resource.documents.connection_error"
        public static let docCategory = "resource.documents.doc_category"
        public static let expireNotADate = "resource.documents.expire_not_a_date"
        public static let invalidFormat = "resource.documents.invalid_format"
        public static let limitReached = "resource.documents.limit_reached"
        public static let limitWillBeReached = "resource.documents.limit_will_be_reached"
        public static let uploadExtension = "upload.extension_whitelist_error"
        public static let uploadTooLarge = "upload.max_size_error"
        public static let uploadEmpty = "upload.min_size_error"
    }

    /// The KYCAID callback (`public/kyc`).
    public enum KYC {
        public static let invalidSignature = "kyc.invalid_signature"
    }

    /// The scope of each route group's param keys (`<scope>.missing_<param>` …).
    public enum Scope {
        public static let publicGeneral = "public.general"
        public static let identityGeneral = "identity.general"
        public static let identityUser = "identity.user"
        public static let identitySession = "identity.session"
        public static let resourceUser = "resource.user"
        public static let resourceAddress = "resource.address"
        public static let resourceAPIKey = "resource.apikey"
        public static let resourceDataStorage = "resource.datastorage"
        public static let resourceDocument = "resource.document"
        public static let resourceLabel = "resource.label"
        public static let resourceOTP = "resource.otp"
        public static let resourcePhone = "resource.phone"
        public static let resourceProfile = "resource.profile"
        public static let resourceServiceAccount = "resource.serviceaccount"
        public static let adminComment = "admin.comment"
        public static let adminLabel = "admin.label"
        public static let adminPermission = "admin.permission"
        public static let adminRestriction = "admin.restriction"
    }

    /// `<group>.<resource>.missing_<param>`.
    public static func missing(_ scope: String, _ param: String) -> String { "\(scope).missing_\(param)" }
    /// `<group>.<resource>.empty_<param>`.
    public static func empty(_ scope: String, _ param: String) -> String { "\(scope).empty_\(param)" }
    /// `<group>.<resource>.invalid_<param>`.
    public static func invalid(_ scope: String, _ param: String) -> String { "\(scope).invalid_\(param)" }
}
