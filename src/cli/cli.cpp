#include "cli/cli.hpp"

#include <cstdio>
#include <iostream>

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "app/api_keys.hpp"
#include "app/auth.hpp"
#include "cli/config.hpp"
#include "cli/wiring.hpp"
#include "core/clock.hpp"
#include "url/batch.hpp"

namespace segnala::cli {
namespace {

constexpr const char* kVersion = "0.1.0";

struct Common {
    std::optional<std::string> config_file;
    std::string database;
    std::string data_dir;
    Overrides overrides() const {
        Overrides o;
        if (!database.empty())
            o["database"] = database;
        if (!data_dir.empty())
            o["data_dir"] = data_dir;
        return o;
    }
};

void add_common(CLI::App* cmd, Common& c) {
    cmd->add_option("--config", c.config_file, "TOML configuration file");
    cmd->add_option("--database", c.database, "sqlite:PATH or postgresql://USER@HOST:PORT/DB");
    cmd->add_option("--data-dir", c.data_dir, "folder for keys/ and stored evidence (default var)");
}

int user_add(const Config& cfg, const std::string& name, const std::string& role, bool csam) {
    auto s = open_store(cfg);
    migrate_or_throw(*s->store);
    core::SystemClock clock;
    app::Auth auth(*s->store, clock, {});
    if (!app::is_valid_username(name)) {
        std::cerr << "segnala: user name must be 3-32 characters of a-z, 0-9, '.', '_', '-', "
                     "starting with a letter\n";
        return 2;
    }
    if (!app::is_valid_role(role)) {
        std::cerr << "segnala: role must be one of operator, analyst, supervisor, admin\n";
        return 2;
    }
    auto r = auth.add_operator("cli", name, role, csam ? "csam" : "");
    if (!r) {
        if (r.error() == core::errc::conflict) {
            std::cerr << "segnala: user '" << name << "' already exists\n";
            return 1;
        }
        std::cerr << "segnala: cannot add user: " << r.error().message() << "\n";
        return 1;
    }
    std::cout << "user: " << name << "\n";
    std::cout << "password: " << r.value().one_time_password << "\n";
    std::cerr << "The password is shown once; it must be changed at the first login.\n";
    return 0;
}

int user_list(const Config& cfg) {
    auto s = open_store(cfg);
    migrate_or_throw(*s->store);
    auto ops = s->store->list_operators();
    if (!ops) {
        std::cerr << "segnala: " << ops.error().message() << "\n";
        return 1;
    }
    std::cout << fmt::format("{:<24} {:<12} {:<8} {:<8} {}\n", "USER", "ROLE", "CSAM", "2FA",
                             "STATE");
    for (const auto& op : ops.value()) {
        std::cout << fmt::format("{:<24} {:<12} {:<8} {:<8} {}\n", op.username, op.role,
                                 op.permissions.find("csam") != std::string::npos ? "yes" : "no",
                                 op.totp_enrolled_at > 0 ? "yes" : "no",
                                 op.disabled ? "disabled" : "active");
    }
    return 0;
}

int user_disable(const Config& cfg, const std::string& name, bool disable) {
    auto s = open_store(cfg);
    migrate_or_throw(*s->store);
    core::SystemClock clock;
    app::Auth auth(*s->store, clock, {});
    auto r = auth.set_disabled("cli", name, disable);
    if (!r) {
        std::cerr << "segnala: "
                  << (r.error() == core::errc::not_found ? "no such user '" + name + "'"
                                                         : r.error().message())
                  << "\n";
        return 1;
    }
    std::cout << (disable ? "disabled: " : "enabled: ") << name << "\n";
    return 0;
}

int user_reset_2fa(const Config& cfg, const std::string& name) {
    auto s = open_store(cfg);
    migrate_or_throw(*s->store);
    core::SystemClock clock;
    app::Auth auth(*s->store, clock, {});
    auto r = auth.reset_second_factor("cli", name);
    if (!r) {
        std::cerr << "segnala: "
                  << (r.error() == core::errc::not_found ? "no such user '" + name + "'"
                                                         : r.error().message())
                  << "\n";
        return 1;
    }
    std::cout << "2fa reset: " << name << "\n";
    std::cerr << "Their sessions are ended; the next login sets up two-step verification again.\n";
    return 0;
}

int apikey_add(const Config& cfg, const std::string& name, const std::vector<std::string>& scopes,
               int rate_limit) {
    if (!app::is_valid_api_key_name(name)) {
        std::cerr << "segnala: key name must be 1-64 characters of A-Z, a-z, 0-9, '.', '_', '-', "
                     "starting with a letter or digit\n";
        return 2;
    }
    std::vector<std::string> list;
    for (const auto& s : scopes) {
        // --scope may repeat, or list scopes separated by commas.
        std::size_t start = 0;
        while (start <= s.size()) {
            const auto comma = s.find(',', start);
            const auto one =
                s.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
            if (!app::is_valid_api_scope(one)) {
                std::cerr << "segnala: unknown scope '" << one
                          << "' (scopes: reports:write, reports:read)\n";
                return 2;
            }
            list.push_back(one);
            if (comma == std::string::npos)
                break;
            start = comma + 1;
        }
    }
    if (list.empty()) {
        std::cerr << "segnala: give at least one --scope (reports:write to submit reports)\n";
        return 2;
    }
    if (rate_limit < 0) {
        std::cerr << "segnala: --rate-limit must be 0 (no limit) or more requests per second\n";
        return 2;
    }
    auto s = open_store(cfg);
    migrate_or_throw(*s->store);
    core::SystemClock clock;
    app::ApiKeys keys(*s->store, clock);
    auto r = keys.create("cli", name, list, rate_limit);
    if (!r) {
        if (r.error() == core::errc::conflict) {
            std::cerr << "segnala: an API key named '" << name << "' already exists\n";
            return 1;
        }
        std::cerr << "segnala: cannot add the API key: " << r.error().message() << "\n";
        return 1;
    }
    std::cout << "name: " << name << "\n";
    std::cout << "key: " << r.value().secret << "\n";
    std::cerr << "The key is shown once and stored only hashed: give it to the partner now.\n";
    return 0;
}

int apikey_list(const Config& cfg) {
    auto s = open_store(cfg);
    migrate_or_throw(*s->store);
    core::SystemClock clock;
    app::ApiKeys keys(*s->store, clock);
    auto list = keys.list();
    if (!list) {
        std::cerr << "segnala: " << list.error().message() << "\n";
        return 1;
    }
    std::cout << fmt::format("{:<24} {:<14} {:<28} {:>10} {}\n", "NAME", "PREFIX", "SCOPES",
                             "RATE/S", "STATE");
    for (const auto& k : list.value()) {
        std::cout << fmt::format(
            "{:<24} {:<14} {:<28} {:>10} {}\n", k.name, k.prefix + "...", k.scopes,
            k.rate_limit == 0 ? std::string("none") : std::to_string(k.rate_limit),
            k.revoked_at > 0 ? "revoked" : "active");
    }
    return 0;
}

int apikey_revoke(const Config& cfg, const std::string& name) {
    auto s = open_store(cfg);
    migrate_or_throw(*s->store);
    core::SystemClock clock;
    app::ApiKeys keys(*s->store, clock);
    auto r = keys.revoke("cli", name);
    if (!r) {
        std::cerr << "segnala: "
                  << (r.error() == core::errc::not_found ? "no API key named '" + name + "'"
                                                         : r.error().message())
                  << "\n";
        return 1;
    }
    std::cout << "revoked: " << name << "\n";
    return 0;
}

int audit_verify(const Config& cfg) {
    auto s = open_store(cfg);
    auto v = s->store->verify_audit();
    if (!v) {
        std::cerr << "segnala: cannot read the audit log: " << v.error().message() << "\n";
        return 1;
    }
    if (!v.value().ok) {
        std::cout << "audit: BROKEN at entry " << v.value().first_bad_seq << ": "
                  << v.value().reason << "\n";
        return 1;
    }
    std::cout << "audit: ok, " << v.value().entries << " entries\n";
    // Printed so it can be kept outside the database: deleting the newest entries is only
    // detectable against a head recorded elsewhere.
    std::cout << "head: " << v.value().entries << " " << v.value().head_hash << "\n";
    return 0;
}

int do_migrate(const Config& cfg) {
    auto s = open_store(cfg);
    auto before = s->store->schema_version();
    migrate_or_throw(*s->store);
    auto after = s->store->schema_version();
    std::cout << "schema version: " << (before ? before.value() : 0) << " -> "
              << (after ? after.value() : 0) << "\n";
    return 0;
}

}  // namespace

int run(int argc, char** argv) {
    CLI::App app{"Segnala: online police station for cybercrime", "segnala"};
    app.require_subcommand(1);
    app.footer("Configuration keys (flags > SEGNALA_* environment > --config file > defaults):\n" +
               describe_keys());

    Common common;
    std::string listen;
    std::string threads;

    auto* serve_cmd = app.add_subcommand("serve", "Run the web portal and the API");
    add_common(serve_cmd, common);
    serve_cmd->add_option("--listen", listen, "ADDRESS:PORT (default 127.0.0.1:8080)");
    serve_cmd->add_option("--threads", threads, "I/O threads (default: number of cores)");

    auto* migrate_cmd = app.add_subcommand("migrate", "Apply pending database migrations");
    add_common(migrate_cmd, common);

    auto* user_cmd = app.add_subcommand("user", "Manage operators");
    user_cmd->require_subcommand(1);
    std::string user_name;
    std::string user_role = "operator";
    bool user_csam = false;
    auto* user_add_cmd =
        user_cmd->add_subcommand("add", "Add an operator; prints a one-time password");
    add_common(user_add_cmd, common);
    user_add_cmd->add_option("name", user_name, "user name")->required();
    user_add_cmd->add_option("--role", user_role, "operator, analyst, supervisor or admin")
        ->capture_default_str();
    user_add_cmd->add_flag("--csam", user_csam, "may see child-abuse cases");
    auto* user_list_cmd = user_cmd->add_subcommand("list", "List operators");
    add_common(user_list_cmd, common);
    auto* user_disable_cmd =
        user_cmd->add_subcommand("disable", "Disable an operator and end their sessions");
    add_common(user_disable_cmd, common);
    user_disable_cmd->add_option("name", user_name, "user name")->required();
    auto* user_enable_cmd = user_cmd->add_subcommand("enable", "Enable a disabled operator");
    add_common(user_enable_cmd, common);
    user_enable_cmd->add_option("name", user_name, "user name")->required();
    auto* user_reset_2fa_cmd = user_cmd->add_subcommand(
        "reset-2fa", "Forget an operator's second factor and end their sessions");
    add_common(user_reset_2fa_cmd, common);
    user_reset_2fa_cmd->add_option("name", user_name, "user name")->required();

    auto* audit_cmd = app.add_subcommand("audit", "Audit log");
    audit_cmd->require_subcommand(1);
    auto* audit_verify_cmd = audit_cmd->add_subcommand(
        "verify", "Verify the hash chain; exit 1 naming the first bad entry");
    add_common(audit_verify_cmd, common);

    auto* retention_cmd = app.add_subcommand("retention", "Retention of reporters' data");
    retention_cmd->require_subcommand(1);
    auto* retention_run_cmd = retention_cmd->add_subcommand(
        "run", "Erase now what the retention policy says is due (the server does it hourly)");
    add_common(retention_run_cmd, common);

    auto* apikey_cmd = app.add_subcommand("apikey", "Manage partner API keys");
    apikey_cmd->require_subcommand(1);
    std::string apikey_name;
    std::vector<std::string> apikey_scopes;
    int apikey_rate = 0;
    auto* apikey_add_cmd =
        apikey_cmd->add_subcommand("add", "Add a key; prints it once as 'key: <secret>'");
    add_common(apikey_add_cmd, common);
    apikey_add_cmd->add_option("name", apikey_name, "key name (the partner)")->required();
    apikey_add_cmd
        ->add_option("--scope", apikey_scopes, "reports:write or reports:read (repeatable)")
        ->required()
        ->allow_extra_args(false);
    apikey_add_cmd->add_option("--rate-limit", apikey_rate, "requests per second, 0 for none")
        ->capture_default_str();
    auto* apikey_list_cmd = apikey_cmd->add_subcommand("list", "List keys (never their secrets)");
    add_common(apikey_list_cmd, common);
    auto* apikey_revoke_cmd = apikey_cmd->add_subcommand("revoke", "Revoke a key at once");
    add_common(apikey_revoke_cmd, common);
    apikey_revoke_cmd->add_option("name", apikey_name, "key name")->required();

    auto* url_cmd = app.add_subcommand(
        "url", "URL tools: read one URL (or host) a line on stdin, write one answer a line");
    url_cmd->require_subcommand(1);
    auto* url_canon = url_cmd->add_subcommand("canonicalize", "Safe Browsing canonical URL");
    auto* url_expr = url_cmd->add_subcommand(
        "expressions", "Lookup expressions (host suffix x path prefix), space-separated");
    auto* url_domain = url_cmd->add_subcommand("domain", "Registrable domain (Public Suffix List)");

    app.add_subcommand("version", "Print the version")->callback([] {
        std::cout << "segnala " << kVersion << "\n";
    });

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        return app.exit(e);
    }

