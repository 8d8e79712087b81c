import Testing
@testable import PortcullisCore

struct AbilityTableTests {
    /// Barong's shipped config/abilities.yml, subjects Portcullis does not know included.
    static let barongFile = """
        roles:
          - superadmin
          - admin
          - technical
          - accountant
          - compliance
          - support

        admin_permissions:
          superadmin:
            manage:
              - Ability
              - User
              - Level
              - Label
              - Profile
              - Activity
              - APIKey
              - Permission
              - Restriction
              - Document
              - AdminSwitchSession
              - Organization
          admin:
            read:
              - Activity    
              - Permission
            manage:
              - Ability
              - User
              - Level
              - Label
              - Profile
              - APIKey
              - Restriction
              - Document
              - Organization
          technical:
            read: [Ability, User, Level, Label, Profile, Activity]
            manage: [APIKey, Restriction]
          accountant:
            read: [Ability, User, Level, Label, Profile, Activity]
          compliance:
            read: [Ability, Document]
            manage: [User, Level, Label, Profile]
          support:
            read: [Ability, Label, Level, Profile, Activity]
            manage: [User]
        """

    @Test func barongsShippedFileParsesAndMatchesTheDefaultTable() throws {
        let table = try AbilityTable.parse(Self.barongFile, file: "abilities.yml")
        let defaults = try AbilityTable.defaults()
        #expect(table.roles == defaults.roles)
        for role in table.roles {
            for subject in ["Ability", "User", "Level", "Label", "Profile", "Activity", "APIKey", "Permission", "Restriction", "Document"] {
                for action in [AbilityTable.Action.read, .create, .update, .destroy] {
                    #expect(table.can(action, subject, role: role) == defaults.can(action, subject, role: role), "\(role) \(action) \(subject)")
                }
            }
        }
    }

    @Test func theDefaultTableIsA1() throws {
        let table = try AbilityTable.defaults()
        #expect(table.can(.destroy, "Permission", role: "superadmin"))
        #expect(table.can(.read, "Permission", role: "admin") && !table.can(.create, "Permission", role: "admin"))
        #expect(table.can(.update, "APIKey", role: "technical") && !table.can(.update, "User", role: "technical"))
        #expect(!table.can(.read, "Activity", role: "compliance") && table.can(.read, "Document", role: "compliance"))
        #expect(!table.can(.read, "User", role: "member"))
        #expect(table.entries["admin"]?.read == ["Activity", "Permission"])
    }

    @Test func manageAllGrantsEverything() throws {
        let table = try AbilityTable.parse("admin_permissions:\n  ops:\n    manage: [all]\n", file: "f.yml")
        #expect(table.can(.destroy, "Restriction", role: "ops") && table.roles.isEmpty)
    }

    @Test func malformedFilesNameTheFile() throws {
        for text in ["roles: [a\nadmin_permissions: {", "admin_permissions: [a, b]", "admin_permissions:\n  ops:\n    write: [User]\n",
                     "admin_permissions:\n  ops:\n    read: User\n"] {
            #expect {
                try AbilityTable.parse(text, file: "abilities_file 'x.yml'")
            } throws: { error in
                (error as? ConfigError)?.description.hasPrefix("abilities_file 'x.yml': ") == true
            }
        }
    }

    @Test func rulesFileAcceptsFlowListsAndNamesTheFileOnErrors() throws {
        let rules = try AccessRules.parseYAML("rules:\n  pass: [api/v2/barong/public, 'api/v2/peatio/public']\n  block: []\n")
        #expect(rules.pass == ["api/v2/barong/public", "api/v2/peatio/public"] && rules.block.isEmpty)
        #expect {
            try AccessRules.parseYAML("rules:\n  pass: [a\n", file: "authz_rules_file 'r.yml'")
        } throws: { error in
            (error as? ConfigError)?.description.hasPrefix("authz_rules_file 'r.yml': not valid YAML") == true
        }
    }
}
