#include "engine/cli_common.hpp"

#include <iostream>

#include "storage/analytics_queries.hpp"
#include "storage/connection.hpp"

namespace footfall::cli {
namespace po = boost::program_options;

bool parse_flags(const args& a, po::options_description& desc,
                 const po::positional_options_description& pos, po::variables_map& vm,
                 const std::string& synopsis) {
  desc.add_options()("help,h", "show this help");
  try {
    po::store(po::command_line_parser(a).options(desc).positional(pos).run(), vm);
    if (vm.count("help")) {
      std::cout << synopsis << "\n\n" << desc;
      return false;
    }
    po::notify(vm);
  } catch (const po::error& e) {
    throw usage_error(std::string(e.what()) + "\n" + synopsis);
  }
  return true;
}

storage::uuid campaign_ref(const std::string& url, const std::string& id_or_name) {
  storage::connection c(url);
  return as_usage_errors([&] {
    try {
      return storage::resolve_campaign(c, id_or_name);
    } catch (const std::invalid_argument& e) {
      throw usage_error(e.what());
    }
  });
}

}  // namespace footfall::cli
