// Starts the real `segnala` binary on an ephemeral port and talks HTTP to it (libcurl).
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <sys/types.h>

namespace segnala::testing {

/// Backends the integration suites run on: "sqlite" and "postgres" (the latter skipped when
/// SEGNALA_TEST_POSTGRES is unset, unless SEGNALA_REQUIRE_POSTGRES=1 makes it fail).
std::vector<std::string> backends();
/// Why tests on `backend` must be skipped here (PostgreSQL not configured and not required).
std::optional<std::string> skip_reason(const std::string& backend);

struct HttpResult {
    long status = 0;
    std::string body;
    std::multimap<std::string, std::string> headers;  ///< lower-case names
    std::optional<std::string> header(const std::string& name) const;
};

/// A cookie-keeping HTTP client (like a browser, minus JavaScript).
class Client {
  public:
    explicit Client(std::string base_url);
    ~Client();
    Client(const Client&) = delete;
    HttpResult get(const std::string& path, const std::vector<std::string>& headers = {});
    HttpResult post_form(const std::string& path, const std::string& body,
                         const std::vector<std::string>& headers = {});
    HttpResult request(const std::string& method, const std::string& path, const std::string& body,
                       const std::vector<std::string>& headers);
    /// Value of a cookie in the jar ("" when absent).
    std::string cookie(const std::string& name) const;
    void set_cookie(const std::string& name, const std::string& value);
    void clear_cookies();

  private:
    void* curl_;
    std::string base_;
};

/// URL-encodes one form value.
std::string form_encode(const std::string& s);
/// Extracts value="…" of the hidden input `name` from an HTML page.
std::string hidden_field(const std::string& html, const std::string& name);

/// A database for one test: a fresh SQLite file or a fresh PostgreSQL database.
class TestDatabase {
  public:
    explicit TestDatabase(const std::string& backend);
    ~TestDatabase();
    const std::string& url() const { return url_; }
    const std::filesystem::path& dir() const { return dir_; }
    /// Runs SQL directly against the database (sqlite3 / psql), returns stdout.
    std::string sql(const std::string& statement) const;

  private:
    std::string backend_;
    std::string url_;
    std::string pg_name_;
    std::filesystem::path dir_;
};

/// The single value a query returns, without the client's surrounding white space.
std::string sql_value(const TestDatabase& db, const std::string& query);

/// How many reports the database holds (-1 when the query printed nothing).
std::int64_t count_reports(const TestDatabase& db);

/// Runs `segnala ARGS` to completion; returns exit code and combined output.
struct CommandResult {
    int exit_code = -1;
    std::string out;
    std::string err;
};
CommandResult run_segnala(const std::vector<std::string>& args,
                          const std::map<std::string, std::string>& env = {});

/// A running `segnala serve`.
class Server {
  public:
    Server(const TestDatabase& db, std::vector<std::string> extra_args = {});
    ~Server();
    const std::string& base_url() const { return base_url_; }
    /// The first admin's one-time password when this start created it, else "".
    const std::string& admin_password() const { return admin_password_; }
    void kill9();
    /// SIGTERM and wait; returns the exit status and how long it took (ms).
    std::pair<int, long> terminate();
    std::string log() const;

  private:
    pid_t pid_ = -1;
    std::string base_url_;
    std::string admin_password_;
    std::filesystem::path log_path_;
};

/// An operator logged in on a Client, ready for the back office (password changed, second
/// factor done).
struct Operator {
    std::string username;
    std::string password;     ///< the current password (after the forced change)
    std::string totp_secret;  ///< base32, as shown at enrolment ("" before 2FA exists)
};

/// Runs `segnala user add` against the server's database (role, and --csam when asked),
/// then logs the new operator in on `c` through the real pages: one-time password, forced
/// change, second-factor enrolment. Fails the test (ADD_FAILURE) on any unexpected page.
Operator login_new_operator(Client& c, const TestDatabase& db, const std::string& username,
                            const std::string& role, bool csam = false);
/// The same for the first admin created by `server` (its one-time password).
Operator login_first_admin(Client& c, const Server& server);
/// The password the helpers above choose at the forced change for `username`.
std::string forced_change_password(const std::string& username);
/// Logs an existing operator in again on `c` (password and second factor).
void login_again(Client& c, const Operator& op);
/// The base32 secret shown on the enrolment page (spaces removed), "" when absent.
std::string enrolment_secret(const std::string& html);
/// A TOTP code of `secret_base32` for a time step this process has not used for that secret
/// yet and that the server accepts (its step or the next: within ±1). Waits for the next
/// 30-second step only when both are used. Each call consumes the step it returns.
std::string next_totp(const std::string& secret_base32);
/// Posts `code` to /backoffice/2fa with the CSRF token of the 2FA page.
HttpResult post_second_factor(Client& c, const std::string& code);

/// The CSRF token to send with the next form (from a back-office page's hidden field).
std::string csrf_of(Client& c, const std::string& page = "/backoffice/account");

}  // namespace segnala::testing
