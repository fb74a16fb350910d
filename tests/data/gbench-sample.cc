// gbench-sample.cc: a tiny Google Benchmark program whose real output is
// tests/data/gbench-real.json (repetitions, aggregates, user counters, labels,
// an error row, the context with caches). Regenerate with (Debian libbenchmark-dev):
//   g++ -O2 tests/data/gbench-sample.cc -o /tmp/gbench-sample -lbenchmark -lpthread
//   /tmp/gbench-sample --benchmark_repetitions=9 --benchmark_min_time=0.02 \
//       --benchmark_format=json > tests/data/gbench-real.json
// (the contender file gbench-real-slower.json is the same run with SAMPLE_SLOW=1).
#include <benchmark/benchmark.h>
#include <cstdlib>
#include <vector>

static const int slow = std::getenv("SAMPLE_SLOW") ? 3 : 1;   // the contender does 3x the work at 256

static void BM_vector_push(benchmark::State &state) {
    long pushed = 0;
    for (auto _ : state) {
        std::vector<int> v;
        const long n = state.range(0) * (state.range(0) == 256 ? slow : 1);
        for (long i = 0; i < n; i++) v.push_back((int)i);
        benchmark::DoNotOptimize(v.data());
        pushed += (long)v.size();
    }
    state.counters["pushed"] = benchmark::Counter((double)pushed);
    state.counters["checksum"] = 12345;
    state.SetItemsProcessed(pushed);
    state.SetLabel("vector<int>");
}
BENCHMARK(BM_vector_push)->Arg(64)->Arg(256);

static void BM_fails(benchmark::State &state) {
    for (auto _ : state) {
        state.SkipWithError("the resource is missing");
        break;
    }
}
BENCHMARK(BM_fails);

BENCHMARK_MAIN();
