#pragma once
/// Typed errors thrown by storage/. Each message names the entity, the field or constraint, and the
/// rule, so a CLI can print it as is (exit 2 for validation/constraint errors, 3 for the rest).
#include <stdexcept>
#include <string>
#include <vector>

namespace footfall::storage {

/// Input that breaks a rule of the data model, found before touching the database.
/// what() joins all problems with "; ", e.g. `persona "casual": pages_min (5) > pages_max (3)`.
class validation_error : public std::invalid_argument {
 public:
  explicit validation_error(std::vector<std::string> problems);
  const std::vector<std::string>& problems() const { return problems_; }

 private:
  std::vector<std::string> problems_;
};

/// The database refused a row (CHECK, UNIQUE, FOREIGN KEY, NOT NULL). Names the constraint and
/// table, and says in words which rule it is, e.g.
/// `personas: name "casual" already exists (unique constraint personas_name_key)`.
class constraint_error : public std::invalid_argument {
 public:
  constraint_error(std::string message, std::string constraint, std::string sql_state);
  const std::string& constraint() const { return constraint_; }
  const std::string& sql_state() const { return sql_state_; }

 private:
  std::string constraint_;
  std::string sql_state_;
};

/// A campaign status change the spec does not allow, e.g.
/// `campaign "spring": cannot go from completed to running (allowed from completed: none)`.
class transition_error : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

/// A row looked up by id or name does not exist.
class not_found_error : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

/// The database could not be reached or failed in a way that is not the caller's input
/// (connection refused, server start failed, migration failed). Message names the step.
class database_error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace footfall::storage
