import Foundation
import Testing
@testable import PortcullisCore

struct KYCAIDTests {
    func row(_ id: Int64, _ category: String?, batch: String = "b1") -> DocumentRecord { row(id, "Passport", category, batch: batch) }

    func row(_ id: Int64, _ type: String, _ category: String?, batch: String = "b1") -> DocumentRecord {
        DocumentRecord(id: id, userID: 1, upload: "\(id).jpg", docType: type, docNumber: "P1", docExpire: nil, docCategory: category,
                       identificator: batch, metadata: nil, createdAt: 0)
    }

    @Test func aBatchGoesWhenItReachesTheFilesItsTypeNeeds() {
        #expect(!KYCAIDSubmissions.completes(docType: "Passport", count: 1, added: 1))
        #expect(KYCAIDSubmissions.completes(docType: "Passport", count: 2, added: 1))
        #expect(KYCAIDSubmissions.completes(docType: "Passport", count: 2, added: 2))
        #expect(!KYCAIDSubmissions.completes(docType: "Passport", count: 3, added: 1), "already sent at two")
        #expect(!KYCAIDSubmissions.completes(docType: "Identity card", count: 2, added: 2))
        #expect(KYCAIDSubmissions.completes(docType: "Driver license", count: 3, added: 1))
        #expect(!KYCAIDSubmissions.completes(docType: "Utility Bill", count: 5, added: 5), "only identity documents go")
    }

    @Test func rolesComeFromTheCategoryElseFromThePosition() throws {
        let named = try #require(DocumentBatch([row(1, "Identity card", "selfie"), row(2, "Identity card", "back_side"),
                                                row(3, "Identity card", "front_side")]))
        #expect((named.front.id, named.back?.id, named.selfie.id) == (3, 2, 1))
        let unnamed = try #require(DocumentBatch([row(1, "Driver license", nil), row(2, "Driver license", nil),
                                                  row(3, "Driver license", nil)]))
        #expect((unnamed.front.id, unnamed.back?.id, unnamed.selfie.id) == (1, 2, 3))
        let passport = try #require(DocumentBatch([row(1, nil), row(2, nil)]))
        #expect((passport.front.id, passport.back?.id, passport.selfie.id) == (1, nil, 2))
        #expect(DocumentBatch([row(1, "front_side")]) == nil)
        #expect(DocumentBatch([row(1, "selfie"), row(2, "back_side")]) == nil, "no front")
    }

    @Test func aRetryOrALaterBatchFindsTheDocumentsSentBefore() throws {
        var first = [row(1, "front_side"), row(2, "selfie")]
        #expect(KYCAIDSink.lastSent(first) == nil)
        first[0].kycaidDocumentID = "doc-1"
        first[1].kycaidDocumentID = "doc-2"
        let later = first + [row(3, "front_side", batch: "b2"), row(4, "selfie", batch: "b2")]
        let sent = try #require(KYCAIDSink.lastSent(later))
        #expect(sent.front.kycaidDocumentID == "doc-1" && sent.selfie.kycaidDocumentID == "doc-2")
    }

    @Test func deliveredEventsKeepNoPersonalFields() throws {
        let record = #"{"city":null,"dob":"1990-01-01","first_name":"Ann","token":"t.o.k","user":{"uid":"ID1"}}"#
        let kept = try #require(EventRetention.retained(record))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(kept.utf8)) as? [String: Any])
        #expect(object["dob"] as? String == "<delivered>" && object["first_name"] as? String == "<delivered>")
        #expect(object["token"] as? String == "<delivered>" && object["city"] is NSNull)
        #expect((object["user"] as? [String: String]) == ["uid": "ID1"])
        #expect(EventRetention.retained(#"{"key":"email"}"#) == #"{"key":"email"}"#)
        #expect(EventRetention.retained(nil) == nil)
    }

    @Test func addressesComeFromTheRowsMetadata() {
        let metadata = #"{"address":"1 Main St","city":"Kyiv","country":"UA","postcode":"01001"}"#
        #expect(KYCAIDSink.address(metadata, applicantID: "a") == KYCAddressRequest(
            applicantID: "a", country: "UA", city: "Kyiv", postcode: "01001", address: "1 Main St"))
        #expect(KYCAIDSink.address(#"{"city":"Kyiv"}"#, applicantID: "a") == nil)
    }
}
