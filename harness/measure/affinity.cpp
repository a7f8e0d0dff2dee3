#include "harness/measure/affinity.hpp"

#include <sched.h>

namespace convlab {

int usable_cpus() {
    cpu_set_t set;
    CPU_ZERO(&set);
    if (sched_getaffinity(0, sizeof(set), &set) != 0) return 1;
    const int count = CPU_COUNT(&set);
    return count > 0 ? count : 1;
}

int current_cpu() { return sched_getcpu(); }

}  // namespace convlab
