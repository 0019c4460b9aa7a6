#pragma once
/// The contract between C++ and engine/page/js/page_script.js: every function of the script's
/// `__ff` object that C++ calls, with the number of arguments C++ passes. C++ names a function
/// only through this table (page_agent::call checks the count), and test/engine's contract test
/// loads the script in Chromium and checks each entry exists with exactly that many parameters,
/// so a renamed function or a changed signature fails a test instead of a journey.
#include <array>
#include <cstddef>

namespace footfall::engine {

/// One function of `__ff`: its name and how many arguments C++ passes.
struct script_function {
  const char* name;
  std::size_t args;
};

namespace script_api {
inline constexpr script_function arrive{"arrive", 0};    ///< page facts and links on arrival
inline constexpr script_function pick{"pick", 4};        ///< (kind, u1, u2, u3) a target to act on
inline constexpr script_function target{"target", 4};    ///< (selector, u2, u3, avoidNav)
inline constexpr script_function depart{"depart", 3};    ///< (link indexes, u2, u3) leaving link
inline constexpr script_function depart_to{"departTo", 3};  ///< (selector, u2, u3)
inline constexpr script_function stats{"stats", 0};      ///< scroll depth, timing, counts
inline constexpr script_function loaded{"loaded", 0};    ///< resolves when the document loaded
inline constexpr script_function check{"check", 4};      ///< (x, y, u2, u3) hit-test before a press
inline constexpr script_function active{"active", 0};    ///< the focused element
inline constexpr script_function count{"count", 1};      ///< (kind) candidates in this world
inline constexpr script_function pointer{"pointer", 1};  ///< ([x, y] | null) where the engine points
inline constexpr script_function settle{"settle", 0};    ///< two animation frames
inline constexpr script_function frame_box{"frameBox", 1};  ///< (iframe element) its box

/// Every function above (the contract test walks it).
inline constexpr std::array all{arrive, pick,  target, depart,  depart_to, stats,    loaded,
                                check,  active, count, pointer, settle,    frame_box};
}  // namespace script_api

}  // namespace footfall::engine
