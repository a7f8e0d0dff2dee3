#include "harness/io/metadata.hpp"

#include <cblas.h>
#include <cpuinfo.h>
#include <openblas_config.h>

#include <chrono>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string_view>
#include <thread>

#include "algorithms/onednn/onednn_common.hpp"
#include "algorithms/registry.hpp"
#include "harness/io/atomic_file.hpp"
#include "source_state.hpp"  // generated in the build tree by cmake/source_state.cmake

namespace convlab {
namespace {

nlohmann::json cache_json(const cpuinfo_cache* cache, uint32_t count) {
    if (!cache || count == 0) return nullptr;
    return {{"size_bytes", cache->size}, {"count", count}, {"line_bytes", cache->line_size},
            {"associativity", cache->associativity}, {"shared_by_processors", cache->processor_count}};
}

// The kernel's "model name" line, fuller than cpuinfo's package name.
std::string proc_cpuinfo_model_name() {
    std::ifstream in("/proc/cpuinfo");
    for (std::string line; std::getline(in, line);)
        if (line.rfind("model name", 0) == 0 && line.find(':') != std::string::npos)
            return line.substr(line.find(':') + 2);
    return {};
}

nlohmann::json cpu_json() {
    nlohmann::json cpu;
    cpu["model_name"] = proc_cpuinfo_model_name();
    cpu["hardware_concurrency"] = std::thread::hardware_concurrency();
    if (!cpuinfo_initialize()) {
        cpu["error"] = "cpuinfo_initialize failed";
        return cpu;
    }
    const cpuinfo_package* package = cpuinfo_get_package(0);
    cpu["model"] = package ? std::string(package->name) : "";
    cpu["packages"] = cpuinfo_get_packages_count();
    cpu["cores"] = cpuinfo_get_cores_count();
    cpu["processors"] = cpuinfo_get_processors_count();
    cpu["caches"] = {
        {"l1d", cache_json(cpuinfo_get_l1d_cache(0), cpuinfo_get_l1d_caches_count())},
        {"l2", cache_json(cpuinfo_get_l2_cache(0), cpuinfo_get_l2_caches_count())},
        {"l3", cache_json(cpuinfo_get_l3_cache(0), cpuinfo_get_l3_caches_count())},
    };
    const std::pair<const char*, bool> flags[] = {
        {"sse4_2", cpuinfo_has_x86_sse4_2()},         {"avx", cpuinfo_has_x86_avx()},
        {"fma3", cpuinfo_has_x86_fma3()},             {"avx2", cpuinfo_has_x86_avx2()},
        {"avx512f", cpuinfo_has_x86_avx512f()},       {"avx512cd", cpuinfo_has_x86_avx512cd()},
        {"avx512dq", cpuinfo_has_x86_avx512dq()},     {"avx512bw", cpuinfo_has_x86_avx512bw()},
        {"avx512vl", cpuinfo_has_x86_avx512vl()},     {"avx512_vnni", cpuinfo_has_x86_avx512vnni()},
        {"avx512_bf16", cpuinfo_has_x86_avx512bf16()},
    };
    nlohmann::json isa = nlohmann::json::object();
    for (const auto& [name, present] : flags) isa[name] = present;
    cpu["isa"] = isa;
    return cpu;
}

std::string trimmed(std::string s) {
    while (!s.empty() && s.front() == ' ') s.erase(s.begin());
    while (!s.empty() && s.back() == ' ') s.pop_back();
    return s;
}

nlohmann::json openblas_json() {
    const char* corename = openblas_get_corename();
    const char* config = openblas_get_config();
    return {{"version", trimmed(OPENBLAS_VERSION)},
            {"corename", corename ? corename : ""},
            {"config", config ? trimmed(config) : ""},
            {"parallel", openblas_get_parallel()},  // 0 sequential, 1 pthreads, 2 OpenMP
            {"num_threads", openblas_get_num_threads()}};
}

nlohmann::json onednn_json() {
    return {{"version", onednn_version()}, {"cpu_runtime", onednn_cpu_runtime()}};
}

// Recorded when the binary was built, not read from the source tree now: an
// installed binary may run where that tree is gone, moved or changed since.
nlohmann::json git_json() {
    if (std::string_view(source_state::commit) == "unknown")
        return {{"commit", "unknown"}, {"dirty", nullptr}, {"dirty_paths", nlohmann::json::array()}};
    nlohmann::json paths = nlohmann::json::array();
    std::istringstream lines(source_state::dirty_paths);
    for (std::string line; std::getline(lines, line);)
        if (!line.empty()) paths.push_back(line);
    return {{"commit", source_state::commit}, {"dirty", !paths.empty()}, {"dirty_paths", paths}};
}

std::string utc_now_iso8601() {
    const std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
    std::tm utc{};
    ::gmtime_r(&now, &utc);
    char text[32];
    std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc);
    return text;
}

}  // namespace

std::string environment_value(const char* name) {
    const char* value = std::getenv(name);
    return value ? value : "unset";
}

std::string process_command_line() {
    std::ifstream in("/proc/self/cmdline", std::ios::binary);
    std::string raw{std::istreambuf_iterator<char>(in), {}};
    while (!raw.empty() && raw.back() == '\0') raw.pop_back();
    for (char& c : raw)
        if (c == '\0') c = ' ';
    return raw;
}

nlohmann::json algorithms_json() {
    const Problem probe = Problem::parse(list_probe_problem);
    nlohmann::json list = nlohmann::json::array();
    for (const auto& algorithm : registry()) {
        nlohmann::json directions = nlohmann::json::array();
        for (Direction d : all_directions)
            if (algorithm->prepare(probe, d, 1)) directions.push_back(to_string(d));
        const Contract contract = algorithm->contract();
        const Properties properties = algorithm->properties();
        nlohmann::json layouts = nlohmann::json::array();
        for (const Layout& layout : algorithm->layouts()) layouts.push_back(to_string(layout));
        list.push_back({{"name", algorithm->name()},
                        {"family", algorithm->family()},
                        {"description", algorithm->description()},
                        {"directions", directions},
                        {"exact", contract.exact_on_integers},
                        {"tolerance", contract.tolerance},
                        {"mixes_neighbours", contract.mixes_neighbours},
                        {"baseline", properties.baseline},
                        {"slow", properties.slow},
                        {"layouts", layouts}});
    }
    return list;
}

nlohmann::json machine_metadata() {
    nlohmann::json meta;
    meta["cpu"] = cpu_json();
    meta["compiler"] = {{"version", __VERSION__}, {"flags", CONVLAB_CXX_FLAGS}, {"built", __DATE__ " " __TIME__}};
    meta["openblas"] = openblas_json();
    meta["onednn"] = onednn_json();
    nlohmann::json environment = nlohmann::json::object();
    for (const char* name : {"OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE", "OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS",
                             "OMP_PROC_BIND", "OMP_PLACES", "DNNL_MAX_CPU_ISA"})
        environment[name] = environment_value(name);
    meta["environment"] = environment;
    meta["git"] = git_json();
    meta["date"] = utc_now_iso8601();
    meta["command_line"] = process_command_line();
    return meta;
}

std::filesystem::path metadata_path_for(const std::filesystem::path& results) {
    std::filesystem::path path = results;
    return path.replace_extension(".meta.json");
}

void write_json_file(const std::filesystem::path& path, const nlohmann::json& json) {
    write_file_atomically(path, [&](std::ostream& out) { out << json.dump(2) << '\n'; });
}

}  // namespace convlab
