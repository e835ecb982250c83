#include "cli/config.hpp"

#include <charconv>
#include <cstdlib>
#include <functional>
#include <vector>

#include <toml++/toml.h>

namespace segnala::cli {
namespace {

struct Key {
    const char* name;
    const char* env;
    const char* help;
    std::function<void(Config&, const std::string&)> set;
};

int parse_int(const std::string& key, const std::string& v, int lo, int hi) {
    int out = 0;
    auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), out);
    if (ec != std::errc() || p != v.data() + v.size()) {
        throw ConfigError(key, "'" + v + "' is not a whole number");
    }
    if (out < lo || out > hi) {
        throw ConfigError(
            key, v + " is out of range (" + std::to_string(lo) + ".." + std::to_string(hi) + ")");
    }
    return out;
}

bool parse_bool(const std::string& key, const std::string& v) {
    if (v == "true" || v == "1" || v == "yes" || v == "on")
        return true;
    if (v == "false" || v == "0" || v == "no" || v == "off")
        return false;
    throw ConfigError(key, "'" + v + "' is not true or false");
}

void set_listen(Config& c, const std::string& v) {
    const auto colon = v.rfind(':');
    if (colon == std::string::npos || colon == 0) {
        throw ConfigError("server.listen", "'" + v + "' is not ADDRESS:PORT");
    }
    std::string host = v.substr(0, colon);
    if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
        host = host.substr(1, host.size() - 2);
    }
    c.listen_address = host;
    c.listen_port =
        static_cast<std::uint16_t>(parse_int("server.listen", v.substr(colon + 1), 0, 65535));
}

const std::vector<Key>& keys() {
    static const std::vector<Key> k = {
        {"database", "SEGNALA_DATABASE", "sqlite:PATH or postgresql://USER@HOST:PORT/DB",
         [](Config& c, const std::string& v) {
             if (v.rfind("sqlite:", 0) != 0 && v.rfind("postgresql://", 0) != 0 &&
                 v.rfind("postgres://", 0) != 0) {
                 throw ConfigError("database",
                                   "'" + v + "' must start with sqlite: or postgresql://");
             }
             c.database = v;
         }},
        {"data_dir", "SEGNALA_DATA_DIR", "folder for keys/ and stored evidence",
         [](Config& c, const std::string& v) {
             if (v.empty())
                 throw ConfigError("data_dir", "must not be empty");
             c.data_dir = v;
         }},
        {"web_dir", "SEGNALA_WEB_DIR",
         "folder with views/, i18n/, static/ (default: built-in path)",
         [](Config& c, const std::string& v) { c.web_dir = v; }},
        {"server.listen", "SEGNALA_LISTEN", "ADDRESS:PORT to listen on (port 0: any free port)",
         set_listen},
        {"server.threads", "SEGNALA_THREADS", "I/O threads (0 = number of cores)",
         [](Config& c, const std::string& v) {
             c.threads = parse_int("server.threads", v, 0, 256);
         }},
        {"server.workers", "SEGNALA_WORKERS", "threads for blocking work (database, hashing)",
         [](Config& c, const std::string& v) {
             c.workers = parse_int("server.workers", v, 1, 1024);
         }},
        {"server.max_connections", "SEGNALA_MAX_CONNECTIONS", "open connections before 503",
         [](Config& c, const std::string& v) {
             c.max_connections = parse_int("server.max_connections", v, 1, 1000000);
         }},
        {"server.trust_proxy", "SEGNALA_TRUST_PROXY",
         "honour X-Forwarded-For/-Proto (only behind your own nginx)",
         [](Config& c, const std::string& v) {
             c.trust_proxy = parse_bool("server.trust_proxy", v);
         }},
        {"server.secure_cookies", "SEGNALA_SECURE_COOKIES", "always mark cookies Secure",
         [](Config& c, const std::string& v) {
             c.secure_cookies = parse_bool("server.secure_cookies", v);
         }},
        {"log.level", "SEGNALA_LOG_LEVEL", "trace, debug, info, warn, error",
         [](Config& c, const std::string& v) {
             if (v != "trace" && v != "debug" && v != "info" && v != "warn" && v != "error") {
                 throw ConfigError("log.level",
                                   "'" + v + "' is not one of trace, debug, info, warn, error");
             }
             c.log_level = v;
         }},
        {"session.idle_minutes", "SEGNALA_SESSION_IDLE_MINUTES", "operator session idle timeout",
         [](Config& c, const std::string& v) {
             c.session_idle_minutes = parse_int("session.idle_minutes", v, 1, 24 * 60);
         }},
        {"session.absolute_hours", "SEGNALA_SESSION_ABSOLUTE_HOURS", "operator session lifetime",
         [](Config& c, const std::string& v) {
             c.session_absolute_hours = parse_int("session.absolute_hours", v, 1, 72);
         }},
        {"retention.contact_days", "SEGNALA_RETENTION_CONTACT_DAYS",
         "days after a report's cases closed before the reporter's contact is erased "
         "(default 180)",
         [](Config& c, const std::string& v) {
             c.retention_contact_days = parse_int("retention.contact_days", v, 1, 36500);
         }},
        {"retention.report_days", "SEGNALA_RETENTION_REPORT_DAYS",
         "days after a report's cases closed before its description, message, URLs as typed "
         "and screenshots are erased (default 730, at least retention.contact_days)",
         [](Config& c, const std::string& v) {
             c.retention_report_days = parse_int("retention.report_days", v, 1, 36500);
         }},
        {"postgres.pool", "SEGNALA_POSTGRES_POOL", "PostgreSQL connections per process",
         [](Config& c, const std::string& v) {
             c.postgres_pool = parse_int("postgres.pool", v, 1, 256);
         }},
        {"exposure_pause_threshold", "SEGNALA_EXPOSURE_PAUSE_THRESHOLD",
         "reveals per operator per day before a pause is suggested (default 20, 0 = never)",
         [](Config& c, const std::string& v) {
             c.exposure_pause_threshold = parse_int("exposure_pause_threshold", v, 0, 100000);
         }},
        {"triage.target_csam_hours", "SEGNALA_TRIAGE_TARGET_CSAM_HOURS",
         "hours to first triage of a csam case before it is overdue (default 2)",
         [](Config& c, const std::string& v) {
             c.triage_target_hours["csam"] = parse_int("triage.target_csam_hours", v, 1, 24 * 90);
         }},
        {"triage.target_phishing_hours", "SEGNALA_TRIAGE_TARGET_PHISHING_HOURS",
         "hours to first triage of a phishing case before it is overdue (default 24)",
         [](Config& c, const std::string& v) {
             c.triage_target_hours["phishing"] =
                 parse_int("triage.target_phishing_hours", v, 1, 24 * 90);
         }},
        {"triage.target_malware_hours", "SEGNALA_TRIAGE_TARGET_MALWARE_HOURS",
         "hours to first triage of a malware case before it is overdue (default 24)",
         [](Config& c, const std::string& v) {
             c.triage_target_hours["malware"] =
                 parse_int("triage.target_malware_hours", v, 1, 24 * 90);
         }},
        {"triage.target_fraud_hours", "SEGNALA_TRIAGE_TARGET_FRAUD_HOURS",
         "hours to first triage of a fraud case before it is overdue (default 48)",
         [](Config& c, const std::string& v) {
             c.triage_target_hours["fraud"] = parse_int("triage.target_fraud_hours", v, 1, 24 * 90);
         }},
        {"triage.target_spam_hours", "SEGNALA_TRIAGE_TARGET_SPAM_HOURS",
         "hours to first triage of a spam case before it is overdue (default 72)",
         [](Config& c, const std::string& v) {
             c.triage_target_hours["spam"] = parse_int("triage.target_spam_hours", v, 1, 24 * 90);
         }},
        {"triage.target_other_hours", "SEGNALA_TRIAGE_TARGET_OTHER_HOURS",
         "hours to first triage of a other case before it is overdue (default 72)",
         [](Config& c, const std::string& v) {
             c.triage_target_hours["other"] = parse_int("triage.target_other_hours", v, 1, 24 * 90);
         }},
    };
    return k;
}

