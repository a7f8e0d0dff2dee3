// libFuzzer target: read_npy on arbitrary bytes. Whatever it accepts must have
// as many elements as its shape says, and must survive write_npy / read_npy
// bit for bit.
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>

#include "harness/io/npy.hpp"

namespace {

std::filesystem::path scratch(const char* name) {
    return std::filesystem::temp_directory_path() /
           ("convlab_fuzz_npy_" + std::to_string(::getpid()) + "_" + name + ".npy");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    static const std::filesystem::path input = scratch("in"), output = scratch("out");
    {
        std::ofstream out(input, std::ios::binary | std::ios::trunc);
        out.write(reinterpret_cast<const char*>(data), std::streamsize(size));
        if (!out) std::abort();
    }
    convlab::Tensor tensor;
    try {
        tensor = convlab::read_npy(input);
    } catch (const convlab::NpyError&) {
        return 0;
    }
    if (tensor.size() != convlab::element_count(tensor.dims())) std::abort();
    convlab::write_npy(output, tensor);
    const convlab::Tensor again = convlab::read_npy(output);
    if (again.dims() != tensor.dims()) std::abort();
    if (std::memcmp(again.data(), tensor.data(), size_t(tensor.size()) * sizeof(float)) != 0) std::abort();
    return 0;
}
