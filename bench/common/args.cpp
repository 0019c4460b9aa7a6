#include "bench/common/args.hpp"

#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>

namespace footfall::bench {

namespace {

/// The whole of `v` as a T; the rule it breaks otherwise.
template <class T>
T number(const std::string& v, const char* what) {
  T out{};
  const auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), out);
  if (v.empty() || ec != std::errc() || end != v.data() + v.size())
    throw std::invalid_argument("'" + v + "' is not " + what);
  return out;
}

}  // namespace

args& args::value(const std::string& flag, const std::string& meta, int* out) {
  return value(flag, meta, [out](const std::string& v) { *out = number<int>(v, "a whole number"); });
}

args& args::value(const std::string& flag, const std::string& meta, std::uint64_t* out) {
  return value(flag, meta, [out](const std::string& v) {
    *out = number<std::uint64_t>(v, "a whole number >= 0");
  });
}

args& args::value(const std::string& flag, const std::string& meta, double* out) {
  return value(flag, meta, [out](const std::string& v) { *out = number<double>(v, "a number"); });
}

args& args::value(const std::string& flag, const std::string& meta, std::string* out) {
  return value(flag, meta, [out](const std::string& v) { *out = v; });
}

args& args::value(const std::string& flag, const std::string& meta, reader read) {
  flags_.push_back({flag, meta, std::move(read)});
  return *this;
}

args& args::set(const std::string& flag, bool* out) {
  flags_.push_back({flag, "", [out](const std::string&) { *out = true; }});
  return *this;
}

args& args::database(std::string* url, std::string* data_dir) {
  return value("--database-url", "URL", url).value("--data-dir", "DIR", data_dir);
}

args& args::operand(const std::string& meta, reader read) {
  operand_meta_ = meta;
  operand_ = std::move(read);
  return *this;
}

void args::parse(int argc, char** argv) const {
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--help") {
      std::printf("%s\n", usage().c_str());
      std::exit(0);
    }
    if (a.rfind("--", 0) != 0) {
      if (!operand_) fail("unexpected argument '" + a + "'");
      try {
        operand_(a);
      } catch (const std::exception& e) {
        fail(operand_meta_ + ": " + e.what());
      }
      continue;
    }
    const flag_spec* spec = nullptr;
    for (const auto& f : flags_)
      if (f.name == a) spec = &f;
    if (!spec) fail("unknown flag " + a);
    const bool takes_value = !spec->meta.empty();
    if (takes_value && i + 1 >= argc) fail(a + " needs a value");
    try {
      spec->read(takes_value ? std::string(argv[++i]) : std::string());
    } catch (const std::exception& e) {
      fail(a + ": " + e.what());
    }
  }
}

std::string args::usage() const {
  std::string u = "usage: " + program_;
  if (operand_) u += " [" + operand_meta_ + "]";
  for (const auto& f : flags_) u += " [" + f.name + (f.meta.empty() ? "" : " " + f.meta) + "]";
  return u;
}

void args::fail(const std::string& problem) const {
  std::fprintf(stderr, "%s: %s\n%s\n", program_.c_str(), problem.c_str(), usage().c_str());
  std::exit(2);
}

}  // namespace footfall::bench
