// Throughput of image intake on a 1600 x 1004 photo: decode alone, one preview, and the whole
// process_upload (sniff, decode, plain and blurred previews).
#include <benchmark/benchmark.h>

#include "media/intake.hpp"
#include "media/test_images.hpp"

namespace segnala::media {
namespace {

const std::string& bridge_jpeg() {
    static const std::string bytes =
        testing::read_file(testing::pdq_dir() / "images/reg-test-input/dih/bridge-1-original.jpg");
    return bytes;
}

const std::string& bridge_png() {
    static const std::string bytes =
        testing::read_file(testing::pdq_dir() / "images/misc-images/modes/P.png");
    return bytes;
}

void BM_DecodeJpeg(benchmark::State& state) {
    for (auto _ : state) {
        benchmark::DoNotOptimize(decode_image(bridge_jpeg(), ImageType::jpeg, {}));
    }
}
BENCHMARK(BM_DecodeJpeg)->Unit(benchmark::kMillisecond);

void BM_DecodePalettePng(benchmark::State& state) {
    for (auto _ : state) {
        benchmark::DoNotOptimize(decode_image(bridge_png(), ImageType::png, {}));
    }
}
BENCHMARK(BM_DecodePalettePng)->Unit(benchmark::kMillisecond);

void BM_BlurredPreview(benchmark::State& state) {
    const Image image = decode_image(bridge_jpeg(), ImageType::jpeg, {}).value();
    for (auto _ : state) {
        benchmark::DoNotOptimize(make_preview(image, kBlurredPreview));
    }
}
BENCHMARK(BM_BlurredPreview)->Unit(benchmark::kMillisecond);

void BM_ProcessUpload(benchmark::State& state) {
    for (auto _ : state) {
        benchmark::DoNotOptimize(process_upload(bridge_jpeg(), {}));
    }
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ProcessUpload)->Unit(benchmark::kMillisecond)->Threads(1)->Threads(2);

}  // namespace
}  // namespace segnala::media
