import Testing
@testable import PortcullisCore

struct TrustedNetworksTests {
    @Test func loopbackAndTheConfiguredProxiesAreTrusted() {
        let trusted = TrustedNetworks(cidrs: ["10.0.0.0/8", "fd00::/8", "192.168.1.7", "not-a-cidr", "10.0.0.0/99"])
        #expect(trusted.contains("127.0.0.1") && trusted.contains("127.255.0.9") && trusted.contains("::1"))
        #expect(trusted.contains("10.200.3.4") && trusted.contains("fd12::1") && trusted.contains("192.168.1.7"))
        #expect(!trusted.contains("192.168.1.8") && !trusted.contains("11.0.0.1") && !trusted.contains("fe80::1"))
        #expect(!trusted.contains("garbage") && !trusted.contains(""))
    }

    @Test func forwardedForIsReadFromTheRightSkippingTrustedProxies() {
        let trusted = TrustedNetworks(cidrs: ["10.0.0.0/8"])
        // The client wrote the first entry; nginx appended the real address.
        #expect(trusted.client(forwardedFor: ["203.0.113.7, 198.51.100.2"]) == "198.51.100.2")
        #expect(trusted.client(forwardedFor: ["203.0.113.7, 198.51.100.2, 10.1.1.1, 127.0.0.1"]) == "198.51.100.2")
        // Several header lines are one list, in order.
        #expect(trusted.client(forwardedFor: ["203.0.113.7", "198.51.100.2, 10.0.0.5"]) == "198.51.100.2")
        // Every entry trusted: the left-most; entries that are no address are skipped.
        #expect(trusted.client(forwardedFor: ["10.0.0.9, 127.0.0.1"]) == "10.0.0.9")
        #expect(trusted.client(forwardedFor: ["203.0.113.7, garbage, 10.0.0.5"]) == "203.0.113.7")
        #expect(trusted.client(forwardedFor: ["garbage", ""]) == nil)
        #expect(trusted.client(forwardedFor: ["2001:db8::1, ::1"]) == "2001:db8::1")
    }

    @Test func cloudflareRangesShipWithTheBuild() {
        let ranges = TrustedNetworks.cloudflareRanges
        #expect(ranges.count >= 20)
        #expect(ranges.contains("173.245.48.0/20") && ranges.contains("2606:4700::/32"))
        #expect(ranges.allSatisfy { !$0.hasPrefix("#") && $0.contains("/") })
    }

    @Test func gatewayCloudflareTrustsItsRangesAndOthersDoNot() throws {
        var config = Config()
        config.gateway = .cloudflare
        let cloudflare = TrustedNetworks.forConfig(config)
        #expect(cloudflare.contains("162.158.1.1") && cloudflare.contains("104.16.0.1") && cloudflare.contains("2606:4700::6810:1"))
        #expect(!cloudflare.contains("8.8.8.8"))
        config.gateway = .akamai
        #expect(!TrustedNetworks.forConfig(config).contains("162.158.1.1"))
        config.gateway = .none
        config.trustedProxies = ["162.158.0.0/16"]
        #expect(TrustedNetworks.forConfig(config).contains("162.158.1.1"))
    }

    @Test func metricsListenIsHostAndPort() throws {
        let config = try ConfigLoader().load(file: nil, environment: ["BARONG_METRICS_LISTEN": "127.0.0.1:9100"])
        #expect(config.metricsAddress?.host == "127.0.0.1" && config.metricsAddress?.port == 9100)
        let v6 = try ConfigLoader().load(file: nil, environment: ["BARONG_METRICS_LISTEN": "[::1]:9100"])
        #expect(v6.metricsAddress?.host == "::1")
        #expect(try ConfigLoader().load(file: nil, environment: [:]).metricsAddress == nil)
        for bad in ["9100", "host:", ":9100", "127.0.0.1:99999", "127.0.0.1:8001"] {
            #expect(throws: ConfigError.self, "\(bad)") {
                try ConfigLoader().load(file: nil, environment: ["BARONG_METRICS_LISTEN": bad])
            }
        }
    }

    @Test func authorizeListenIsHostAndPortOfItsOwn() throws {
        let config = try ConfigLoader().load(file: nil, environment: ["BARONG_AUTHORIZE_LISTEN": "127.0.0.1:8002"])
        #expect(config.authorizeAddress?.host == "127.0.0.1" && config.authorizeAddress?.port == 8002)
        #expect(try ConfigLoader().load(file: nil, environment: [:]).authorizeAddress == nil, "off by default")
        for bad in ["8002", "host:", "127.0.0.1:70000", "127.0.0.1:8001"] {
            #expect(throws: ConfigError.self, "\(bad)") {
                try ConfigLoader().load(file: nil, environment: ["BARONG_AUTHORIZE_LISTEN": bad])
            }
        }
        #expect(throws: ConfigError.self, "the metrics listener's address") {
            try ConfigLoader().load(file: nil, environment: ["BARONG_AUTHORIZE_LISTEN": "127.0.0.1:9100",
                                                            "BARONG_METRICS_LISTEN": "127.0.0.1:9100"])
        }
    }
}
