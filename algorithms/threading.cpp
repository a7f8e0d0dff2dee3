#include "algorithms/threading.hpp"

#include <cblas.h>
#include <omp.h>

namespace convlab {

void set_threads(int n) {
    omp_set_num_threads(n);
    openblas_set_num_threads(n);
}

int max_threads() { return omp_get_max_threads(); }

int all_cores() { return omp_get_num_procs(); }

}  // namespace convlab
