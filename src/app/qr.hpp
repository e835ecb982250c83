// QR codes as inline SVG (libqrencode): the second-factor enrolment page shows the otpauth://
// URI this way, with no script, no image request and no data: URL.
#pragma once

#include <string>
#include <string_view>

#include "core/error.hpp"

namespace segnala::app {

/// An <svg role="img"> drawing `text` as a QR code (error correction M, 4-module quiet zone,
/// one <path>), with `label` (escaped here) as its accessible name. The result is markup to
/// insert unescaped. errc::invalid_argument when `text` is empty or too long for a QR code.
[[nodiscard]] core::result<std::string> qr_svg(std::string_view text, std::string_view label);

}  // namespace segnala::app
