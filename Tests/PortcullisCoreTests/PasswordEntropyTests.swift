import Foundation
import Testing
@testable import PortcullisCore

/// Reference numbers computed once with the strong_password gem 0.0.9
/// (`StrengthChecker.new(min_entropy: 14, use_dictionary: true).calculate_entropy`)
/// and frozen in `Fixtures/strong_password_0.0.9_entropy.json`.
struct PasswordEntropyTests {
    static func fixtures() throws -> [(String, Double)] {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("Fixtures/strong_password_0.0.9_entropy.json")
        let rows = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [[Any]] ?? []
        return rows.compactMap { row in
            guard let password = row.first as? String, let value = (row.last as? NSNumber)?.doubleValue else { return nil }
            return (password, value)
        }
    }

    @Test func everyFixtureMatchesTheGem() throws {
        let entropy = PasswordEntropy(minEntropy: 14, useDictionary: true)
        let fixtures = try Self.fixtures()
        #expect(fixtures.count >= 30)
        for (password, expected) in fixtures {
            #expect(entropy.entropy(of: password) == expected, "entropy of \(password.debugDescription)")
        }
    }

    @Test func passwordOneBangIsWeakBecauseOfTheDictionary() {
        #expect(PasswordEntropy(minEntropy: 14, useDictionary: true).entropy(of: "Password1!") == 4.0)
        // Without the dictionary only bits and keyboard runs count.
        #expect(PasswordEntropy(minEntropy: 14, useDictionary: false).entropy(of: "Password1!") > 14)
    }

    @Test func onlyTheFirstThousandCharactersCount() {
        let entropy = PasswordEntropy(minEntropy: 14, useDictionary: true)
        let long = String(repeating: "Ab1!", count: 250)
        #expect(entropy.entropy(of: long) == entropy.entropy(of: long + "Zz9?Zz9?"))
    }
}

struct PasswordPolicyTests {
    func policy() throws -> PasswordPolicy { try PasswordPolicy(config: Config()) }

    @Test func regexpFailureIsReportedBeforeEntropy() throws {
        #expect(try policy().violation(of: "short") == "password.requirements")
        #expect(try policy().violation(of: "alllowercase1!") == "password.requirements")
    }

    @Test func dictionaryWordIsWeak() throws {
        #expect(try policy().violation(of: "Password1!") == "password.weak")
    }

    @Test func strongPasswordPasses() throws {
        #expect(try policy().violation(of: "Xq9!mzPw#Lk2") == nil)
    }

    @Test func nulByteIsRefused() throws {
        #expect(try policy().violation(of: "Xq9!mzPw#Lk2\0tail") == "password.requirements")
    }
}
