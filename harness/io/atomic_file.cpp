#include "harness/io/atomic_file.hpp"

#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <string>
#include <system_error>

namespace convlab {
namespace {

// ".NAME.tmp-PID-N" beside the target: hidden, unique per process and call, so
// concurrent writers (threads or processes) never share a temporary.
std::filesystem::path temporary_beside(const std::filesystem::path& path) {
    static std::atomic<unsigned long> counter{0};
    std::string name = "." + path.filename().string() + ".tmp-" + std::to_string(::getpid()) + "-" +
                       std::to_string(counter.fetch_add(1));
    return path.parent_path() / name;
}

void remove_quietly(const std::filesystem::path& path) {
    std::error_code ignored;
    std::filesystem::remove(path, ignored);
}

}  // namespace

void write_file_atomically(const std::filesystem::path& path,
                           const std::function<void(std::ostream&)>& write) {
    if (path.filename().empty())
        throw FileWriteError("cannot write '" + path.string() + "': not a file name");
    const std::filesystem::path temporary = temporary_beside(path);
    try {
        {
            std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
            if (!out)
                throw FileWriteError("cannot write '" + path.string() + "': cannot create '" +
                                     temporary.string() + "': " + std::strerror(errno));
            write(out);
            out.flush();
            if (!out)
                throw FileWriteError("cannot write '" + path.string() + "': write to '" +
                                     temporary.string() + "' failed");
            out.close();
            if (out.fail())
                throw FileWriteError("cannot write '" + path.string() + "': closing '" +
                                     temporary.string() + "' failed");
        }
        std::error_code error;
        std::filesystem::rename(temporary, path, error);
        if (error)
            throw FileWriteError("cannot write '" + path.string() + "': rename from '" +
                                 temporary.string() + "' failed: " + error.message());
    } catch (...) {
        remove_quietly(temporary);
        throw;
    }
}

}  // namespace convlab
