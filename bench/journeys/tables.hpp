#pragma once
// bench/journeys: the printed tables (markdown), one row per campaign.
#include <string>
#include <vector>

#include "journeys/db_figures.hpp"
#include "journeys/page_probe.hpp"
#include "journeys/secret_scan.hpp"

namespace footfall::bench {

/// Everything one campaign produced.
struct campaign_result {
  std::string name, id;
  int run_exit = -1;  ///< `footfall run`'s exit status
  double wall_s = 0;
  db_figures db;
  page_tally page;
};

/// Prints the campaign, failure, page-side and secrets tables.
void print_tables(const std::vector<campaign_result>& results, const std::vector<scanned>& texts);

}  // namespace footfall::bench
