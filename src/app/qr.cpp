#include "app/qr.hpp"

#include <memory>

#include <qrencode.h>

namespace segnala::app {
namespace {

constexpr int kQuietZone = 4;

std::string xml_escape(std::string_view s) {
    std::string out;
    for (char c : s) {
        switch (c) {
            case '&':
                out += "&amp;";
                break;
            case '<':
                out += "&lt;";
                break;
            case '>':
                out += "&gt;";
                break;
            case '"':
                out += "&quot;";
                break;
            case '\'':
                out += "&#39;";
                break;
            default:
                out.push_back(c);
        }
    }
    return out;
}

}  // namespace

core::result<std::string> qr_svg(std::string_view text, std::string_view label) {
    if (text.empty() || text.size() > 2048) {
        return core::errc::invalid_argument;
    }
    const std::string input(text);
    std::unique_ptr<QRcode, decltype(&QRcode_free)> code(
        QRcode_encodeString(input.c_str(), 0, QR_ECLEVEL_M, QR_MODE_8, 1), &QRcode_free);
    if (!code) {
        return core::errc::invalid_argument;
    }
    const int width = code->width;
    const int size = width + 2 * kQuietZone;
    std::string path;
    for (int y = 0; y < width; ++y) {
        for (int x = 0; x < width; ++x) {
            // Bit 0 of each module is "dark".
            if ((code->data[y * width + x] & 1) != 0) {
                path += 'M' + std::to_string(x + kQuietZone) + ' ' +
                        std::to_string(y + kQuietZone) + "h1v1h-1z";
            }
        }
    }
    const std::string dim = std::to_string(size);
    return "<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" aria-label=\"" +
           xml_escape(label) + "\" viewBox=\"0 0 " + dim + " " + dim +
           "\" width=\"240\" height=\"240\" shape-rendering=\"crispEdges\">"
           "<rect width=\"" +
           dim + "\" height=\"" + dim + "\" fill=\"#fff\"/><path fill=\"#000\" d=\"" + path +
           "\"/></svg>";
}

}  // namespace segnala::app
