#include "algorithms/registry.hpp"

namespace convlab {

// Each algorithm file defines its class and one factory.
std::unique_ptr<Algorithm> make_naive();
std::unique_ptr<Algorithm> make_im2col_gemm();
std::unique_ptr<Algorithm> make_im2col_gemm_fullconv();
std::unique_ptr<Algorithm> make_stride_view();
std::unique_ptr<Algorithm> make_winograd_f2x3();
std::unique_ptr<Algorithm> make_winograd_f4x3();
std::unique_ptr<Algorithm> make_winograd_f6x3();
std::unique_ptr<Algorithm> make_fft();
std::unique_ptr<Algorithm> make_direct();
std::unique_ptr<Algorithm> make_direct_native();
std::unique_ptr<Algorithm> make_indirect();
std::unique_ptr<Algorithm> make_onednn();
std::unique_ptr<Algorithm> make_onednn_blocked();
std::unique_ptr<Algorithm> make_onednn_native();
std::unique_ptr<Algorithm> make_onednn_winograd();
std::unique_ptr<Algorithm> make_xnnpack();
std::unique_ptr<Algorithm> make_libxsmm();
#ifdef CONVLAB_HAVE_TORCH
std::unique_ptr<Algorithm> make_torch();
#endif
std::unique_ptr<Algorithm> make_reference();

const std::vector<std::unique_ptr<Algorithm>>& registry() {
    static const auto algorithms = [] {
        std::vector<std::unique_ptr<Algorithm>> list;
        list.push_back(make_naive());
        list.push_back(make_im2col_gemm());
        list.push_back(make_im2col_gemm_fullconv());
        list.push_back(make_stride_view());
        list.push_back(make_winograd_f2x3());
        list.push_back(make_winograd_f4x3());
        list.push_back(make_winograd_f6x3());
        list.push_back(make_fft());
        list.push_back(make_direct());
        list.push_back(make_direct_native());
        list.push_back(make_indirect());
        list.push_back(make_onednn());
        list.push_back(make_onednn_blocked());
        list.push_back(make_onednn_native());
        list.push_back(make_onednn_winograd());
        list.push_back(make_xnnpack());
        list.push_back(make_libxsmm());
#ifdef CONVLAB_HAVE_TORCH
        list.push_back(make_torch());
#endif
        list.push_back(make_reference());  // last, as in oneDNN's list
        return list;
    }();
    return algorithms;
}

const Algorithm* find_algorithm(std::string_view name) {
    for (const auto& algorithm : registry())
        if (algorithm->name() == name) return algorithm.get();
    return nullptr;
}

const Algorithm& reference_algorithm() { return *find_algorithm("reference"); }

}  // namespace convlab
