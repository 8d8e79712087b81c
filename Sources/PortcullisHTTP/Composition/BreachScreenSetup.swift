import AsyncHTTPClient
import PortcullisCore
import Logging
import PortcullisIntegrations

extension BreachScreen {
    /// The breach list `password_breach_check` names. A `file` that cannot be
    /// opened and mapped stops the start-up with its path named.
    static func make(config: Config, client: HTTPClient, logger: Logger) throws -> BreachScreen {
        let list: (any BreachedPasswordList)? = switch config.passwordBreachCheck {
        case .off: nil
        case .range: BreachRangeClient(client: client, baseURL: config.passwordBreachAPIURL,
                                       timeoutMilliseconds: config.passwordBreachTimeoutMs)
        case .file: try BreachFileList(path: config.passwordBreachFile, timeoutMilliseconds: config.passwordBreachTimeoutMs)
        }
        return BreachScreen(list: list, source: config.passwordBreachCheck.rawValue, minCount: config.passwordBreachMinCount,
                            failOpen: config.passwordBreachFailOpen, logger: logger)
    }
}
