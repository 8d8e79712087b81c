/// `admin/users/comments`: admins' notes on a user,
/// written by the caller (`author_uid`). Each answer is the user's KYC view.
public struct AdminCommentService: Sendable {
    let store: any Store
    let clock: any ServerClock

    public init(store: any Store, clock: any ServerClock) { self.store = store; self.clock = clock }

    public func add(uid: String, title: String, data: String, by admin: User) async throws -> UserKYC {
        let now = clock.now()
        return try await store.write { tx in
            let target = try await AdminUserService.target(uid, in: tx)
            try await tx.insertComment(Comment(id: 0, userID: target.id, authorUID: admin.uid, title: title, data: data,
                                               createdAt: now, updatedAt: now))
            return try await UserKYC.read(target, in: tx)
        }
    }

    /// Changes the given fields; an unknown id is 404 `record.not_found` (as Barong).
    public func edit(id: Int64, title: String?, data: String?) async throws -> UserKYC {
        let now = clock.now()
        return try await store.write { tx in
            var comment = try await Self.comment(id, in: tx)
            if let title { comment.title = title }
            if let data { comment.data = data }
            comment.updatedAt = now
            try await tx.updateComment(comment)
            return try await UserKYC.read(try await Self.owner(of: comment, in: tx), in: tx)
        }
    }

    public func delete(id: Int64) async throws -> UserKYC {
        try await store.write { tx in
            let comment = try await Self.comment(id, in: tx)
            try await tx.deleteComment(id: id)
            return try await UserKYC.read(try await Self.owner(of: comment, in: tx), in: tx)
        }
    }

    private static func comment(_ id: Int64, in tx: some AdminRepository) async throws -> Comment {
        guard let comment = try await tx.comment(id: id) else { throw APIError(.notFound, ErrorKey.Record.notFound) }
        return comment
    }

    private static func owner(of comment: Comment, in tx: some UserRepository) async throws -> User {
        guard let user = try await tx.user(id: comment.userID) else { throw APIError(.notFound, ErrorKey.Record.notFound) }
        return user
    }
}
