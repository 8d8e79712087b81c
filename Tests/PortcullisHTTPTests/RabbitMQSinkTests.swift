import Testing
@testable import PortcullisIntegrations

struct RabbitMQSinkTests {
    @Test func theFirstNameSegmentPicksTheExchange() {
        #expect(RabbitMQSink.route("system.user.email.confirmation.token") == ("barong.events.system", "user.email.confirmation.token"))
        #expect(RabbitMQSink.route("model.label.updated") == ("barong.events.model", "label.updated"))
    }

    @Test func settingsFromAnAMQPURL() {
        #expect(RabbitMQSettings(url: "amqp://user:pw@broker:5673/%2Fexchange")
                == RabbitMQSettings(host: "broker", port: 5673, username: "user", password: "pw", vhost: "/exchange"))
        #expect(RabbitMQSettings(url: "amqp://broker") == RabbitMQSettings(host: "broker", port: 5672, username: "guest",
                                                                            password: "guest", vhost: "/"))
        #expect(RabbitMQSettings(url: "http://broker") == nil && RabbitMQSettings(url: "amqp://") == nil)
    }

    @Test func confirmsCountTheAckedPrefix() {
        var confirms = ConfirmTracker(first: 5)
        confirms.settle(6, multiple: false, ack: true)
        #expect(confirms.settledUpTo == 4 && confirms.ackedPrefix == 0, "6 before 5: nothing in a row yet")
        confirms.settle(5, multiple: false, ack: true)
        #expect(confirms.settledUpTo == 6 && confirms.ackedPrefix == 2)
        confirms.settle(9, multiple: true, ack: true)
        #expect(confirms.settledUpTo == 9 && confirms.ackedPrefix == 5)
        var nacked = ConfirmTracker(first: 1)
        nacked.settle(2, multiple: true, ack: true)
        nacked.settle(3, multiple: false, ack: false)
        nacked.settle(4, multiple: false, ack: true)
        #expect(nacked.settledUpTo == 4 && nacked.ackedPrefix == 2, "the nack stops the prefix")
    }
}
