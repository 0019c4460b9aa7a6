#pragma once
/// What `compare` and `run --compare-to` share: the comparison's flags, the comparison of two
/// stored campaigns (sampling the candidate until resolved with --resolve, issue 22 item 4:
/// analytics/sequential.hpp) and its output and exit code.
#include <functional>
#include <limits>
#include <string>

#include <boost/program_options.hpp>

#include "analytics/compare.hpp"
#include "analytics/report.hpp"
#include "storage/connection.hpp"
#include "storage/uuid.hpp"

namespace footfall::cli {

/// --thresholds, --inconclusive and the --resolve family.
struct compare_flags {
  std::string thresholds_file;
  std::string format = "table";
  std::string output;
  std::string inconclusive;  ///< "", "pass" or "fail"
  static constexpr int unset = std::numeric_limits<int>::min();  ///< a flag not given
  bool resolve = false;
  int max_sessions = unset;
  int round_sessions = unset;  ///< unset: the candidate's session count when --resolve starts
  /// --resolve-baseline: every round adds to the baseline too (against its own target), up to
  /// the same --max-sessions: two deployments side by side, the baseline's still as it was.
  bool resolve_baseline = false;
  /// --resolve-paths: a PASS is looked past while a path's p50 load row is unresolved.
  bool resolve_paths = false;
};

/// Adds --thresholds, --inconclusive, --resolve, --max-sessions, --round-sessions,
/// --resolve-baseline and --resolve-paths.
void add_compare_flags(boost::program_options::options_description& d, compare_flags& f);
/// Bad combinations are usage_errors (exit 2): a --format or --inconclusive not known,
/// --resolve without --max-sessions, --max-sessions, --round-sessions, --resolve-baseline or
/// --resolve-paths without --resolve.
void check_compare_flags(const compare_flags& f);
/// The thresholds file, or the defaults; a bad file is a usage_error naming the field.
analytics::thresholds read_thresholds(const std::string& file);

/// Runs campaign `id`'s pending sessions (the ones --resolve just added), blocking; throws when
/// the run cannot finish (interrupted, the database lost).
using run_pending = std::function<void(const storage::uuid& id)>;

/// Compares candidate `k` with baseline `b`. With f.resolve: checks the candidate can be given
/// more sessions (else usage_error naming why), plans the looks (analytics::plan_looks) and,
/// while the verdict is INCONCLUSIVE and the candidate has fewer than --max-sessions sessions,
/// adds a round of sessions (engine::extend_campaign), runs them with `run` and looks again,
/// each look at the plan's per-look confidence; every look's line goes to stderr. With
/// f.resolve_baseline the baseline gets a round too while it has fewer than --max-sessions; it
/// must be extendable and target another site than the candidate (usage_error otherwise).
analytics::comparison compare_campaigns(const std::string& database_url, const storage::uuid& b,
                                        const storage::uuid& k, const analytics::thresholds& t,
                                        const compare_flags& f, const run_pending& run);

/// Runs campaign `id`'s pending sessions as `footfall run ID` would with no flags (its default
/// pool, the campaign's pace and browser), without a progress line (cmd_run.cpp).
void run_pending_sessions(const storage::uuid& id, const std::string& database_url);

/// The comparison in f.format (table, json, html, junit) to f.output or stdout.
void write_comparison(const analytics::comparison& c, const compare_flags& f);
/// 0 pass, 1 regressed, 4 inconclusive (0 or 1 with --inconclusive pass|fail).
int comparison_exit_code(const analytics::comparison& c, const compare_flags& f);

/// A campaign's report, its analytics computed first when they never were (cmd_report.cpp);
/// `page_health`: with the report's vitals and request sections (compare loads what it needs
/// of page health itself, so it asks without).
analytics::campaign_report load_report(storage::connection& c, const storage::uuid& id,
                                       bool recompute, bool page_health = true);
/// `text` to `file`, or stdout when it is empty or "-" (cmd_report.cpp).
void write_output(const std::string& text, const std::string& file);

}  // namespace footfall::cli
