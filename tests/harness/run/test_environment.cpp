// The environment check every command and Python call starts with
// (harness/run/environment.hpp): each CONVLAB_* variable convlab reads is
// refused, naming it, when its value is bad, and accepted when good or unset.
#include "harness/run/environment.hpp"

#include <catch2/catch.hpp>
#include <cstdlib>
#include <optional>
#include <string>

#include "algorithms/settings.hpp"

using namespace convlab;

namespace {

// Sets (or with nullptr unsets) an environment variable for the scope.
class ScopedVariable {
public:
    ScopedVariable(const char* name, const char* value) : name_(name) {
        if (const char* old = std::getenv(name)) before_ = old;
        if (value) setenv(name, value, 1);
        else unsetenv(name);
    }
    ~ScopedVariable() {
        if (before_) setenv(name_, before_->c_str(), 1);
        else unsetenv(name_);
    }

private:
    const char* name_;
    std::optional<std::string> before_;
};

}  // namespace

TEST_CASE("the environment check accepts unset, empty and good values", "[environment]") {
    for (const char* value : {static_cast<const char*>(nullptr), "", "scalar"}) {
        ScopedVariable isa("CONVLAB_ISA", value);
        ScopedVariable shapes("CONVLAB_SHAPES_DIR", nullptr);
        CHECK_NOTHROW(check_environment_settings());
    }
}

TEST_CASE("the environment check refuses a bad CONVLAB_ISA, naming it", "[environment]") {
    ScopedVariable isa("CONVLAB_ISA", "avx1024");
    CHECK_THROWS_AS(check_environment_settings(), SettingError);
    CHECK_THROWS_WITH(check_environment_settings(), Catch::StartsWith("CONVLAB_ISA: got 'avx1024', expected "));
}

TEST_CASE("the environment check refuses a CONVLAB_SHAPES_DIR that is no directory, naming it", "[environment]") {
    ScopedVariable isa("CONVLAB_ISA", nullptr);
    ScopedVariable shapes("CONVLAB_SHAPES_DIR", "/nonexistent/convlab/shapes");
    CHECK_THROWS_AS(check_environment_settings(), SettingError);
    CHECK_THROWS_WITH(check_environment_settings(),
                      Catch::StartsWith("CONVLAB_SHAPES_DIR: got '/nonexistent/convlab/shapes', expected a directory"));
}
