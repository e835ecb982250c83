#include "harness.hpp"

#include <array>
#include <cctype>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <mutex>
#include <random>
#include <sstream>
#include <stdexcept>
#include <thread>

#include <curl/curl.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "crypto/totp.hpp"

namespace segnala::testing {
namespace {

std::string read_all(const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

std::string random_name() {
    std::random_device rd;
    std::uniform_int_distribution<std::uint64_t> d;
    std::ostringstream s;
    s << std::hex << d(rd);
    return s.str();
}

std::filesystem::path make_temp_dir() {
    auto base = std::filesystem::temp_directory_path() / ("segnala-it-" + random_name());
    std::filesystem::create_directories(base);
    return base;
}

struct CurlInit {
    CurlInit() { curl_global_init(CURL_GLOBAL_ALL); }
} curl_init;

size_t write_body(char* ptr, size_t size, size_t n, void* user) {
    static_cast<std::string*>(user)->append(ptr, size * n);
    return size * n;
}

size_t write_header(char* ptr, size_t size, size_t n, void* user) {
    std::string line(ptr, size * n);
    auto colon = line.find(':');
    if (colon != std::string::npos) {
        std::string name = line.substr(0, colon);
        for (auto& c : name)
            c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        std::string value = line.substr(colon + 1);
        while (!value.empty() && (value.front() == ' '))
            value.erase(0, 1);
        while (!value.empty() && (value.back() == '\r' || value.back() == '\n'))
            value.pop_back();
        static_cast<std::multimap<std::string, std::string>*>(user)->emplace(name, value);
    }
    return size * n;
}

std::string shell_quote(const std::string& s) {
    std::string out = "'";
    for (char c : s) {
        if (c == '\'')
            out += "'\\''";
        else
            out += c;
    }
    return out + "'";
}

std::string capture(const std::string& cmd, int* status = nullptr) {
    std::string out;
    FILE* p = popen(cmd.c_str(), "r");
    if (p == nullptr)
        throw std::runtime_error("popen failed");
    std::array<char, 4096> buf{};
    while (size_t n = fread(buf.data(), 1, buf.size(), p))
        out.append(buf.data(), n);
    const int st = pclose(p);
    if (status != nullptr)
        *status = st;
    return out;
}

}  // namespace

std::vector<std::string> backends() {
    return {"sqlite", "postgres"};
}

std::optional<std::string> skip_reason(const std::string& backend) {
    if (backend != "postgres")
        return std::nullopt;
    const char* pg = std::getenv("SEGNALA_TEST_POSTGRES");
    const char* req = std::getenv("SEGNALA_REQUIRE_POSTGRES");
    if (pg != nullptr && *pg != '\0')
        return std::nullopt;
    if (req != nullptr && std::string(req) == "1")
        return std::nullopt;  // TestDatabase fails loudly
    return "SEGNALA_TEST_POSTGRES is not set (scripts/start-postgres)";
}

std::optional<std::string> HttpResult::header(const std::string& name) const {
    auto it = headers.find(name);
    if (it == headers.end())
        return std::nullopt;
    return it->second;
}

Client::Client(std::string base_url) : curl_(curl_easy_init()), base_(std::move(base_url)) {
    curl_easy_setopt(static_cast<CURL*>(curl_), CURLOPT_COOKIEFILE, "");  // enable the jar
}

Client::~Client() {
    curl_easy_cleanup(static_cast<CURL*>(curl_));
}

HttpResult Client::get(const std::string& path, const std::vector<std::string>& headers) {
    return request("GET", path, "", headers);
}

HttpResult Client::post_form(const std::string& path, const std::string& body,
                             const std::vector<std::string>& headers) {
    auto h = headers;
    h.emplace_back("Content-Type: application/x-www-form-urlencoded");
    return request("POST", path, body, h);
}

HttpResult Client::request(const std::string& method, const std::string& path,
                           const std::string& body, const std::vector<std::string>& headers) {
    CURL* c = static_cast<CURL*>(curl_);
    HttpResult r;
    std::string url = base_ + path;
    curl_easy_setopt(c, CURLOPT_URL, url.c_str());
    curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 30L);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, write_body);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &r.body);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, write_header);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, &r.headers);
    if (method == "GET" || method == "HEAD") {
        // HTTPGET resets NOBODY, so NOBODY comes after it.
        curl_easy_setopt(c, CURLOPT_HTTPGET, 1L);
        curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, nullptr);
        curl_easy_setopt(c, CURLOPT_NOBODY, method == "HEAD" ? 1L : 0L);
    } else {
        curl_easy_setopt(c, CURLOPT_NOBODY, 0L);
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, body.c_str());
        curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, static_cast<long>(body.size()));
        curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method.c_str());
    }
    struct curl_slist* list = nullptr;
    for (const auto& h : headers)
        list = curl_slist_append(list, h.c_str());
    list = curl_slist_append(list, "Expect:");
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, list);
    CURLcode rc = curl_easy_perform(c);
    curl_slist_free_all(list);
    if (rc != CURLE_OK) {
        throw std::runtime_error(std::string("HTTP request failed: ") + curl_easy_strerror(rc));
    }
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r.status);
    return r;
}

