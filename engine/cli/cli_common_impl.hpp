#pragma once
// Template bodies of cli_common.hpp.
#include "engine/config/config.hpp"
#include "storage/errors.hpp"

namespace footfall::cli {

template <class F>
auto as_usage_errors(F&& f) -> decltype(f()) {
  try {
    return f();
  } catch (const engine::config_error& e) {
    throw usage_error(e.what());
  } catch (const storage::validation_error& e) {
    throw usage_error(e.what());
  } catch (const storage::constraint_error& e) {
    throw usage_error(e.what());
  } catch (const storage::transition_error& e) {
    throw usage_error(e.what());
  } catch (const storage::not_found_error& e) {
    throw usage_error(e.what());
  }
}

}  // namespace footfall::cli
