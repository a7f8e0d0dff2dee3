#include "harness/run/interrupt.hpp"

#include <csignal>

namespace convlab {
namespace {

volatile std::sig_atomic_t interrupt_requested = 0;

// extern "C" names share one namespace: this one must not clash with another file's.
extern "C" void convlab_raise_interrupt_flag(int) {
    interrupt_requested = 1;
    std::signal(SIGINT, SIG_DFL);  // a second Ctrl-C stops at once
}

}  // namespace

InterruptGuard::InterruptGuard() {
    interrupt_requested = 0;
    previous_ = std::signal(SIGINT, convlab_raise_interrupt_flag);
}

InterruptGuard::~InterruptGuard() { std::signal(SIGINT, previous_); }

bool InterruptGuard::requested() const { return interrupt_requested != 0; }

}  // namespace convlab