std::string Client::cookie(const std::string& name) const {
    struct curl_slist* cookies = nullptr;
    curl_easy_getinfo(static_cast<CURL*>(curl_), CURLINFO_COOKIELIST, &cookies);
    std::string value;
    for (auto* e = cookies; e != nullptr; e = e->next) {
        // Netscape format: domain, flag, path, secure, expires, name, value (TAB-separated).
        std::istringstream fields(e->data);
        std::string f[7];
        for (auto& x : f)
            std::getline(fields, x, '\t');
        if (f[5] == name)
            value = f[6];
    }
    curl_slist_free_all(cookies);
    return value;
}

void Client::set_cookie(const std::string& name, const std::string& value) {
    std::string line = "Set-Cookie: " + name + "=" + value + "; Path=/";
    curl_easy_setopt(static_cast<CURL*>(curl_), CURLOPT_COOKIELIST, line.c_str());
}

void Client::clear_cookies() {
    curl_easy_setopt(static_cast<CURL*>(curl_), CURLOPT_COOKIELIST, "ALL");
}

std::string form_encode(const std::string& s) {
    static const char* hex = "0123456789ABCDEF";
    std::string out;
    for (unsigned char ch : s) {
        if (std::isalnum(ch) || ch == '-' || ch == '_' || ch == '.' || ch == '~') {
            out += static_cast<char>(ch);
        } else {
            out += '%';
            out += hex[ch >> 4];
            out += hex[ch & 15];
        }
    }
    return out;
}

std::string hidden_field(const std::string& html, const std::string& name) {
    const std::string marker = "name=\"" + name + "\" value=\"";
    auto pos = html.find(marker);
    if (pos == std::string::npos)
        return {};
    pos += marker.size();
    return html.substr(pos, html.find('"', pos) - pos);
}

TestDatabase::TestDatabase(const std::string& backend) : backend_(backend), dir_(make_temp_dir()) {
    if (backend == "sqlite") {
        url_ = "sqlite:" + (dir_ / "segnala.db").string();
        return;
    }
    const char* pg = std::getenv("SEGNALA_TEST_POSTGRES");
    if (pg == nullptr || *pg == '\0') {
        throw std::runtime_error(
            "PostgreSQL required (SEGNALA_REQUIRE_POSTGRES=1) but "
            "SEGNALA_TEST_POSTGRES is not set");
    }
    // A fresh database per test: CREATE DATABASE through the admin URL.
    std::string admin = pg;
    pg_name_ = "it_" + random_name();
    capture("psql -q " + shell_quote(admin) + " -c " + shell_quote("CREATE DATABASE " + pg_name_) +
            " 2>&1");
    url_ = admin.substr(0, admin.rfind('/') + 1) + pg_name_;
}

TestDatabase::~TestDatabase() {
    if (!pg_name_.empty()) {
        const char* pg = std::getenv("SEGNALA_TEST_POSTGRES");
        capture("psql -q " + shell_quote(pg) + " -c " +
                shell_quote("DROP DATABASE IF EXISTS " + pg_name_ + " WITH (FORCE)") + " 2>&1");
    }
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
}

// The running server's writer, checkpointer and search indexer take the write lock at any
// moment, so the command line waits for it (as the server's own connections do) instead of
// failing with "database is locked"; and a statement that fails fails the test instead of
// being returned as if it were the answer.
std::string TestDatabase::sql(const std::string& statement) const {
    const std::string cmd = backend_ == "sqlite"
                                ? "sqlite3 -bail -cmd '.timeout 30000' " +
                                      shell_quote(url_.substr(7)) + " " + shell_quote(statement) +
                                      " 2>&1"
                                : "psql -qAt -v ON_ERROR_STOP=1 " + shell_quote(url_) + " -c " +
                                      shell_quote(statement) + " 2>&1";
    int status = 0;
    std::string out = capture(cmd, &status);
    if (status != 0) {
        throw std::runtime_error("SQL failed: " + statement + ": " + out);
    }
    return out;
}

