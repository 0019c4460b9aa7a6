#pragma once
/// The benchmarks' command lines, declared once per program and read in one pass; the usage line
/// is made from the declarations, so it names exactly the flags the program reads:
///
///   bench::args a("bench_x");
///   a.value("--sessions", "N", &sessions).database(&url, &data_dir).set("--json", &as_json);
///   a.parse(argc, argv);  // usage: bench_x [--sessions N] [--database-url URL] ... [--json]
///
/// A flag it does not know, a flag without its value or a value that is not a number ends the
/// program with exit 2: what is wrong and the usage line on stderr. `--help` prints the usage
/// on stdout and exits 0.
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace footfall::bench {

class args {
 public:
  /// Reads the value of a flag; throws std::invalid_argument with the rule it breaks.
  using reader = std::function<void(const std::string& value)>;

  explicit args(std::string program) : program_(std::move(program)) {}

  /// `--flag VALUE` into `*out`: a whole number (int, std::uint64_t), a number (double) or text.
  /// `meta` names the value in the usage line ("N", "DIR").
  args& value(const std::string& flag, const std::string& meta, int* out);
  args& value(const std::string& flag, const std::string& meta, std::uint64_t* out);
  args& value(const std::string& flag, const std::string& meta, double* out);
  args& value(const std::string& flag, const std::string& meta, std::string* out);
  /// `--flag VALUE` handed to `read` (lists, repeated flags).
  args& value(const std::string& flag, const std::string& meta, reader read);
  /// `--flag` alone: sets `*out`.
  args& set(const std::string& flag, bool* out);
  /// --database-url URL and --data-dir DIR, which every benchmark that records takes.
  args& database(std::string* url, std::string* data_dir);
  /// An argument that does not start with "--" (a URL, a count); `meta` names it in the usage.
  args& operand(const std::string& meta, reader read);

  /// Reads argv[1..] in order, each flag as declared.
  void parse(int argc, char** argv) const;
  /// "usage: <program> [--flag META] ...".
  std::string usage() const;
  /// For checks after parse: prints "<program>: <problem>" and the usage to stderr, exits 2.
  [[noreturn]] void fail(const std::string& problem) const;

 private:
  struct flag_spec {
    std::string name, meta;  ///< meta empty: a switch
    reader read;
  };
  std::string program_, operand_meta_;
  std::vector<flag_spec> flags_;
  reader operand_;
};

}  // namespace footfall::bench
