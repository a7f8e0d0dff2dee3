// One thread count for OpenMP and OpenBLAS together.
#pragma once

namespace convlab {

// Sets OpenMP's and OpenBLAS's thread counts. A BLAS call made inside one of
// our own parallel regions runs single-threaded (OpenBLAS's OpenMP build does
// so by itself when omp_in_parallel()), so there is no oversubscription.
void set_threads(int n);
int max_threads();
// The cores of the machine (OpenMP's count of processors): the default thread count.
int all_cores();

}  // namespace convlab