std::string sql_value(const TestDatabase& db, const std::string& query) {
    std::string out = db.sql(query);
    while (!out.empty() && std::isspace(static_cast<unsigned char>(out.back())))
        out.pop_back();
    std::size_t first = 0;
    while (first < out.size() && std::isspace(static_cast<unsigned char>(out[first])))
        ++first;
    return out.substr(first);
}

std::int64_t count_reports(const TestDatabase& db) {
    const std::string v = sql_value(db, "SELECT COUNT(*) FROM reports");
    return v.empty() ? -1 : std::stoll(v);
}

CommandResult run_segnala(const std::vector<std::string>& args,
                          const std::map<std::string, std::string>& env) {
    auto dir = make_temp_dir();
    std::string cmd;
    for (const auto& [k, v] : env)
        cmd += k + "=" + shell_quote(v) + " ";
    cmd += shell_quote(SEGNALA_BINARY);
    for (const auto& a : args)
        cmd += " " + shell_quote(a);
    cmd += " >" + shell_quote((dir / "out").string()) + " 2>" + shell_quote((dir / "err").string());
    CommandResult r;
    int status = std::system(cmd.c_str());
    r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    r.out = read_all(dir / "out");
    r.err = read_all(dir / "err");
    std::filesystem::remove_all(dir);
    return r;
}

