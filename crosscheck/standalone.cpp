#include "crosscheck/standalone.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <random>
#include <vector>

#include <nlohmann/json.hpp>

namespace convlab::crosscheck {

namespace {

[[noreturn]] void usage_error(const char* program, const std::string& why) {
    std::fprintf(stderr, "%s: %s\nusage: %s DESCRIPTOR fwd|bwd_d|bwd_w THREADS REPETITIONS MIN_TIME_S\n", program,
                 why.c_str(), program);
    std::exit(2);
}

long positive(const char* program, const char* text, const char* what) {
    char* end = nullptr;
    const long value = std::strtol(text, &end, 10);
    if (!*text || *end || value < 1) usage_error(program, std::string(what) + " must be a positive integer: " + text);
    return value;
}

}  // namespace

Request parse_request(int argc, char** argv, const char* program) {
    if (argc != 6) usage_error(program, "expected 5 arguments");
    Request r;
    try {
        r.problem = Problem::parse(argv[1]);
        r.direction = parse_direction(argv[2]);
    } catch (const std::exception& e) {
        usage_error(program, e.what());
    }
    r.threads = int(positive(program, argv[3], "THREADS"));
    r.repetitions = int(positive(program, argv[4], "REPETITIONS"));
    char* end = nullptr;
    r.min_time_s = std::strtod(argv[5], &end);
    if (!*argv[5] || *end || !(r.min_time_s > 0)) usage_error(program, std::string("bad MIN_TIME_S: ") + argv[5]);
    return r;
}

CallTimes time_calls(const std::function<void()>& call, int repetitions, double min_time_s) {
    using clock = std::chrono::steady_clock;
    call();  // warm-up: first-touch, JIT, caches
    std::vector<double> means;
    for (int rep = 0; rep < repetitions; ++rep) {
        const auto start = clock::now();
        long calls = 0;
        double elapsed = 0;
        do {
            call();
            ++calls;
            elapsed = std::chrono::duration<double>(clock::now() - start).count();
        } while (elapsed < min_time_s);
        means.push_back(elapsed * 1e3 / double(calls));
    }
    std::sort(means.begin(), means.end());
    const size_t n = means.size();
    return {n % 2 ? means[n / 2] : 0.5 * (means[n / 2 - 1] + means[n / 2]), means.front()};
}

static nlohmann::json identity(const char* library, const Request& r) {
    return {{"library", library},
            {"descriptor", r.problem.str()},
            {"direction", std::string(to_string(r.direction))},
            {"threads", r.threads}};
}

void print_result(const char* library, const Request& r, const CallTimes& times, const std::string& implementation) {
    nlohmann::json j = identity(library, r);
    j["median_ms"] = times.median_ms;
    j["min_ms"] = times.min_ms;
    j["repetitions"] = r.repetitions;
    j["implementation"] = implementation;
    std::printf("%s\n", j.dump().c_str());
}

void print_declined(const char* library, const Request& r, const std::string& why) {
    nlohmann::json j = identity(library, r);
    j["declined"] = why;
    std::printf("%s\n", j.dump().c_str());
}

void fill_uniform(float* data, long long count, unsigned seed) {
    std::mt19937 generator(seed);
    std::uniform_real_distribution<float> uniform(-1.0f, 1.0f);
    for (long long i = 0; i < count; ++i) data[i] = uniform(generator);
}

}  // namespace convlab::crosscheck
