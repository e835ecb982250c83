// Domain vocabulary of reports (segnalazioni) and cases: categories, statuses, channels.
#pragma once

#include <optional>
#include <string_view>

namespace segnala::core {

enum class Category { phishing, spam, csam, fraud, malware, other };
inline constexpr Category kCategories[] = {Category::phishing, Category::spam,    Category::csam,
                                           Category::fraud,    Category::malware, Category::other};

/// API names: "phishing", "spam", "csam", "fraud", "malware", "other".
std::string_view to_string(Category c);
std::optional<Category> parse_category(std::string_view s);

/// Public status of a report, which follows its case.
enum class Status { received, in_review, confirmed, action_taken, closed, not_actionable };
inline constexpr Status kStatuses[] = {Status::received,  Status::in_review,
                                       Status::confirmed, Status::action_taken,
                                       Status::closed,    Status::not_actionable};

/// API names: "received", "in_review", "confirmed", "action_taken", "closed", "not_actionable".
std::string_view to_string(Status s);
std::optional<Status> parse_status(std::string_view s);

/// How a report arrived.
enum class Channel { web, api, mail };
std::string_view to_string(Channel c);
std::optional<Channel> parse_channel(std::string_view s);

}  // namespace segnala::core
