// The validators of the values a user sets (algorithms/settings.hpp): each
// accepts exactly what it says and refuses the rest with a SettingError, a
// user error whose one line names the setting, the value and what is accepted.
#include "algorithms/settings.hpp"

#include <catch2/catch.hpp>
#include <cstdlib>
#include <string>
#include <vector>

using namespace convlab;

TEST_CASE("a SettingError is a user error naming the setting, the value and what is accepted", "[settings]") {
    const SettingError e("CONVLAB_X", "bad", "good");
    CHECK(std::string(e.what()) == "CONVLAB_X: got 'bad', expected good");
    CHECK(e.detail() == "got 'bad', expected good");
    CHECK(dynamic_cast<const InputError*>(&e) != nullptr);
}

TEST_CASE("one_of accepts a listed name and names every accepted one otherwise", "[settings]") {
    CHECK(one_of("S", "b", {"a", "b", "c"}) == 1);
    CHECK_THROWS_WITH(one_of("S", "d", {"a", "b", "c"}), "S: got 'd', expected a, b or c");
    CHECK_THROWS_WITH(one_of("S", "B", {"a", "b"}), "S: got 'B', expected a or b");  // case matters
    CHECK_THROWS_WITH(one_of("S", "", {"a"}), "S: got '', expected a");
}

TEST_CASE("thread_count accepts whole numbers from 1 to max_thread_count only", "[settings]") {
    CHECK(thread_count("--threads", "1") == 1);
    CHECK(thread_count("--threads", std::to_string(max_thread_count)) == max_thread_count);
    CHECK(thread_count("threads", 2LL) == 2);
    const std::string accepted = "expected a whole number of threads from 1 to " + std::to_string(max_thread_count);
    const std::vector<std::string> refused = {"0",  "-1",  "+2", " 2", "2 ", "1.5", "2x",
                                              "", "two", std::to_string(max_thread_count + 1),
                                              "99999999999999999999"};
    for (const std::string& bad : refused) {
        INFO("'" << bad << "'");
        CHECK_THROWS_WITH(thread_count("--threads", bad), "--threads: got '" + bad + "', " + accepted);
    }
    CHECK_THROWS_AS(thread_count("threads", 0LL), SettingError);
    CHECK_THROWS_AS(thread_count("threads", -5LL), SettingError);
}

TEST_CASE("environment_setting treats an empty variable as unset", "[settings]") {
    const char* name = "CONVLAB_TEST_SETTING";
    unsetenv(name);
    CHECK(!environment_setting(name));
    setenv(name, "", 1);
    CHECK(!environment_setting(name));
    setenv(name, "x y", 1);
    CHECK(environment_setting(name) == "x y");
    unsetenv(name);
}
