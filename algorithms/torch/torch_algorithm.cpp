// The torch algorithm as the registry sees it: name, contract, and prepare()
// through the libtorch module (torch.cpp, which describes what runs), loaded
// on first use from where the build put it (CONVLAB_TORCH_MODULE).
//
// Contract, measured with build/tests/tolerance_survey torch and convlab
// validate on the bundled shape sets (see the commit message for figures):
// exact on the checker's small integers (ATen's backends here, oneDNN and
// im2col + OpenBLAS GEMM, accumulate products in fp32 without transforms),
// and the same 1e-5 on real data as the oneDNN baselines.
#include <dlfcn.h>
#include <stdlib.h>

#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>

#include <fmt/format.h>

#include "algorithms/machine.hpp"
#include "algorithms/onednn/onednn_common.hpp"
#include "algorithms/threading.hpp"
#include "algorithms/torch/torch_module.hpp"

namespace convlab {

namespace {

// Beside the executable in the build tree, under lib/convlab of an install
// prefix, else where the build put it (a process that is not convlab's own,
// such as the Python module's interpreter).
std::string module_path() {
    std::error_code error;
    const std::filesystem::path exe = std::filesystem::read_symlink("/proc/self/exe", error);
    const std::filesystem::path name = std::filesystem::path(CONVLAB_TORCH_MODULE).filename();
    if (!error)
        for (const auto& candidate : {exe.parent_path() / name, exe.parent_path() / "../lib/convlab" / name})
            if (std::filesystem::is_regular_file(candidate, error)) return candidate.string();
    return CONVLAB_TORCH_MODULE;
}

// The module file's modification time, or nothing when it cannot be read.
std::optional<std::filesystem::file_time_type> modified(const std::string& path) {
    std::error_code error;
    const auto time = std::filesystem::last_write_time(path, error);
    return error ? std::nullopt : std::optional(time);
}

// Taken when the process starts (static initialisation), before any case runs.
const std::optional<std::filesystem::file_time_type> module_time_at_start = modified(module_path());

// libtorch under the process's ISA cap (machine.hpp): ATen reads
// ATEN_CPU_CAPABILITY when it first dispatches, so setting it before the
// module loads picks ATen's AVX2 kernels; its convolutions go to the system
// oneDNN, the library the onednn baselines load, capped once for both.
void cap_libtorch_isa() {
    const auto cap = latched_isa_cap();
    apply_isa_cap_to_onednn();
    if (cap) setenv("ATEN_CPU_CAPABILITY", *cap == Isa::avx2 ? "avx2" : "avx512", 1);
}

TorchPrepareFunction load_module() {
    static TorchPrepareFunction prepare = nullptr;
    static std::string error;
    static std::once_flag once;
    std::call_once(once, [] {
        cap_libtorch_isa();
        // Never closed: libtorch does not support being unloaded.
        const std::string path = module_path();
        if (module_time_at_start != modified(path)) {
            error = "torch: " + path + " changed since this process started (rebuilt?); run the command again";
            return;
        }
        void* module = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
        if (!module) {
            error = "torch: cannot load " + path + ": " + dlerror();
            return;
        }
        const auto interface = reinterpret_cast<TorchInterfaceFunction>(dlsym(module, torch_interface_symbol));
        if (!interface) {
            error = "torch: " + path + " has no " + torch_interface_symbol + " (built from other sources)";
            return;
        }
        if (error = interface_mismatch(this_side_interface(), interface()); !error.empty()) {
            error = "torch: " + path + ": " + error;
            return;
        }
        prepare = reinterpret_cast<TorchPrepareFunction>(dlsym(module, torch_prepare_symbol));
        if (!prepare) error = "torch: " + path + " has no " + torch_prepare_symbol;
    });
    if (!prepare) throw std::runtime_error(error);
    return prepare;
}

class Torch final : public Algorithm {
public:
    std::string_view name() const override { return "torch"; }
    std::string_view description() const override {
        return "PyTorch 1.13 ATen convolution through libtorch (CPU, fp32, NCHW or channels_last; ATen picks its "
               "backend)";
    }
    std::string_view family() const override { return "torch"; }
    Properties properties() const override { return {.baseline = true, .slow = false}; }
    // Every problem: torch.cpp poses asymmetric padding to torch's symmetric one.
    Prepared prepare(const Problem& p, Direction d, int threads) const override {
        return {std::unique_ptr<Primitive>(load_module()(p, d, threads, false)), {}};
    }
    // channels_last: activations and weights both NHWC-ordered, as
    // `model.to(memory_format=torch.channels_last)` holds them.
    std::vector<Layout> layouts() const override {
        return {Layout{}, {ActivationLayout::nhwc, WeightLayout::ohwi}};
    }

protected:
    Prepared prepare_layout(const Problem& p, Direction d, int threads, Layout) const override {
        return {std::unique_ptr<Primitive>(load_module()(p, d, threads, true)), {}};
    }
};

}  // namespace

std::string interface_mismatch(const TorchInterface& mine, const TorchInterface& module) {
    if (mine == module) return "";
    return fmt::format("built from other headers (sizes of Problem, ConvArgs, Primitive: {}, {}, {} here, {}, {}, {} "
                       "in the module); rebuild convlab",
                       mine.problem, mine.conv_args, mine.primitive, module.problem, module.conv_args,
                       module.primitive);
}

std::unique_ptr<Algorithm> make_torch() { return std::make_unique<Torch>(); }

}  // namespace convlab
