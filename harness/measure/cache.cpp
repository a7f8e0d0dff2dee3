#include "harness/measure/cache.hpp"

#include "algorithms/machine.hpp"

#include <new>
#include <stdexcept>
#include <string>

namespace convlab {

namespace {

constexpr int64_t words_per_line = CacheFlusher::line_bytes / int64_t(sizeof(uint64_t));

}  // namespace

void CacheFlusher::AlignedDelete::operator()(uint64_t* p) const {
    ::operator delete[](p, std::align_val_t(line_bytes));
}

CacheFlusher::CacheFlusher(int threads) : CacheFlusher(threads, 2 * this_machine().last_level_bytes) {}

CacheFlusher::CacheFlusher(int threads, int64_t bytes) : threads_(threads), lines_((bytes + line_bytes - 1) / line_bytes) {
    if (threads < 1) throw std::invalid_argument("CacheFlusher: threads must be >= 1, got " + std::to_string(threads));
    if (bytes < 1) throw std::invalid_argument("CacheFlusher: bytes must be >= 1, got " + std::to_string(bytes));
    const size_t words = size_t(lines_ * words_per_line);
    words_.reset(static_cast<uint64_t*>(::operator new[](words * sizeof(uint64_t), std::align_val_t(line_bytes))));
    uint64_t* w = words_.get();
    // Each thread first-touches the part it will flush (its NUMA node's memory).
#pragma omp parallel for num_threads(threads_) schedule(static)
    for (int64_t line = 0; line < lines_; ++line)
        for (int64_t k = 0; k < words_per_line; ++k) w[line * words_per_line + k] = 0;
}

uint64_t CacheFlusher::flush() {
    uint64_t* w = words_.get();
    uint64_t sum = 0;
#pragma omp parallel for num_threads(threads_) schedule(static) reduction(+ : sum)
    for (int64_t line = 0; line < lines_; ++line) {
        uint64_t& word = w[line * words_per_line];
        sum += word;
        word = word + 1;
    }
    return sum;
}

}  // namespace convlab
