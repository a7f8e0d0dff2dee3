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

#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>

#include "algorithms/threading.hpp"
#include "algorithms/torch/torch_module.hpp"

namespace convlab {

namespace {

TorchPrepareFunction load_module() {
    static TorchPrepareFunction prepare = nullptr;
    static std::string error;
    static std::once_flag once;
    std::call_once(once, [] {
        // Never closed: libtorch does not support being unloaded.
        void* module = dlopen(CONVLAB_TORCH_MODULE, RTLD_NOW | RTLD_LOCAL);
        if (!module) {
            error = std::string("torch: cannot load ") + CONVLAB_TORCH_MODULE + ": " + dlerror();
            return;
        }
        prepare = reinterpret_cast<TorchPrepareFunction>(dlsym(module, torch_prepare_symbol));
        if (!prepare) error = std::string("torch: ") + CONVLAB_TORCH_MODULE + " has no " + torch_prepare_symbol;
    });
    if (!prepare) throw std::runtime_error(error);
    return prepare;
}

class Torch final : public Algorithm {
public:
    std::string_view name() const override { return "torch"; }
    std::string_view description() const override {
        return "PyTorch 1.13 ATen convolution through libtorch (CPU, fp32, NCHW; ATen picks its backend)";
    }
    // Every problem: torch.cpp poses asymmetric padding to torch's symmetric one.
    std::string decline_reason(const Problem&, Direction) const override { return {}; }
    bool exact_on_integers() const override { return true; }
    double tolerance() const override { return 1e-5; }

    std::unique_ptr<Primitive> prepare(const Problem& p, Direction d) const override {
        return std::unique_ptr<Primitive>(load_module()(p, d, max_threads()));
    }
    void run(const Problem& p, Direction d, const ConvArgs& args) const override { prepare(p, d)->execute(args); }
};

}  // namespace

std::unique_ptr<Algorithm> make_torch() { return std::make_unique<Torch>(); }

}  // namespace convlab
