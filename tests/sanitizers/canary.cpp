// Proof that the sanitizer build really reports: each mode commits one fault
// that AddressSanitizer, UndefinedBehaviorSanitizer or LeakSanitizer must
// catch, print and turn into a non-zero exit. Built and run (expecting the
// failure) only with -DCONVLAB_SANITIZE=ON; without it the faults go unseen.
//
//   canary heap-overflow | signed-overflow | leak
#include <cstdio>
#include <cstdlib>
#include <cstring>

int main(int argc, char** argv) {
    if (argc != 2) return 64;
    // volatile: the compiler may not prove the faults away.
    volatile int index = 4;
    if (std::strcmp(argv[1], "heap-overflow") == 0) {
        // A size unknown at compile time, or UBSan's object-size check would
        // catch the overflow before AddressSanitizer does.
        volatile int size = 4;
        int* values = new int[size];
        values[index] = 1;  // one past the end
        std::printf("%d\n", values[index]);
        delete[] values;
        return 0;
    }
    if (std::strcmp(argv[1], "signed-overflow") == 0) {
        volatile int big = 2147483647;
        int sum = big + index;  // overflows int
        std::printf("%d\n", sum);
        return 0;
    }
    if (std::strcmp(argv[1], "leak") == 0) {
        void* volatile lost = std::malloc(4096);
        std::printf("%p\n", lost);
        lost = nullptr;
        return 0;
    }
    return 64;
}
