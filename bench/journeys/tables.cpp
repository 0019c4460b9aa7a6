#include "journeys/tables.hpp"

#include <cstdio>
#include <map>

namespace footfall::bench {

namespace {

int count(const std::map<std::string, int>& m, const std::string& key) {
  const auto it = m.find(key);
  return it == m.end() ? 0 : it->second;
}

void campaigns_table(const std::vector<campaign_result>& results) {
  std::printf(
      "\nwhat footfall recorded (database)\n"
      "| campaign | completed / failed | input actions | in frames (cross-site) | "
      "in shadow roots | drags | click outcomes none / same_doc / cross_doc / "
      "new_target | popup visits | values redacted | run exit, wall s |\n"
      "|---|---|---|---|---|---|---|---|---|---|\n");
  for (const auto& r : results) {
    const auto& d = r.db;
    int failed = 0;
    for (const auto& [status, n] : d.sessions_by_status) failed += status == "completed" ? 0 : n;
    std::printf(
        "| %s | %d / %d | %d | %d (%d) | %d | %d | %d / %d / %d / %d | %d | %d | %d, %.1f |\n",
        r.name.c_str(), count(d.sessions_by_status, "completed"), failed, d.input_actions,
        d.in_frames, d.cross_site, d.in_shadow, d.drags, count(d.navigation_kinds, "none"),
        count(d.navigation_kinds, "same_document"), count(d.navigation_kinds, "cross_document"),
        count(d.navigation_kinds, "new_target"), d.popup_visits, d.redacted, r.run_exit, r.wall_s);
  }
}

void failures_table(const std::vector<campaign_result>& results) {
  std::printf(
      "\nsessions not completed, by cause (status / error class)\n"
      "| campaign | cause | sessions | example message |\n|---|---|---|---|\n");
  int rows = 0;
  for (const auto& r : results)
    for (const auto& [cause, n] : r.db.failed_by_cause) {
      ++rows;
      std::printf("| %s | %s | %d | %s |\n", r.name.c_str(), cause.c_str(), n,
                  r.db.cause_example.at(cause).c_str());
    }
  if (rows == 0) std::printf("| (none) | | 0 | |\n");
}

void page_table(const std::vector<campaign_result>& results) {
  std::printf(
      "\nwhat the pages received (probe.js; presses = trusted mousedowns) beside the "
      "database's pressing actions (click, double/right click, drag)\n"
      "| campaign | presses | in frames: page / db (cross-site page) | in shadow roots: "
      "page / db | drops | range changes | keys (in secret fields) | untrusted | "
      "pressed targets whose presses the page saw |\n|---|---|---|---|---|---|---|---|---|\n");
  for (const auto& r : results) {
    const auto& p = r.page;
    const auto& d = r.db;
    std::printf("| %s | %d | %d / %d (%d) | %d / %d | %d | %d | %d (%d) | %d | %d / %d |\n",
                r.name.c_str(), p.presses, p.in_frames, d.presses_in_frames, p.cross_site,
                p.in_shadow, d.presses_in_shadow, p.drops, p.range_changes, p.keys, p.secret_keys,
                p.untrusted, d.checked_targets - int(d.unseen_targets.size()), d.checked_targets);
  }
  for (const auto& r : results)
    for (const auto& s : r.db.unseen_targets)
      std::printf("  %s: presses on `%s\n", r.name.c_str(), s.c_str());
}

void secrets_table(const std::vector<campaign_result>& results, const std::vector<scanned>& texts) {
  std::map<std::string, std::map<std::string, int>> by_source;
  std::map<std::string, int> files;
  for (const auto& t : texts) {
    ++files[t.source];
    for (const auto& [label, n] : t.hits) by_source[t.source][label] += n;
  }
  std::printf("\nsecrets in what the run left (occurrences of each needle)\n| where | texts |");
  for (const auto& n : secret_needles()) std::printf(" %s |", n.label.c_str());
  std::printf("\n|---|---|");
  for (std::size_t i = 0; i < secret_needles().size(); ++i) std::printf("---|");
  std::printf("\n");
  for (const auto& [source, hits] : by_source) {
    std::printf("| %s | %d |", source.c_str(), files[source]);
    for (const auto& n : secret_needles()) std::printf(" %d |", count(hits, n.label));
    std::printf("\n");
  }
  for (const auto& t : texts)
    for (const auto& [label, n] : t.hits)
      if (n > 0)
        std::printf("  FOUND %d x %s in %s: %s\n", n, label.c_str(), t.source.c_str(),
                    t.name.c_str());
  int redacted = 0, secret_keys = 0;
  for (const auto& r : results) {
    redacted += r.db.redacted;
    secret_keys += r.page.secret_keys;
  }
  std::printf(
      "\nSecrets found: %d (%d values redacted; the pages received %d keys in secret "
      "fields)\n",
      total_hits(texts), redacted, secret_keys);
}

}  // namespace

void print_tables(const std::vector<campaign_result>& results, const std::vector<scanned>& texts) {
  campaigns_table(results);
  failures_table(results);
  page_table(results);
  secrets_table(results, texts);
  std::fflush(stdout);
}

}  // namespace footfall::bench
