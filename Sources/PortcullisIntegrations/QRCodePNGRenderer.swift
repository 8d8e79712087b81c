import CPNG
import CQRencode
import PortcullisCore

/// QR codes as PNG: libqrencode draws the modules, libpng's simplified
/// API writes an 8-bit grayscale image of exactly `size`×`size` pixels
/// with a 4-module quiet zone.
public struct QRCodePNGRenderer: QRCodeRenderer {
    public struct RenderError: Error {}

    public init() {}

    public func png(for text: String, size: Int) throws -> [UInt8] {
        guard let code = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1) else { throw RenderError() }
        defer { QRcode_free(code) }
        let width = Int(code.pointee.width)
        let data = code.pointee.data
        let modules = width + 8
        var pixels = [UInt8](repeating: 255, count: size * size)
        for y in 0..<size {
            let my = y * modules / size - 4
            guard my >= 0 && my < width else { continue }
            for x in 0..<size {
                let mx = x * modules / size - 4
                if mx >= 0 && mx < width, let data, data[my * width + mx] & 1 != 0 { pixels[y * size + x] = 0 }
            }
        }
        var image = png_image()
        image.version = UInt32(PNG_IMAGE_VERSION)
        image.width = UInt32(size)
        image.height = UInt32(size)
        image.format = UInt32(PNG_FORMAT_GRAY)
        var length = 0
        guard png_image_write_to_memory(&image, nil, &length, 0, pixels, 0, nil) != 0, length > 0 else { throw RenderError() }
        var output = [UInt8](repeating: 0, count: length)
        guard png_image_write_to_memory(&image, &output, &length, 0, pixels, 0, nil) != 0 else { throw RenderError() }
        png_image_free(&image)
        return Array(output.prefix(length))
    }
}
