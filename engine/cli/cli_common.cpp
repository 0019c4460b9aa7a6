#include "engine/cli/cli_common.hpp"

#include <cctype>
#include <iostream>

#include "engine/campaign/campaign_setup.hpp"
#include "engine/persona/links.hpp"
#include "storage/analytics_queries.hpp"
#include "storage/connection.hpp"

namespace footfall::cli {
namespace po = boost::program_options;

bool parse_flags(const args& a, po::options_description& desc,
                 const po::positional_options_description& pos, po::variables_map& vm,
                 const std::string& synopsis) {
  desc.add_options()("help,h", "show this help");
  // An error repeats the usage line only; --help prints the rest.
  const std::string usage_line = synopsis.substr(0, synopsis.find('\n'));
  try {
    po::store(po::command_line_parser(a).options(desc).positional(pos).run(), vm);
    if (vm.count("help")) {
      std::cout << synopsis << "\n\n" << desc;
      return false;
    }
    po::notify(vm);
  } catch (const po::required_option& e) {
    // "the option '--campaign' is required" names a flag the user never typed: name the
    // positional argument as the synopsis does.
    std::string name = e.get_option_name();
    name.erase(0, name.find_first_not_of('-'));
    for (auto& ch : name) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
    throw usage_error("missing " + name + "\n" + usage_line);
  } catch (const po::error& e) {
    throw usage_error(std::string(e.what()) + "\n" + usage_line);
  }
  return true;
}

bool parse_flags(const args& a, po::options_description& desc,
                 std::initializer_list<const char*> positional, const std::string& synopsis) {
  po::positional_options_description pos;
  for (const char* name : positional) pos.add(name, 1);
  po::variables_map vm;
  return parse_flags(a, desc, pos, vm, synopsis);
}

storage::uuid campaign_ref(const std::string& url, const std::string& id_or_name) {
  storage::connection c(url);
  return campaign_ref(c, id_or_name);
}

storage::uuid campaign_ref(storage::connection& c, const std::string& id_or_name) {
  return as_usage_errors([&] {
    try {
      return storage::resolve_campaign(c, id_or_name);
    } catch (const std::invalid_argument& e) {
      throw usage_error(e.what());
    }
  });
}

storage::campaign create_campaign_from_file(const std::string& url,
                                            const std::filesystem::path& file,
                                            const std::string& target_url, bool if_absent) {
  if (!target_url.empty()) {
    if (!engine::parse_url(target_url))
      throw usage_error("--target-url: expected an http:// or https:// URL with a host");
    if (engine::strip_credentials(target_url) != target_url)  // the file's rule (config.cpp)
      throw usage_error("--target-url: must not contain credentials (user:password@)");
  }
  return as_usage_errors(
      [&] { return engine::create_campaign_from_file(url, file, target_url, if_absent); });
}

}  // namespace footfall::cli
