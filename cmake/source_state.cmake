# The git state of the source tree, recorded when convlab is built, so that
# the binary says what it was built from wherever it runs (installed, moved,
# the tree gone): the commit, and the tracked files that differed from it
# outside results/ (which runs write into). Outside a git work tree of its
# own (a tarball, or a tree unpacked inside another repository) the commit
# is "unknown".
#
#   cmake -DSOURCE_DIR=DIR -DOUTPUT=FILE.hpp [-DGIT_EXECUTABLE=git] -P source_state.cmake
#
# CMakeLists.txt runs it on every build rather than when .git/HEAD or the
# index changes: an edit to a tracked file changes neither, yet makes the
# build dirty. OUTPUT is rewritten only when the state changed, so an
# unchanged tree recompiles nothing.
cmake_minimum_required(VERSION 3.25)

set(commit "unknown")
set(dirty_paths "")
if(GIT_EXECUTABLE)
  execute_process(COMMAND "${GIT_EXECUTABLE}" -C "${SOURCE_DIR}" rev-parse --show-toplevel HEAD
                  OUTPUT_VARIABLE top_and_head RESULT_VARIABLE failed ERROR_QUIET OUTPUT_STRIP_TRAILING_WHITESPACE)
  if(NOT failed)
    string(REPLACE "\n" ";" top_and_head "${top_and_head}")
    list(GET top_and_head 0 top)
    file(REAL_PATH "${top}" top)
    file(REAL_PATH "${SOURCE_DIR}" source)
    if(top STREQUAL source)
      list(GET top_and_head 1 commit)
      # --no-optional-locks: a status that runs in every build must not take
      # the index lock from a git command the user runs at the same time.
      execute_process(COMMAND "${GIT_EXECUTABLE}" --no-optional-locks -C "${SOURCE_DIR}" status --porcelain
                              --untracked-files=no -- . ":(exclude)results"
                      OUTPUT_VARIABLE status RESULT_VARIABLE failed ERROR_QUIET OUTPUT_STRIP_TRAILING_WHITESPACE)
      if(failed)
        message(FATAL_ERROR "git status failed in ${SOURCE_DIR}")
      endif()
      # "XY path" lines: the paths, one a line.
      string(REGEX REPLACE "\n[^\n][^\n][^\n]" "\n" dirty_paths "\n${status}")
      string(REGEX REPLACE "^\n" "" dirty_paths "${dirty_paths}")
    endif()
  endif()
endif()

file(CONFIGURE OUTPUT "${OUTPUT}" @ONLY CONTENT [=[
// Generated at build time by cmake/source_state.cmake: the git state of the
// source tree this binary was built from. Not to be edited.
#pragma once

namespace convlab::source_state {

// The commit's hash, or "unknown" outside a git work tree of its own.
inline constexpr const char* commit = "@commit@";

// Tracked files changed since the commit, outside results/, one a line as
// `git status --porcelain` names them; empty when clean or unknown.
inline constexpr const char* dirty_paths = R"convlab(@dirty_paths@)convlab";

}  // namespace convlab::source_state
]=])
