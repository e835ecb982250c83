// Times segnala::url::canonicalize against libcurl's URL API (parse + normalize + print) on
// the same corpus, one core, and prints both rates and their ratio (last line).
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include <curl/curl.h>

#include "url/canonicalize.hpp"

namespace {

using Clock = std::chrono::steady_clock;

template <class F>
double best_rate(const std::vector<std::string>& corpus, int rounds, F&& run_once) {
    double best = 0;
    for (int r = 0; r < rounds; ++r) {
        auto start = Clock::now();
        run_once();
        double seconds = std::chrono::duration<double>(Clock::now() - start).count();
        best = std::max(best, static_cast<double>(corpus.size()) / seconds);
    }
    return best;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2) {
        std::cerr << "usage: " << argv[0] << " corpus.txt\n";
        return 2;
    }
    std::ifstream file(argv[1]);
    std::vector<std::string> corpus;
    for (std::string line; std::getline(file, line);) {
        corpus.push_back(line);
    }
    std::size_t ours_ok = 0;
    std::size_t ours_bytes = 0;
    segnala::url::CanonicalUrl url;
    double ours = best_rate(corpus, 5, [&] {
        ours_ok = 0;
        for (const auto& line : corpus) {
            if (segnala::url::canonicalize(line, url)) {
                ++ours_ok;
                ours_bytes += url.url.size();
            }
        }
    });

    curl_global_init(CURL_GLOBAL_DEFAULT);
    CURLU* handle = curl_url();
    std::size_t curl_ok = 0;
    std::size_t curl_bytes = 0;
    const unsigned flags = CURLU_NON_SUPPORT_SCHEME | CURLU_URLENCODE | CURLU_DEFAULT_SCHEME;
    double curl = best_rate(corpus, 5, [&] {
        curl_ok = 0;
        for (const auto& line : corpus) {
            if (curl_url_set(handle, CURLUPART_URL, line.c_str(), flags) != CURLUE_OK) {
                continue;
            }
            char* out = nullptr;
            if (curl_url_get(handle, CURLUPART_URL, &out, 0) == CURLUE_OK) {
                ++curl_ok;
                curl_bytes += std::char_traits<char>::length(out);
                curl_free(out);
            }
        }
    });
    curl_url_cleanup(handle);
    curl_global_cleanup();

    std::printf("corpus: %zu URLs from %s\n", corpus.size(), argv[1]);
    std::printf("segnala canonicalize: %.0f URLs/s (%zu canonical, %zu rejected)\n", ours, ours_ok,
                corpus.size() - ours_ok);
    std::printf("libcurl curl_url:     %.0f URLs/s (%zu parsed, %zu rejected)\n", curl, curl_ok,
                corpus.size() - curl_ok);
    std::printf("checksum: %zu %zu\n", ours_bytes, curl_bytes);
    std::printf("ratio: %.2f\n", ours / curl);
    return 0;
}
