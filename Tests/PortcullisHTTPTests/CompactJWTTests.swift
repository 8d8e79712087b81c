import Testing
@testable import PortcullisIntegrations

struct CompactJWTTests {
    @Test func onlyTheCanonicalSpellingPasses() {
        // "AQ" is the one spelling of the byte 0x01; "AR" decodes to it too.
        #expect(CompactJWT.isCanonical("e30.e30.AQ"))
        #expect(!CompactJWT.isCanonical("e30.e30.AR"))
        // Two bytes end in a character with two unused bits: "AQE" vs "AQF".
        #expect(CompactJWT.isCanonical("e30.e30.AQE"))
        #expect(!CompactJWT.isCanonical("e30.e30.AQF"))
        #expect(CompactJWT.isCanonical("e30.e30.AQID"))
    }

    @Test func otherAlphabetsPaddingAndShapesFail() {
        #expect(!CompactJWT.isCanonical("e30.e30.AQ=="))
        #expect(!CompactJWT.isCanonical("e30.e30.A+/B"))
        #expect(!CompactJWT.isCanonical("e30.e30.AQIDB"))
        #expect(!CompactJWT.isCanonical("e30.e30"))
        #expect(!CompactJWT.isCanonical("e30.e30.AQ.AQ"))
        #expect(!CompactJWT.isCanonical("e30.é30.AQ"))
    }
}
