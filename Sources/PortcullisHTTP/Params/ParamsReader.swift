import Foundation
import Hummingbird
import HummingbirdCore
import MultipartKit
import PortcullisCore

/// Turns a request's query string and body (JSON object, form-urlencoded or
/// multipart) into `Params`. Oversized bodies are 413, unknown media types
/// 415, unparsable bodies 400 `server.request.malformed_body`.
struct ParamsReader: Sendable {
    /// 64 KiB everywhere but uploads.
    let bodyLimit: Int

    func read(_ request: Request) async throws -> Params {
        // Refused before a byte is read: a client announcing more and then
        // stalling must not hold the connection until its body arrives.
        if request.announcesBody(over: bodyLimit) { throw APIError(.payloadTooLarge, ErrorKey.Server.tooLarge) }
        // HTTP/1.1: no Content-Length and no Transfer-Encoding means no body (RFC 9112 §6.3): nothing to wait for.
        if request.headers[.contentLength] == nil && request.headers[.transferEncoding] == nil {
            return try Self.params(uri: request.uri, body: ByteBuffer(), contentType: request.headers[.contentType])
        }
        var request = request
        let buffer: ByteBuffer
        do {
            buffer = try await request.collectBody(upTo: bodyLimit)
        } catch {
            throw APIError(.payloadTooLarge, ErrorKey.Server.tooLarge)
        }
        return try Self.params(uri: request.uri, body: buffer, contentType: request.headers[.contentType])
    }

    /// The params of a request whose body has been read (within the limit):
    /// the query string's, then the body's. Both listeners read them so.
    static func params(uri: URI, body buffer: ByteBuffer, contentType: String?) throws -> Params {
        var query: [String: ParamValue] = [:]
        for (key, value) in uri.queryParameters {
            FormFields.insert(String(key), .string(String(value)), into: &query)
        }
        var params = Params(query)
        guard buffer.readableBytes > 0 else { return params }
        let bytes = Array(buffer.readableBytesView)
        if bytes.count <= 64 * 1024 { params.rawBody = bytes }
        let mediaType = contentType.flatMap(MediaType.init(from:))
        switch (mediaType?.type, mediaType?.subType) {
        case (.application, "json"), (nil, _):
            return params.merging(try Self.json(bytes))
        case (.application, "x-www-form-urlencoded"):
            return params.merging(try FormFields.parse(bytes))
        case (.multipart, "form-data"):
            guard let boundary = mediaType?.parameter?.value, mediaType?.parameter?.name == "boundary" else {
                throw APIError(.badRequest, ErrorKey.Server.malformedBody)
            }
            let (fields, files) = try MultipartFields.parse(bytes, boundary: boundary)
            var merged = params.merging(fields)
            merged.files = files
            return merged
        default:
            throw APIError(.unsupportedMediaType, ErrorKey.Server.unsupportedMediaType)
        }
    }

    static func json(_ bytes: [UInt8]) throws -> [String: ParamValue] {
        guard let object = try? JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any] else {
            throw APIError(.badRequest, ErrorKey.Server.malformedBody)
        }
        // A JSON null counts as an absent parameter.
        return object.filter { !($0.value is NSNull) }.mapValues(convert)
    }

    /// JSON numbers and booleans become their text form.
    static func convert(_ value: Any) -> ParamValue {
        switch value {
        case let text as String: return .string(text)
        case let number as NSNumber:
            if String(cString: number.objCType) == "c" { return .string(number.boolValue ? "true" : "false") }
            if let exact = Int64(exactly: number.doubleValue), !"\(number)".contains(".") { return .string(String(exact)) }
            return .string("\(number)")
        case let object as [String: Any]: return .object(object.filter { !($0.value is NSNull) }.mapValues(convert))
        default: return .unsupported
        }
    }
}

extension Request {
    /// Whether `Content-Length` announces more than `limit` bytes.
    func announcesBody(over limit: Int) -> Bool { ParamsReader.announces(headers[.contentLength], over: limit) }
}

extension ParamsReader {
    /// Whether a `Content-Length` value announces more than `limit` bytes (an unreadable one does).
    static func announces(_ contentLength: String?, over limit: Int) -> Bool {
        guard let text = contentLength else { return false }
        guard let length = Int(text.trimmingCharacters(in: .whitespaces)) else { return true }
        return length > limit
    }
}