Server::Server(const TestDatabase& db, std::vector<std::string> extra_args) {
    log_path_ = db.dir() / ("server-" + random_name() + ".log");
    std::vector<std::string> args = {SEGNALA_BINARY, "serve",    "--database",
                                     db.url(),       "--listen", "127.0.0.1:0"};
    args.insert(args.end(), extra_args.begin(), extra_args.end());
    const std::string data_dir = (db.dir() / "data").string();
    pid_ = fork();
    if (pid_ == 0) {
        int fd = open(log_path_.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
        dup2(fd, 1);
        dup2(fd, 2);
        setenv("SEGNALA_DATA_DIR", data_dir.c_str(), 1);
        setenv("SEGNALA_THREADS", "2", 1);
        std::vector<char*> argv;
        for (auto& a : args)
            argv.push_back(a.data());
        argv.push_back(nullptr);
        execv(argv[0], argv.data());
        _exit(127);
    }
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (std::chrono::steady_clock::now() < deadline) {
        const std::string out = read_all(log_path_);
        const auto pos = out.find("listening on http://");
        if (pos != std::string::npos && out.find('\n', pos) != std::string::npos) {
            base_url_ = out.substr(pos + 13, out.find('\n', pos) - pos - 13);
            const auto pw = out.find("\npassword: ");
            if (pw != std::string::npos) {
                admin_password_ = out.substr(pw + 11, out.find('\n', pw + 1) - pw - 11);
            }
            return;
        }
        int status = 0;
        if (waitpid(pid_, &status, WNOHANG) == pid_) {
            pid_ = -1;
            throw std::runtime_error("segnala serve exited early:\n" + out);
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    throw std::runtime_error("segnala serve did not start:\n" + read_all(log_path_));
}

Server::~Server() {
    if (pid_ > 0) {
        ::kill(pid_, SIGKILL);
        waitpid(pid_, nullptr, 0);
    }
}

void Server::kill9() {
    if (pid_ > 0) {
        ::kill(pid_, SIGKILL);
        waitpid(pid_, nullptr, 0);
        pid_ = -1;
    }
}

std::pair<int, long> Server::terminate() {
    const auto start = std::chrono::steady_clock::now();
    ::kill(pid_, SIGTERM);
    int status = 0;
    waitpid(pid_, &status, 0);
    pid_ = -1;
    const long ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                        std::chrono::steady_clock::now() - start)
                        .count();
    return {WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status), ms};
}

std::string Server::log() const {
    return read_all(log_path_);
}

namespace {

std::string login_body(const std::string& csrf, const std::string& user, const std::string& pw) {
    return "_csrf=" + form_encode(csrf) + "&username=" + form_encode(user) +
           "&password=" + form_encode(pw);
}

void change_password(Client& c, Operator& op) {
    auto form = c.get("/backoffice/password");
    const std::string fresh = forced_change_password(op.username);
    auto r = c.post_form("/backoffice/password",
                         "_csrf=" + form_encode(hidden_field(form.body, "_csrf")) +
                             "&current_password=" + form_encode(op.password) + "&new_password=" +
                             form_encode(fresh) + "&confirm_password=" + form_encode(fresh));
    if (r.status != 303) {
        ADD_FAILURE() << "password change of " << op.username << ": " << r.status;
        return;
    }
    op.password = fresh;
}

/// Password step, then the second factor (enrolment the first time, a fresh code later),
/// then the forced change when the server asks for it.
void login_steps(Client& c, Operator& op) {
    auto page = c.get("/backoffice/login");
    auto r = c.post_form("/backoffice/login",
                         login_body(hidden_field(page.body, "_csrf"), op.username, op.password));
    if (r.status != 303 || r.header("location").value_or("") != "/backoffice/2fa") {
        ADD_FAILURE() << "login of " << op.username << ": " << r.status << " to "
                      << r.header("location").value_or("") << "\n"
                      << r.body;
        return;
    }
    auto tfa = c.get("/backoffice/2fa");
    const std::string secret = enrolment_secret(tfa.body);
    std::string next;
    if (!secret.empty()) {
        op.totp_secret = secret;
        r = post_second_factor(c, next_totp(secret));
        if (r.status != 200 || r.body.find("tfa-recovery-codes") == std::string::npos) {
            ADD_FAILURE() << "2fa enrolment of " << op.username << ": " << r.status << "\n"
                          << r.body;
            return;
        }
        next = r.body.find("href=\"/backoffice/password\"") != std::string::npos
                   ? "/backoffice/password"
                   : "/backoffice";
    } else {
        if (op.totp_secret.empty()) {
            ADD_FAILURE() << "2fa of " << op.username << ": enrolled, but no secret known";
            return;
        }
        r = post_second_factor(c, next_totp(op.totp_secret));
        if (r.status != 303) {
            ADD_FAILURE() << "2fa code of " << op.username << ": " << r.status << "\n" << r.body;
            return;
        }
        next = r.header("location").value_or("");
    }
    if (next == "/backoffice/password") {
        change_password(c, op);
    }
}

}  // namespace

Operator login_new_operator(Client& c, const TestDatabase& db, const std::string& username,
                            const std::string& role, bool csam) {
    std::vector<std::string> args = {"user", "add",        username, "--role",
                                     role,   "--database", db.url()};
    if (csam) {
        args.emplace_back("--csam");
    }
    auto r = run_segnala(args, {{"SEGNALA_DATA_DIR", (db.dir() / "data").string()}});
    Operator op{username, "", ""};
    const auto pw = r.out.find("password: ");
    if (r.exit_code != 0 || pw == std::string::npos) {
        ADD_FAILURE() << "user add " << username << ": " << r.out << r.err;
        return op;
    }
    op.password = r.out.substr(pw + 10, r.out.find('\n', pw) - pw - 10);
    login_steps(c, op);
    return op;
}

Operator login_first_admin(Client& c, const Server& server) {
    Operator op{"admin", server.admin_password(), ""};
    login_steps(c, op);
    return op;
}

void login_again(Client& c, const Operator& op) {
    Operator copy = op;
    login_steps(c, copy);
}

std::string forced_change_password(const std::string& username) {
    return "a long enough passphrase for " + username;
}

std::string enrolment_secret(const std::string& html) {
    const std::string marker = "id=\"tfa-secret\">";
    auto pos = html.find(marker);
    if (pos == std::string::npos) {
        return {};
    }
    pos += marker.size();
    std::string out;
    for (char ch : html.substr(pos, html.find('<', pos) - pos)) {
        if (ch != ' ') {
            out += ch;
        }
    }
    return out;
}

std::string next_totp(const std::string& secret_base32) {
    static std::mutex mu;
    static std::map<std::string, std::int64_t> last_used;
    std::lock_guard lock(mu);
    const std::string secret = crypto::base32_decode(secret_base32).value();
    std::int64_t& last = last_used.try_emplace(secret_base32, -1).first->second;
    for (;;) {
        const std::int64_t now = std::chrono::duration_cast<std::chrono::seconds>(
                                     std::chrono::system_clock::now().time_since_epoch())
                                     .count();
        const std::int64_t step = crypto::totp_step(now);
        // This step or the next one: both stay within the server's ±1 window even when its
        // clock moves on to the next step before the request arrives.
        if (last < step + 1) {
            last = std::max(step, last + 1);
            return crypto::hotp(secret, static_cast<std::uint64_t>(last));
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(250));
    }
}

HttpResult post_second_factor(Client& c, const std::string& code) {
    auto page = c.get("/backoffice/2fa");
    return c.post_form("/backoffice/2fa", "_csrf=" + form_encode(hidden_field(page.body, "_csrf")) +
                                              "&code=" + form_encode(code));
}

std::string csrf_of(Client& c, const std::string& page) {
    return hidden_field(c.get(page).body, "_csrf");
}

}  // namespace segnala::testing
