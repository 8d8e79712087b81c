import AsyncHTTPClient
import PortcullisCore
import PortcullisIntegrations

/// The event sinks the configuration names.
public enum EventSinks {
    /// Which sinks each event goes to, from the configuration alone (the CLI
    /// writes events too): mail always; RabbitMQ once a host or URL is set;
    /// KYCAID when it is the provider; one sink per `event_webhooks` entry.
    public static func routing(config: Config) -> EventRouting {
        .configured(rabbitMQ: rabbitMQSettings(config) != nil, kycaid: config.kycProvider == .kycaid, webhooks: config.eventWebhooks)
    }

    /// The sinks `routing` names, built.
    static func make(config: Config, mailer: any Mailer, signer: any ServerSigner, client: HTTPClient, kycaid: KYCAIDSink?,
                     freeze: FreezeService, clock: any ServerClock) -> [any EventSink] {
        let templates = MailTemplates(publicURL: config.publicURL, language: config.defaultLanguage, appName: config.appName)
        // Each security notice carries a freeze link signed when the mail is made.
        var sinks: [any EventSink] = [MailSink(mailer: mailer, templates: templates,
                                               freezeToken: { email, uid in try await freeze.token(email: email, uid: uid) },
                                               agents: UserAgentParser.load())]
        let envelope = EventEnvelope(signer: signer, clock: clock)
        if let broker = rabbitMQSettings(config) {
            sinks.append(RabbitMQSink(settings: broker, envelope: envelope))
        }
        if let kycaid { sinks.append(kycaid) }
        for webhook in config.eventWebhooks {
            sinks.append(WebhookSink(webhook: webhook, envelope: envelope, client: client, clock: clock))
        }
        return sinks
    }

    /// The broker, or nil while neither a host nor a URL is set (the embedded default needs none).
    static func rabbitMQSettings(_ config: Config) -> RabbitMQSettings? {
        if !config.eventAPIRabbitMQURL.isEmpty { return RabbitMQSettings(url: config.eventAPIRabbitMQURL) }
        guard !config.eventAPIRabbitMQHost.isEmpty else { return nil }
        return RabbitMQSettings(host: config.eventAPIRabbitMQHost, port: config.eventAPIRabbitMQPort,
                                username: config.eventAPIRabbitMQUsername, password: config.eventAPIRabbitMQPassword)
    }
}