const Key* find_key(const std::string& name) {
    for (const auto& k : keys()) {
        if (name == k.name)
            return &k;
    }
    return nullptr;
}

std::string node_to_string(const std::string& key, const toml::node& n) {
    if (auto s = n.as_string())
        return s->get();
    if (auto i = n.as_integer())
        return std::to_string(i->get());
    if (auto b = n.as_boolean())
        return b->get() ? "true" : "false";
    throw ConfigError(key, "must be a string, a whole number or a boolean");
}

void apply_table(Config& c, const toml::table& t, const std::string& prefix) {
    for (const auto& [k, node] : t) {
        const std::string name =
            prefix.empty() ? std::string(k.str()) : prefix + "." + std::string(k.str());
        if (auto sub = node.as_table()) {
            apply_table(c, *sub, name);
            continue;
        }
        const Key* key = find_key(name);
        if (key == nullptr) {
            throw ConfigError(name, "unknown configuration key");
        }
        key->set(c, node_to_string(name, node));
    }
}

}  // namespace

Config load_config(const std::optional<std::string>& file, const Overrides& flags) {
    Config c;
#ifdef SEGNALA_SOURCE_DIR
    c.web_dir = std::string(SEGNALA_SOURCE_DIR) + "/src/web";
#endif
    if (file) {
        toml::table t;
        try {
            t = toml::parse_file(*file);
        } catch (const toml::parse_error& e) {
            throw ConfigError("--config", *file + ": " + std::string(e.description()));
        }
        apply_table(c, t, "");
    }
    for (const auto& k : keys()) {
        if (const char* v = std::getenv(k.env); v != nullptr) {
            k.set(c, v);
        }
    }
    for (const auto& [name, value] : flags) {
        const Key* k = find_key(name);
        if (k == nullptr) {
            throw ConfigError(name, "unknown configuration key");
        }
        k->set(c, value);
    }
    if (c.retention_report_days < c.retention_contact_days) {
        // Erasing a report's details takes its contact with it: the contact period would lie.
        throw ConfigError("retention.report_days",
                          "must not be shorter than retention.contact_days (" +
                              std::to_string(c.retention_contact_days) + ")");
    }
    return c;
}

std::string describe_keys() {
    std::string out;
    for (const auto& k : keys()) {
        out += std::string("  ") + k.name + " (" + k.env + "): " + k.help + "\n";
    }
    return out;
}

}  // namespace segnala::cli
