#include "harness/run/interrupt.hpp"

#include <catch2/catch.hpp>
#include <csignal>

namespace convlab {

static void (*current_sigint_handler())(int) {
    void (*handler)(int) = std::signal(SIGINT, SIG_IGN);
    std::signal(SIGINT, handler);
    return handler;
}

TEST_CASE("the first SIGINT only raises the flag; the guard restores the previous handler", "[interrupt]") {
    void (*before)(int) = current_sigint_handler();
    {
        InterruptGuard guard;
        CHECK_FALSE(guard.requested());
        std::raise(SIGINT);  // caught: the test process goes on
        CHECK(guard.requested());
        // A second one would stop the process: the default action is back.
        CHECK(current_sigint_handler() == SIG_DFL);
    }
    CHECK(current_sigint_handler() == before);
    InterruptGuard fresh;
    CHECK_FALSE(fresh.requested());
}

}  // namespace convlab
