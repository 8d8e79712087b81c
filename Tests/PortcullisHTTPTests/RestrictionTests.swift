import Foundation
import HummingbirdTesting
import Testing
@testable import PortcullisCore
@testable import PortcullisHTTP

extension Harness {
    func restrict(_ category: String, _ scope: String, _ value: String) async throws {
        let code = Restriction.defaultCode(category: category, scope: scope)
        try await store.write { tx in
            try await tx.insertRestriction(Restriction(category: category, scope: scope, value: value, code: code), now: 0)
        }
        composition.gateway.restrictions.invalidate()
    }
}

/// Every address in 10.1.0.0/16 is in Germany, the rest is unknown.
struct FixedGeoLocator: GeoLocator {
    func locate(ip: String) -> GeoLocation? {
        ip.hasPrefix("10.1.") ? GeoLocation(country: "DE", continent: "EU") : nil
    }
}

struct RestrictionTests {
    @Test func countryAndContinentRowsMatchTheLocatedClient() async throws {
        try await Harness.run(geo: FixedGeoLocator()) { harness, client in
            try await harness.restrict("blacklist", "country", "de")
            let german = try await client.send(.get, "/public/ping", headers: [.init("X-Forwarded-For")!: "10.1.2.3"])
            #expect(german.status.code == 423)
            #expect(german.errors == ["authz.restrict.blacklist"])
            let unknown = try await client.send(.get, "/public/ping", headers: [.init("X-Forwarded-For")!: "10.2.2.3"])
            #expect(unknown.text == #"{"ping":"pong"}"#, "unknown location: no match")
            try await harness.restrict("whitelist", "continent", "eu")
            let whitelisted = try await client.send(.get, "/public/ping", headers: [.init("X-Forwarded-For")!: "10.1.2.3"])
            #expect(whitelisted.text == #"{"ping":"pong"}"#)
        }
    }

    @Test func withoutAGeoIPDatabaseCountryRowsNeverMatch() async throws {
        try await Harness.run { harness, client in
            try await harness.restrict("blacklist", "country", "DE")
            let ping = try await client.send(.get, "/public/ping", headers: [.init("X-Forwarded-For")!: "10.1.2.3"])
            #expect(ping.text == #"{"ping":"pong"}"#)
        }
    }

    @Test func blacklistedIPsAreRefusedEverywhereButTheWhitelistLink() async throws {
        try await Harness.run { harness, client in
            try await harness.restrict("blacklist", "ip", "127.0.0.1")
            let ping = try await client.send(.get, "/public/ping")
            #expect(ping.status == .unauthorized)
            #expect(ping.errors == ["authz.restrict.blacklist"])
            let authorize = try await client.send(.get, "/api/v2/peatio/public/markets")
            #expect(authorize.errors == ["authz.restrict.blacklist"])
            let access = try await client.send(.post, "/identity/users/access", json: ["whitelink_token": "nope"])
            #expect(access.errors == ["identity.user.access.invalid_token"], "the whitelist link bypasses restrictions")
        }
    }

    @Test func maintenanceAndSubnetsUseTheirStatuses() async throws {
        try await Harness.run { harness, client in
            try await harness.restrict("blacklist", "ip_subnet", "127.0.0.0/8")
            let subnet = try await client.send(.get, "/public/ping")
            #expect(subnet.status.code == 403)
            #expect(subnet.errors == ["authz.restrict.blacklist"])
            try await harness.restrict("maintenance", "all", "all")
            let maintenance = try await client.send(.get, "/public/ping")
            #expect(maintenance.status.code == 471)
            #expect(maintenance.errors == ["authz.restrict.maintenance"])
            try await harness.restrict("whitelist", "ip", "127.0.0.1")
            #expect(try await client.send(.get, "/public/ping").text == #"{"ping":"pong"}"#, "a whitelist match ends the check")
        }
    }

    @Test func blockloginRefusesOnlyLogins() async throws {
        try await Harness.run { harness, client in
            _ = try await client.signup("user@example.com")
            try await harness.restrict("blocklogin", "all", "all")
            let login = try await client.send(.post, "/identity/sessions", json: ["email": "user@example.com", "password": strongPassword])
            #expect(login.status == .unauthorized)
            #expect(login.errors == ["authz.restrict.blocklogin"])
            #expect(try await client.send(.get, "/public/ping").text == #"{"ping":"pong"}"#)
            let viaGateway = try await client.send(.post, "/api/v2/barong/identity/sessions")
            #expect(viaGateway.errors == ["authz.restrict.blocklogin"])
        }
    }

    @Test func whitelistLinkTokensAreSingleUse() async throws {
        try await Harness.run { harness, client in
            #expect(try await client.send(.post, "/identity/users/access").errors == ["identity.user.missing_whitelink_token"])
            #expect(try await client.send(.post, "/identity/users/access", json: ["whitelink_token": ""]).errors
                    == ["identity.user.empty_whitelink_token"])
            let token = try await harness.composition.identity.whitelist.issueToken(ttl: 60)
            let ok = try await client.send(.post, "/identity/users/access", json: ["whitelink_token": token.value])
            #expect(ok.status == .created && ok.text.isEmpty)
            #expect(try await client.send(.post, "/identity/users/access", json: ["whitelink_token": token.value]).errors
                    == ["identity.user.access.invalid_token"])
            let second = try await harness.composition.identity.whitelist.issueToken(ttl: 60)
            #expect(try await client.send(.post, "/identity/users/access", json: ["whitelink_token": second.value]).errors == ["value.taken"])
            try await harness.restrict("maintenance", "all", "all")
            #expect(try await client.send(.get, "/public/ping").text == #"{"ping":"pong"}"#, "the whitelisted IP passes maintenance")
        }
    }
}
