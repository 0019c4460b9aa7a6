#include "storage/errors.hpp"


namespace footfall::storage {
namespace {
std::string join(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& p : v) {
    if (!s.empty()) s += "; ";
    s += p;
  }
  return s;
}
}  // namespace

validation_error::validation_error(std::vector<std::string> problems)
    : std::invalid_argument(join(problems)), problems_(std::move(problems)) {}

constraint_error::constraint_error(std::string message, std::string constraint,
                                   std::string sql_state)
    : std::invalid_argument(std::move(message)),
      constraint_(std::move(constraint)),
      sql_state_(std::move(sql_state)) {}

}  // namespace footfall::storage