/// `application/x-www-form-urlencoded`, with `a[b]=c` read as an object.
enum FormFields {
    static func parse(_ bytes: [UInt8]) throws -> [String: ParamValue] {
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw APIError(.badRequest, ErrorKey.Server.malformedBody)
        }
        var result: [String: ParamValue] = [:]
        for pair in text.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let key = decode(parts[0]), let value = decode(parts.count > 1 ? parts[1] : "") else {
                throw APIError(.badRequest, ErrorKey.Server.malformedBody)
            }
            insert(key, .string(value), into: &result)
        }
        return result
    }

    static func insert(_ key: String, _ value: ParamValue, into result: inout [String: ParamValue]) {
        if let open = key.firstIndex(of: "["), key.hasSuffix("]"), open != key.startIndex {
            let outer = String(key[..<open])
            let inner = String(key[key.index(after: open)..<key.index(before: key.endIndex)])
            var object: [String: ParamValue] = [:]
            if case .object(let existing)? = result[outer] { object = existing }
            object[inner] = value
            result[outer] = .object(object)
        } else {
            result[key] = value
        }
    }

    private static func decode(_ part: Substring) -> String? {
        String(part).replacingOccurrences(of: "+", with: " ").removingPercentEncoding
    }
}

/// The fields and files of a `multipart/form-data` body.
enum MultipartFields {
    static func parse(_ bytes: [UInt8], boundary: String) throws -> ([String: ParamValue], [String: [UploadedFile]]) {
        final class Collector {
            var fields: [String: ParamValue] = [:]
            var files: [String: [UploadedFile]] = [:]
            var name: String?
            var filename: String?
            var body: [UInt8] = []
        }
        // A form with no parts at all is just its closing delimiter.
        if String(decoding: bytes, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines) == "--\(boundary)--" {
            return ([:], [:])
        }
        // multipart-kit 4.7.1 traps on a non-ASCII byte in a part's header
        // name; such bodies are refused before it sees them.
        guard headerNamesAreASCII(bytes, boundary: boundary) else { throw APIError(.badRequest, ErrorKey.Server.malformedBody) }
        let collector = Collector()
        let parser = MultipartParser(boundary: boundary)
        parser.onHeader = { field, value in
            guard field.lowercased() == "content-disposition" else { return }
            collector.name = Self.attribute("name", in: value)
            collector.filename = Self.attribute("filename", in: value)
        }
        parser.onBody = { buffer in collector.body += buffer.readBytes(length: buffer.readableBytes) ?? [] }
        parser.onPartComplete = {
            if let name = collector.name {
                if let filename = collector.filename {
                    let field = name.hasSuffix("[]") ? String(name.dropLast(2)) : name
                    collector.files[field, default: []].append(UploadedFile(filename: filename, bytes: collector.body))
                } else if let text = String(validating: collector.body, as: UTF8.self) {
                    FormFields.insert(name, .string(text), into: &collector.fields)
                }
            }
            collector.name = nil
            collector.filename = nil
            collector.body = []
        }
        do {
            try parser.execute(bytes)
        } catch {
            throw APIError(.badRequest, ErrorKey.Server.malformedBody)
        }
        // A body cut short (no closing boundary) is refused, not half-read.
        guard bytes.count >= boundary.utf8.count + 4,
              String(decoding: bytes.suffix(boundary.utf8.count + 8), as: UTF8.self).contains("--\(boundary)--") else {
            throw APIError(.badRequest, ErrorKey.Server.malformedBody)
        }
        return (collector.fields, collector.files)
    }

    /// Every header line of every part has only ASCII before its first `:`.
    static func headerNamesAreASCII(_ bytes: [UInt8], boundary: String) -> Bool {
        let delimiter = Array("--\(boundary)".utf8)
        var index = 0
        var inHeaders = false
        var lineStart = 0
        var sawColon = false
        while index < bytes.count {
            if !inHeaders {
                if bytes[index...].starts(with: delimiter) {
                    index += delimiter.count
                    // skip to the end of the delimiter line
                    while index < bytes.count && bytes[index] != UInt8(ascii: "\n") { index += 1 }
                    index += 1
                    inHeaders = true
                    lineStart = index
                    sawColon = false
                    continue
                }
                index += 1
                continue
            }
            let byte = bytes[index]
            if byte == UInt8(ascii: "\n") {
                let line = bytes[lineStart..<index]
                if line.isEmpty || line == [UInt8(ascii: "\r")] { inHeaders = false }
                lineStart = index + 1
                sawColon = false
            } else if byte == UInt8(ascii: ":") {
                sawColon = true
            } else if byte >= 0x80 && !sawColon {
                return false
            }
            index += 1
        }
        return true
    }

    private static func attribute(_ name: String, in header: String) -> String? {
        for part in header.split(separator: ";") {
            let pieces = part.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            if pieces.count == 2, pieces[0].lowercased() == name {
                return pieces[1].trimmingCharacters(in: CharacterSet(charactersIn: "\""))
            }
        }
        return nil
    }
}
