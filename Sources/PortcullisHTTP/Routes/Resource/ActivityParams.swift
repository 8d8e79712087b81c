import PortcullisCore

/// Params of `GET users/activity/{topic}`, validated into a filter.
enum ActivityParams {
    static func filter(topic rawTopic: String, params: Params, userID: Int64) throws -> ActivityFilter {
        var validator = ParamValidator(params, scope: ErrorKey.Scope.resourceUser)
        let topic = rawTopic.removingPercentEncoding ?? rawTopic
        if topic.trimmingCharacters(in: .whitespaces).isEmpty {
            validator.fail(ErrorKey.ResourceUser.emptyTopic)
        } else if !ActivityService.topics.contains(topic) {
            validator.fail(ErrorKey.ResourceUser.wrongTopic)
        }
        let timeFrom = integer("time_from", &validator, nonInteger: ErrorKey.ResourceUser.nonIntegerTimeFrom)
        let timeTo = integer("time_to", &validator, nonInteger: ErrorKey.ResourceUser.nonIntegerTimeTo)
        let result = validator.optionalNonBlank("result")
        let (page, limit) = Pagination.read(&validator, maxLimit: 100)
        try validator.finish()
        return ActivityFilter(
            userID: userID, topic: topic == "all" ? nil : topic, timeFrom: timeFrom, timeTo: timeTo,
            result: result, page: page, limit: limit
        )
    }

    private static func integer(_ name: String, _ validator: inout ParamValidator, nonInteger: String) -> Int64? {
        guard validator.params[name] != nil else { return nil }
        let text = validator.required(name)
        guard !text.trimmingCharacters(in: .whitespaces).isEmpty else { return nil }
        guard let value = Int64(text.trimmingCharacters(in: .whitespaces)) else {
            validator.fail(nonInteger)
            return nil
        }
        return value
    }
}

/// `page` (1…`PageRequest.maxPage`, default 1) and `limit` (1…max, default 100).
enum Pagination {
    static func read(_ validator: inout ParamValidator, maxLimit: Int) -> (page: Int, limit: Int) {
        var page = 1, limit = 100
        if let text = validator.optional("page", keepBlank: true) {
            if let value = Int(text), (1...PageRequest.maxPage).contains(value) {
                page = value
            } else {
                validator.fail(ErrorKey.invalid(validator.scope, "page"))
            }
        }
        if let text = validator.optional("limit", keepBlank: true) {
            if let value = Int(text), (1...maxLimit).contains(value) { limit = value } else { validator.fail(ErrorKey.invalid(validator.scope, "limit")) }
        }
        return (page, min(limit, maxLimit))
    }
}

import Foundation
