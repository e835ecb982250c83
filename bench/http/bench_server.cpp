// Minimal server for bench/http/run: GET /bench answers a fixed ~100-byte body, inline on the
// I/O thread. Usage: bench_server <port> [io_threads]
#include <cstdio>
#include <cstdlib>
#include <string>

#include "core/clock.hpp"
#include "http/metrics.hpp"
#include "http/router.hpp"
#include "http/server.hpp"

int main(int argc, char** argv) {
    using namespace segnala::http;
    if (argc < 2) {
        std::fprintf(stderr, "usage: %s <port> [io_threads]\n", argv[0]);
        return 2;
    }
    const std::string body(100, 'x');
    Router router;
    router.add("GET", "/bench", [&body](Request&) { return Response::text(200, body); },
               {.run_inline = true});
    Metrics metrics;
    ServerSettings settings;
    settings.port = static_cast<std::uint16_t>(std::atoi(argv[1]));
    settings.io_threads = argc > 2 ? std::atoi(argv[2]) : 1;
    settings.worker_threads = 1;
    segnala::core::SystemClock clock;  // Date header, as nginx sends one
    settings.clock = &clock;
    Server server(settings, router, metrics);
    std::printf("listening on %u\n", server.start());
    std::fflush(stdout);
    server.run_until_signal();
    return 0;
}