    try {
        Overrides o = common.overrides();
        if (!listen.empty())
            o["server.listen"] = listen;
        if (!threads.empty())
            o["server.threads"] = threads;
        auto needs_config = [&] { return load_config(common.config_file, o); };
        if (url_canon->parsed() || url_expr->parsed() || url_domain->parsed()) {
            std::ios::sync_with_stdio(false);
            const auto mode = url_canon->parsed()  ? url::BatchMode::canonicalize
                              : url_expr->parsed() ? url::BatchMode::expressions
                                                   : url::BatchMode::domain;
            url::run_batch(mode, std::cin, std::cout);
            return 0;
        }
        if (serve_cmd->parsed())
            return serve(needs_config());
        if (migrate_cmd->parsed())
            return do_migrate(needs_config());
        if (user_add_cmd->parsed())
            return user_add(needs_config(), user_name, user_role, user_csam);
        if (user_list_cmd->parsed())
            return user_list(needs_config());
        if (user_disable_cmd->parsed())
            return user_disable(needs_config(), user_name, true);
        if (user_enable_cmd->parsed())
            return user_disable(needs_config(), user_name, false);
        if (user_reset_2fa_cmd->parsed())
            return user_reset_2fa(needs_config(), user_name);
        if (audit_verify_cmd->parsed())
            return audit_verify(needs_config());
        if (retention_run_cmd->parsed())
            return retention_run(needs_config());
        if (apikey_add_cmd->parsed()) {
            return apikey_add(needs_config(), apikey_name, apikey_scopes, apikey_rate);
        }
        if (apikey_list_cmd->parsed())
            return apikey_list(needs_config());
        if (apikey_revoke_cmd->parsed())
            return apikey_revoke(needs_config(), apikey_name);
    } catch (const ConfigError& e) {
        std::cerr << "segnala: configuration error: " << e.what() << "\n";
        return 2;
    } catch (const std::exception& e) {
        std::cerr << "segnala: " << e.what() << "\n";
        return 1;
    }
    return 0;
}

}  // namespace segnala::cli
