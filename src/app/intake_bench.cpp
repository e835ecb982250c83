// Intake without HTTP: validate + submit of one-URL reports on SQLite (synchronous=FULL) from
// several threads, to separate the cost of the durable write path from the server's.
#include <atomic>
#include <filesystem>
#include <random>

#include <benchmark/benchmark.h>

#include "app/intake.hpp"
#include "crypto/seal.hpp"
#include "store/database.hpp"
#include "store/sqlite/sqlite_database.hpp"
#include "store/store.hpp"

namespace segnala::app {
namespace {

struct Fixture {
    Fixture() {
        dir = std::filesystem::temp_directory_path() /
              ("segnala-intake-bench-" + std::to_string(std::random_device{}()));
        std::filesystem::create_directories(dir);
        db = store::open_sqlite({.path = (dir / "db").string()}).value();
        st = std::make_unique<store::Store>(*db);
        (void)st->migrate();
        intake = std::make_unique<Intake>(*st, sealer, clock);
    }
    ~Fixture() {
        intake.reset();
        st.reset();
        db->close();
        db.reset();
        std::filesystem::remove_all(dir);
    }
    std::filesystem::path dir;
    core::SystemClock clock;
    crypto::Sealer sealer = crypto::Sealer::in_memory_for_test();
    std::unique_ptr<store::Database> db;
    std::unique_ptr<store::Store> st;
    std::unique_ptr<Intake> intake;
};

Fixture* fixture = nullptr;
std::atomic<long> counter{0};

void BM_ValidateAndSubmit(benchmark::State& state) {
    if (state.thread_index() == 0) {
        fixture = new Fixture();
    }
    for (auto _ : state) {
        ReportForm f;
        f.category = "phishing";
        f.urls = {"https://login-" + std::to_string(counter++ % 5000) + ".example.com/a/b?x=1"};
        f.description = "SMS from a fake bank asking to confirm the account";
        Submission s;
        if (!fixture->intake->validate(f, s).empty()) {
            state.SkipWithError("validation failed");
            break;
        }
        if (!fixture->intake->submit(s, {})) {
            state.SkipWithError("submit failed");
            break;
        }
    }
    state.SetItemsProcessed(state.iterations());
    if (state.thread_index() == 0) {
        delete fixture;
        fixture = nullptr;
    }
}
BENCHMARK(BM_ValidateAndSubmit)->Threads(1)->Threads(8)->Threads(32)->UseRealTime();

// One thread, reports stored 256 to a transaction with new URLs: what the single writer can do
// when no thread hand-off is involved (the ceiling for any number of clients).
void BM_SubmitBatch256(benchmark::State& state) {
    Fixture f;
    std::vector<Submission> batch(256);
    long n = 0;
    for (auto _ : state) {
        for (auto& s : batch) {
            ReportForm form;
            form.category = "phishing";
            form.urls = {"https://batch-" + std::to_string(n++) + ".example.com/login?x=1"};
            form.description = "SMS from a fake bank asking to confirm the account";
            s = {};
            if (!f.intake->validate(form, s).empty()) {
                state.SkipWithError("validation failed");
                return;
            }
        }
        auto out = f.intake->submit_batch(batch, {}, "", "", [](const auto&) { return ""; });
        if (!out) {
            state.SkipWithError("submit failed");
            return;
        }
    }
    state.SetItemsProcessed(state.iterations() * static_cast<long>(batch.size()));
}
BENCHMARK(BM_SubmitBatch256)->UseRealTime();

void BM_ValidateOnly(benchmark::State& state) {
    Fixture f;
    ReportForm form;
    form.category = "phishing";
    form.urls = {"https://login.example.com/a/b?x=1"};
    for (auto _ : state) {
        Submission s;
        benchmark::DoNotOptimize(f.intake->validate(form, s));
    }
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ValidateOnly);

}  // namespace
}  // namespace segnala::app
