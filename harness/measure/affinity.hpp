// The CPUs this process may run on: taskset, numactl or a cgroup's cpuset can
// leave fewer than the machine's cores, and N threads on fewer than N CPUs
// time-share them, so every per-thread figure (peak, rows) is wrong.
#pragma once

#include <vector>

namespace convlab {

// CPUs in the process's affinity mask (sched_getaffinity); at least 1.
int usable_cpus();
// The CPU the calling thread runs on now (sched_getcpu); -1 when unknown.
int current_cpu();

}  // namespace convlab
