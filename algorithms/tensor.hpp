// A dense fp32 tensor, 64-byte aligned, with 64-bit sizes, row-major.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

namespace convlab {

struct AlignedFree {
    void operator()(void* p) const noexcept;
};

// Zero-initialised, 64-byte-aligned storage of `count` bytes' worth of floats.
std::unique_ptr<float[], AlignedFree> aligned_floats(int64_t count);

class Tensor {
public:
    Tensor() = default;
    explicit Tensor(std::vector<int64_t> dims);  // zero-filled

    const std::vector<int64_t>& dims() const { return dims_; }
    int64_t size() const { return size_; }
    float* data() { return data_.get(); }
    const float* data() const { return data_.get(); }
    float& operator[](int64_t i) { return data_[i]; }
    float operator[](int64_t i) const { return data_[i]; }
    void fill(float value);

private:
    std::vector<int64_t> dims_;
    int64_t size_ = 0;
    std::unique_ptr<float[], AlignedFree> data_;
};

// Product of dims, throwing std::overflow_error when it does not fit in int64_t.
int64_t element_count(const std::vector<int64_t>& dims);

}  // namespace convlab
