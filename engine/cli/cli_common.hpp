#pragma once
/// Helpers shared by the run/worker/persona/campaign commands: flag parsing with --help, and
/// turning configuration and validation errors into exit code 2.
#include <filesystem>
#include <initializer_list>
#include <string>

#include <boost/program_options.hpp>

#include "engine/cli/commands.hpp"
#include "storage/connection.hpp"
#include "storage/records.hpp"

namespace footfall::cli {

/// Parses `a` against `desc` (adds --help); positional names map to `pos`. Prints help and
/// returns false on --help; throws usage_error on bad flags.
bool parse_flags(const args& a, boost::program_options::options_description& desc,
                 const boost::program_options::positional_options_description& pos,
                 boost::program_options::variables_map& vm, const std::string& synopsis);
/// The same for a command that reads every flag through the variables `desc` binds: its
/// positional arguments named in order, one value each ({"campaign"}, {"baseline", "candidate"}).
bool parse_flags(const args& a, boost::program_options::options_description& desc,
                 std::initializer_list<const char*> positional, const std::string& synopsis);

/// Runs `f`, rethrowing config_error, validation_error, constraint_error, transition_error and
/// not_found_error as usage_error (exit 2) with their message.
template <class F>
auto as_usage_errors(F&& f) -> decltype(f());

/// A campaign named on the command line (id, or name: a reused name means the latest); an
/// unknown one is a usage_error.
storage::uuid campaign_ref(const std::string& database_url, const std::string& id_or_name);
storage::uuid campaign_ref(storage::connection& c, const std::string& id_or_name);

/// Checks --target-url (a flag), then creates the campaign from `file`
/// (engine::create_campaign_from_file), bad input as usage_error.
storage::campaign create_campaign_from_file(const std::string& database_url,
                                            const std::filesystem::path& file,
                                            const std::string& target_url, bool if_absent);

}  // namespace footfall::cli

#include "engine/cli/cli_common_impl.hpp"
