import PortcullisCore
import SQLKit

/// Users whose password was found in the breach list at a sign-in.
extension SQLTransaction {
    func flagBreachedPassword(userID: Int64, mark: String, now: Int64, mailedBefore: Int64) async throws -> Bool {
        changes.touch(userID: userID)
        // One statement: the conflict's row is locked and the condition read
        // again on PostgreSQL, so of two sign-ins at once one mails.
        return try await db.raw("""
            INSERT INTO password_breaches (user_id, digest_mark, flagged_at, mailed_at)
            VALUES (\(bind: userID), \(bind: mark), \(bind: now), \(bind: now))
            ON CONFLICT (user_id) DO UPDATE SET
                digest_mark = excluded.digest_mark, flagged_at = excluded.flagged_at, mailed_at = excluded.mailed_at
            WHERE password_breaches.digest_mark <> excluded.digest_mark OR password_breaches.mailed_at <= \(bind: mailedBefore)
            RETURNING user_id
            """).first() != nil
    }
}
