// A cold-cache helper for timing (the cache sizes are Machine's,
// algorithms/machine.hpp).
//
// XNNPACK's convolution benchmarks and benchdnn's --cold-cache time a call
// with the caches holding none of its data, as a layer of a network sees it
// after the previous layers ran. CacheFlusher evicts by touching a buffer of
// twice the last-level cache: read-modify-writing every line of it leaves the
// caches full of the buffer's dirty lines, so the next call's data come from
// memory (and it pays for writing some of those lines back, as a real layer
// after a real one would). Call flush() outside the timed region.
#pragma once

#include <cstdint>
#include <memory>

namespace convlab {

class CacheFlusher {
public:
    // 2 x this_machine().last_level_bytes, flushed with `threads` OpenMP threads.
    explicit CacheFlusher(int threads);
    // An explicit size (rounded up to whole 64-byte lines), for tests.
    CacheFlusher(int threads, int64_t bytes);

    int64_t bytes() const { return lines_ * line_bytes; }
    int threads() const { return threads_; }

    // Reads and increments one word of every line; returns the sum of the
    // words read: lines x (flushes before this one), so a skipped line shows.
    uint64_t flush();

    static constexpr int64_t line_bytes = 64;

private:
    struct AlignedDelete {
        void operator()(uint64_t* p) const;
    };
    int threads_;
    int64_t lines_;
    std::unique_ptr<uint64_t[], AlignedDelete> words_;
};

}  // namespace convlab
