// Ctrl-C during a long command: the first SIGINT only raises a flag, which the
// command checks between cases, so the case running finishes, what is done is
// reported and nothing is lost; a second SIGINT stops at once (the default
// action), for a case that takes too long.
#pragma once

namespace convlab {

// Exit status of a command stopped by Ctrl-C (128 + SIGINT, as a shell reports it).
inline constexpr int interrupted_exit_status = 130;

// Catches SIGINT while it lives; restores the previous handler after.
class InterruptGuard {
public:
    InterruptGuard();
    ~InterruptGuard();
    InterruptGuard(const InterruptGuard&) = delete;
    InterruptGuard& operator=(const InterruptGuard&) = delete;

    // True once SIGINT arrived since this guard was made.
    bool requested() const;

private:
    void (*previous_)(int);
};

}  // namespace convlab
