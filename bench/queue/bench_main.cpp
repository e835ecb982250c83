// The triage queue at national scale: generates 1,000,000 cases and 3,000,000 reports (with
// their report_urls and report_search rows) straight into a SQLite database that has the
// production schema (Store::migrate), then times the queue's reads through app::Queue
// (parse the form, query the store, defang and explain each row) and prints the p95 of each
// against the 50 ms goal, the ratio last.
//
// Usage: queue_bench DB_PATH [cases] [iterations]   (reuses DB_PATH when it is complete)
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include <sqlite3.h>
#include <time.h>

#include "app/queue.hpp"
#include "app/search_terms.hpp"
#include "core/clock.hpp"
#include "store/priority.hpp"
#include "store/queue.hpp"
#include "store/sqlite/sqlite_database.hpp"
#include "store/store.hpp"

namespace {

using namespace segnala;
using Steady = std::chrono::steady_clock;

constexpr const char* kCategories[] = {"phishing", "spam", "fraud", "malware", "other", "csam"};
constexpr int kCategoryWeights[] = {40, 25, 15, 10, 9, 1};  // percent
constexpr const char* kOpenStatuses[] = {"received", "in_review", "confirmed"};
constexpr const char* kClosedStatuses[] = {"action_taken", "closed", "not_actionable"};
constexpr std::int64_t kNow = 1'795'000'000;  // a fixed "now", late 2026
constexpr int kDomains = 50'000;
constexpr int kUrlWords = 2'000;
constexpr int kTextWords = 5'000;

void check(int rc, sqlite3* db, const char* what) {
    if (rc != SQLITE_OK && rc != SQLITE_DONE && rc != SQLITE_ROW) {
        std::fprintf(stderr, "%s: %s\n", what, sqlite3_errmsg(db));
        std::exit(1);
    }
}

std::string word(int i, const char* prefix) {
    // Pronounceable, distinct, [a-z0-9] only.
    static constexpr const char* kSyl[] = {"ka", "lo", "mi", "ne", "po", "ru", "sa", "ti",
                                           "va", "ze", "bo", "di", "fu", "ga", "he", "jo"};
    std::string w = prefix;
    do {
        w += kSyl[i % 16];
        i /= 16;
    } while (i > 0);
    return w;
}

struct Sqlite {
    sqlite3* db = nullptr;
    explicit Sqlite(const std::string& path) { check(sqlite3_open(path.c_str(), &db), db, "open"); }
    ~Sqlite() { sqlite3_close(db); }
    void exec(const char* sql) { check(sqlite3_exec(db, sql, nullptr, nullptr, nullptr), db, sql); }
    sqlite3_stmt* prepare(const char* sql) {
        sqlite3_stmt* s = nullptr;
        check(sqlite3_prepare_v2(db, sql, -1, &s, nullptr), db, sql);
        return s;
    }
    std::int64_t scalar(const char* sql) {
        sqlite3_stmt* s = prepare(sql);
        std::int64_t v = sqlite3_step(s) == SQLITE_ROW ? sqlite3_column_int64(s, 0) : -1;
        sqlite3_finalize(s);
        return v;
    }
};

void step(sqlite3* db, sqlite3_stmt* s, const char* what) {
    check(sqlite3_step(s), db, what);
    sqlite3_reset(s);
}

void generate(const std::string& path, int cases, const app::SearchTerms& terms) {
    {
        auto opened = store::open_sqlite({.path = path});
        if (!opened) {
            std::fprintf(stderr, "cannot open %s\n", path.c_str());
            std::exit(1);
        }
        store::Store st(*opened.value());
        if (!st.migrate()) {
            std::fprintf(stderr, "migration failed\n");
            std::exit(1);
        }
        opened.value()->close();
    }
    Sqlite sq(path);
    sq.exec("PRAGMA synchronous = OFF");
    sq.exec("PRAGMA cache_size = -262144");
    sq.exec("BEGIN");
    auto* ins_case = sq.prepare(
        "INSERT INTO cases (id, url_hash, canonical_url, host, registrable_domain, category, "
        "status, status_at, report_count, first_seen, last_seen, signals, priority, open, "
        "restricted, assigned_to, first_triage_at) VALUES "
        "(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17)");
    auto* ins_report = sq.prepare(
        "INSERT INTO reports (id, code, case_id, category, channel, created_at) "
        "VALUES (?1, ?2, ?3, ?4, 'web', ?5)");
    auto* ins_url = sq.prepare(
        "INSERT INTO report_urls (report_id, position, case_id, original_sealed) "
        "VALUES (?1, 0, ?2, x'00')");
    auto* ins_search =
        sq.prepare("INSERT INTO report_search (rowid, terms, case_id) VALUES (?1, ?2, ?3)");
    std::vector<std::string> text_tokens;
    for (int i = 0; i < kTextWords; ++i) {
        text_tokens.push_back(terms.word_token(word(i, "t")));
    }
    std::mt19937_64 rng(42);
    auto pick = [&](int n) { return static_cast<int>(rng() % static_cast<std::uint64_t>(n)); };
    // Zipf-like: a few domains get many cases.
    auto domain_of = [&]() {
        const double u = std::uniform_real_distribution<double>(0, 1)(rng);
        return static_cast<int>(std::pow(u, 3.0) * kDomains);
    };
    std::int64_t report_id = 0;
    const auto t0 = Steady::now();
    for (int id = 1; id <= cases; ++id) {
        int w = pick(100);
        int cat = 0;
        while (w >= kCategoryWeights[cat]) {
            w -= kCategoryWeights[cat];
            ++cat;
        }
        const std::string category = kCategories[cat];
        const std::string domain = word(domain_of(), "d") + ".example";
        const std::string host = pick(3) == 0 ? word(pick(50), "w") + "." + domain : domain;
        const std::string p1 = word(pick(kUrlWords), "u");
        const std::string p2 = word(pick(kUrlWords), "u");
        const std::string url = "https://" + host + "/" + p1 + "/" + p2 + "-" + std::to_string(id);
        const int count = 1 + pick(5);  // mean 3 reports per case
        const std::int64_t first_seen = kNow - pick(365 * 86400);
        const std::int64_t last_seen = std::min<std::int64_t>(kNow, first_seen + pick(20 * 86400));
        const int sig = pick(100);
        const std::string signals = sig < 3   ? "ip_host"
                                    : sig < 5 ? "idn"
                                    : sig < 6 ? "userinfo"
                                              : "";
        const bool open = pick(10) < 7;
        const std::string status = open ? kOpenStatuses[pick(3)] : kClosedStatuses[pick(3)];
        const bool triaged = status != "received";
        sqlite3_bind_int64(ins_case, 1, id);
        const std::string hash = std::to_string(id) + "h";
        sqlite3_bind_text(ins_case, 2, hash.c_str(), -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(ins_case, 3, url.c_str(), -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(ins_case, 4, host.c_str(), -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(ins_case, 5, domain.c_str(), -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(ins_case, 6, category.c_str(), -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(ins_case, 7, status.c_str(), -1, SQLITE_TRANSIENT);
        sqlite3_bind_int64(ins_case, 8, last_seen);
        sqlite3_bind_int64(ins_case, 9, count);
        sqlite3_bind_int64(ins_case, 10, first_seen);
        sqlite3_bind_int64(ins_case, 11, last_seen);
        sqlite3_bind_text(ins_case, 12, signals.c_str(), -1, SQLITE_TRANSIENT);
        sqlite3_bind_int64(ins_case, 13, store::case_priority(category, count, signals, last_seen));
        sqlite3_bind_int64(ins_case, 14, open ? 1 : 0);
        sqlite3_bind_int64(ins_case, 15, category == "csam" ? 1 : 0);
        sqlite3_bind_int64(ins_case, 16, pick(5) == 0 ? 1 + pick(50) : 0);
        sqlite3_bind_int64(ins_case, 17, triaged ? first_seen + pick(86400) : 0);
        step(sq.db, ins_case, "insert case");
        const std::string url_terms = [&] {
            std::string t;
            for (const auto& w2 : app::url_words(url)) {
                t += w2 + " ";
            }
            return t;
        }();
        for (int r = 0; r < count; ++r) {
            ++report_id;
            const std::string code = "B" + std::to_string(report_id);
            sqlite3_bind_int64(ins_report, 1, report_id);
            sqlite3_bind_text(ins_report, 2, code.c_str(), -1, SQLITE_TRANSIENT);
            sqlite3_bind_int64(ins_report, 3, id);
            sqlite3_bind_text(ins_report, 4, category.c_str(), -1, SQLITE_TRANSIENT);
            sqlite3_bind_int64(ins_report, 5, first_seen);
            step(sq.db, ins_report, "insert report");
            sqlite3_bind_int64(ins_url, 1, report_id);
            sqlite3_bind_int64(ins_url, 2, id);
            step(sq.db, ins_url, "insert report url");
            std::string t = url_terms;
            for (int k = 0; k < 6; ++k) {
                t += text_tokens[static_cast<std::size_t>(pick(kTextWords))] + " ";
            }
            sqlite3_bind_int64(ins_search, 1, report_id);
            sqlite3_bind_text(ins_search, 2, t.c_str(), -1, SQLITE_TRANSIENT);
            sqlite3_bind_int64(ins_search, 3, id);
            step(sq.db, ins_search, "insert search row");
        }
        if (id % 100'000 == 0) {
            std::fprintf(stderr, "  %d cases, %lld reports, %.0f s\n", id,
                         static_cast<long long>(report_id),
                         std::chrono::duration<double>(Steady::now() - t0).count());
        }
    }
    for (auto* s : {ins_case, ins_report, ins_url, ins_search}) {
        sqlite3_finalize(s);
    }
    sq.exec("COMMIT");
    sq.exec("INSERT INTO report_search(report_search) VALUES ('optimize')");
    // No ANALYZE: production databases have no statistics either, and the queue's plans must
    // not depend on them.
}

struct Timing {
    std::string name;
    double p50 = 0;
    double p95 = 0;
    double cpu_p95 = 0;  ///< this thread's CPU time: what the query costs without contention
    std::size_t rows = 0;
};

double thread_cpu_ms() {
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) * 1e3 + static_cast<double>(ts.tv_nsec) / 1e6;
}

Timing time_query(const std::string& name, app::Queue& queue, const app::QueueForm& form,
                  const app::Principal& who, int iterations) {
    Timing t{name};
    std::vector<double> ms;
    std::vector<double> cpu;
    for (int i = 0; i < iterations; ++i) {
        const auto start = Steady::now();
        const double cpu_start = thread_cpu_ms();
        app::QueueFilter filter;
        if (!queue.parse(form, who, filter).empty()) {
            std::fprintf(stderr, "%s: the form does not parse\n", name.c_str());
            std::exit(1);
        }
        auto page = queue.page(filter);
        if (!page) {
            std::fprintf(stderr, "%s: %s\n", name.c_str(), page.error().message().c_str());
            std::exit(1);
        }
        ms.push_back(std::chrono::duration<double, std::milli>(Steady::now() - start).count());
        cpu.push_back(thread_cpu_ms() - cpu_start);
        t.rows = page.value().items.size();
    }
    std::sort(ms.begin(), ms.end());
    t.p50 = ms[ms.size() / 2];
    const auto p95 = std::min(ms.size() - 1, static_cast<std::size_t>(ms.size() * 0.95));
    t.p95 = ms[p95];
    std::sort(cpu.begin(), cpu.end());
    t.cpu_p95 = cpu[p95];
    return t;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2) {
        std::fprintf(stderr, "usage: %s DB_PATH [cases] [iterations]\n", argv[0]);
        return 2;
    }
    const std::string path = argv[1];
    const int cases = argc > 2 ? std::atoi(argv[2]) : 1'000'000;
    const int iterations = argc > 3 ? std::atoi(argv[3]) : 200;
    const app::SearchTerms terms(std::string(32, 'b'));

    bool complete = false;
    if (std::filesystem::exists(path)) {
        Sqlite sq(path);
        complete = sq.scalar("SELECT COUNT(*) FROM sqlite_master WHERE name = 'cases'") == 1 &&
                   sq.scalar("SELECT MAX(id) FROM cases") == cases;
    }
    if (!complete) {
        std::filesystem::remove(path);
        std::filesystem::remove(path + "-wal");
        std::filesystem::remove(path + "-shm");
        std::fprintf(stderr, "generating %d cases into %s…\n", cases, path.c_str());
        const auto t0 = Steady::now();
        generate(path, cases, terms);
        std::fprintf(stderr, "generated in %.0f s\n",
                     std::chrono::duration<double>(Steady::now() - t0).count());
    }
    std::int64_t n_cases = 0;
    std::int64_t n_reports = 0;
    {
        Sqlite sq(path);
        if (sq.scalar("SELECT COUNT(*) FROM sqlite_master WHERE name = 'sqlite_stat1'") == 1) {
            sq.exec("DELETE FROM sqlite_stat1");  // left by an earlier version of this bench
        }
        n_cases = sq.scalar("SELECT COUNT(*) FROM cases");
        n_reports = sq.scalar("SELECT COUNT(*) FROM reports");
    }

    auto db = store::open_sqlite({.path = path});
    if (!db) {
        std::fprintf(stderr, "cannot open %s\n", path.c_str());
        return 1;
    }
    store::Store st(*db.value());
    if (!st.migrate()) {  // a database generated by an older binary gains the newer indexes
        std::fprintf(stderr, "migration failed\n");
        return 1;
    }
    store::Queue sq(*db.value());
    core::SystemClock clock;
    app::Queue queue(sq, st, terms, clock);
    app::Principal op;
    op.operator_id = 7;
    op.role = "operator";
    app::Principal csam_op = op;
    csam_op.permissions = "csam";

    // A mid-frequency path word and a description word, and the busiest domain.
    const std::string url_word = word(1234, "u");
    const std::string text_word = word(321, "t");
    std::string busy_domain;
    {
        Sqlite raw(path);
        auto* s = raw.prepare(
            "SELECT registrable_domain FROM cases GROUP BY registrable_domain "
            "ORDER BY COUNT(*) DESC LIMIT 1");
        if (sqlite3_step(s) == SQLITE_ROW) {
            busy_domain = reinterpret_cast<const char*>(sqlite3_column_text(s, 0));
        }
        sqlite3_finalize(s);
    }
    std::string page5_cursor;
    {
        app::QueueForm f;
        for (int i = 0; i < 4; ++i) {
            app::QueueFilter filter;
            f.after = page5_cursor;
            (void)queue.parse(f, op, filter);
            page5_cursor = queue.page(filter).value().next;
        }
    }

    std::vector<Timing> timings;
    timings.push_back(time_query("first page (operator)", queue, {}, op, iterations));
    timings.push_back(time_query("first page (csam permission)", queue, {}, csam_op, iterations));
    timings.push_back(
        time_query("fifth page (keyset cursor)", queue, {.after = page5_cursor}, op, iterations));
    timings.push_back(time_query("search: category phishing + URL word", queue,
                                 {.category = "phishing", .q = url_word}, op, iterations));
    timings.push_back(
        time_query("search: description word", queue, {.q = text_word}, op, iterations));
    timings.push_back(time_query("search: fraud + word of every URL (example)", queue,
                                 {.category = "fraud", .q = "example"}, op, iterations));
    timings.push_back(time_query("filter: busiest domain (" + busy_domain + ")", queue,
                                 {.domain = busy_domain}, op, iterations));
    timings.push_back(time_query("filter: assigned to me", queue, {.mine = "1"}, op, iterations));

    double load[3] = {0, 0, 0};
    if (getloadavg(load, 3) == 3) {
        std::printf("load average %.2f on %u cores (wall times include waiting for a core)\n",
                    load[0], std::thread::hardware_concurrency());
    }
    std::printf("database: %s, %lld cases, %lld reports, %d iterations per query\n", path.c_str(),
                static_cast<long long>(n_cases), static_cast<long long>(n_reports), iterations);
    double worst = 0;
    for (const auto& t : timings) {
        std::printf("%-46s p50 %7.2f ms  p95 %7.2f ms  cpu p95 %6.2f ms  (%zu rows)\n",
                    t.name.c_str(), t.p50, t.p95, t.cpu_p95, t.rows);
        worst = std::max(worst, t.p95);
    }
    const double first = timings[0].p95;
    const double search = timings[3].p95;
    std::printf("goal: first queue page and a filtered search each under 50 ms at p95\n");
    std::printf("first page p95 %.2f ms, filtered search p95 %.2f ms, worst p95 above %.2f ms\n",
                first, search, worst);
    std::printf("ratio = worst p95 / 50 ms (below 1 = goal met)\n");
    std::printf("ratio: %.3f\n", worst / 50.0);
    return 0;
}
