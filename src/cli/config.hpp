// Configuration: defaults < TOML file (--config) < SEGNALA_* environment < command-line flags.
// A bad value stops the start with one line naming the key (exit code 2).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>

namespace segnala::cli {

struct Config {
    std::string database = "sqlite:var/segnala.db";
    std::string data_dir = "var";  ///< keys/ and blobs live here
    std::string web_dir;           ///< views, i18n, static files (defaults to the source tree)
    std::string listen_address = "127.0.0.1";
    std::uint16_t listen_port = 8080;
    int threads = 0;   ///< I/O threads, 0 = number of cores
    int workers = 64;  ///< blocking-work pool size
    int max_connections = 4096;
    bool trust_proxy = false;
    bool secure_cookies = false;
    std::string log_level = "info";
    int session_idle_minutes = 30;
    int session_absolute_hours = 12;
    int postgres_pool = 8;
    /// Retention (app::RetentionPolicy): days after a report's cases closed.
    int retention_contact_days = 180;
    int retention_report_days = 730;
    /// CSAM items and evidence images an operator reveals in a day before the case page suggests
    /// a pause (exposure_pause_threshold; 0 = never).
    int exposure_pause_threshold = 20;
    /// Target hours to first triage by category (triage.target_<category>_hours); categories
    /// not set keep app::TriageTargets' defaults.
    std::map<std::string, int> triage_target_hours;
};

/// A configuration error: `key` is the configuration key (e.g. "server.listen").
struct ConfigError : std::runtime_error {
    ConfigError(std::string key, const std::string& what)
        : std::runtime_error(key + ": " + what), key(std::move(key)) {}
    std::string key;
};

/// Values given on the command line, by configuration key ("server.listen" → "0.0.0.0:80").
using Overrides = std::map<std::string, std::string>;

/// Builds the configuration. Throws ConfigError on any bad value or unreadable file.
Config load_config(const std::optional<std::string>& file, const Overrides& flags);

/// Every key with its environment variable and meaning (for --help and the README).
std::string describe_keys();

}  // namespace segnala::cli
