// The project's error convention: expected failures are values (result<T>) carrying a
// boost::system::error_code; our own failures use segnala::core::errc in one category.
#pragma once

#include <string>
#include <system_error>
#include <type_traits>

#include <boost/outcome/result.hpp>
#include <boost/outcome/try.hpp>
#include <boost/system/error_code.hpp>

namespace segnala::core {

enum class errc {
    ok = 0,
    not_found,
    conflict,
    invalid_argument,
    permission_denied,
    unauthenticated,
    unavailable,
    internal,
    rate_limited,
    too_large,
    unsupported_media_type,
    expired,
    version_mismatch,
};

/// The one error category of the project ("segnala").
const boost::system::error_category& error_category() noexcept;

boost::system::error_code make_error_code(errc e) noexcept;

/// Result of an operation that may fail in an expected way.
template <class T>
using result = boost::outcome_v2::result<T, boost::system::error_code>;

using boost::outcome_v2::success;

/// Short machine name of an error ("not_found"); for logs and problem types.
std::string error_name(errc e);

}  // namespace segnala::core

namespace boost::system {
template <>
struct is_error_code_enum<segnala::core::errc> : std::true_type {};
}  // namespace boost::system

// SEGNALA_TRY(var, expr): declares var from a successful result, or returns its error.
// (Boost 1.74 spelling: the variable name without `auto`.)
#define SEGNALA_TRY BOOST_OUTCOME_TRY
// SEGNALA_TRYV(expr): returns the error of a result<void>-like expression.
#define SEGNALA_TRYV BOOST_OUTCOME_TRYV
