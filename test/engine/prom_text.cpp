#include "engine/prom_text.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>
#include <stdexcept>
#include <vector>

namespace footfall::test {

namespace {

bool name_char(char c, bool first) {
  return std::isalpha(static_cast<unsigned char>(c)) || c == '_' || c == ':' ||
         (!first && std::isdigit(static_cast<unsigned char>(c)));
}

bool valid_name(const std::string& n) {
  if (n.empty()) return false;
  for (std::size_t i = 0; i < n.size(); ++i)
    if (!name_char(n[i], i == 0)) return false;
  return true;
}

double parse_value(const std::string& v) {
  if (v == "+Inf") return INFINITY;
  if (v == "-Inf") return -INFINITY;
  if (v == "NaN") return NAN;
  std::size_t used = 0;
  const double d = std::stod(v, &used);
  if (used != v.size()) throw std::invalid_argument(v);
  return d;
}

/// The family a sample belongs to: histograms' _bucket/_sum/_count samples belong to the base.
std::string family_of(const std::string& name, const std::map<std::string, std::string>& types) {
  if (types.count(name)) return name;
  for (const char* suffix : {"_bucket", "_sum", "_count"}) {
    const std::string s = suffix;
    if (name.size() > s.size() && name.ends_with(s)) {
      const auto base = name.substr(0, name.size() - s.size());
      const auto it = types.find(base);
      if (it != types.end() && (it->second == "histogram" || it->second == "summary")) return base;
    }
  }
  return "";
}

struct sample {
  std::string name;
  std::vector<std::pair<std::string, std::string>> labels;
  double value = 0;
};

sample parse_sample(const std::string& line) {
  sample s;
  std::size_t i = 0;
  while (i < line.size() && name_char(line[i], i == 0)) ++i;
  s.name = line.substr(0, i);
  if (!valid_name(s.name)) throw std::runtime_error("bad metric name");
  if (i < line.size() && line[i] == '{') {
    ++i;
    while (i < line.size() && line[i] != '}') {
      const auto eq = line.find('=', i);
      if (eq == std::string::npos) throw std::runtime_error("label without '='");
      const auto lname = line.substr(i, eq - i);
      if (!valid_name(lname)) throw std::runtime_error("bad label name '" + lname + "'");
      if (eq + 1 >= line.size() || line[eq + 1] != '"')
        throw std::runtime_error("label value not quoted");
      std::string v;
      std::size_t j = eq + 2;
      for (; j < line.size() && line[j] != '"'; ++j) {
        if (line[j] == '\\' && j + 1 < line.size()) ++j;
        v.push_back(line[j]);
      }
      if (j >= line.size()) throw std::runtime_error("unterminated label value");
      s.labels.emplace_back(lname, v);
      i = j + 1;
      if (i < line.size() && line[i] == ',') ++i;
    }
    if (i >= line.size()) throw std::runtime_error("unterminated label set");
    ++i;
  }
  if (i >= line.size() || line[i] != ' ') throw std::runtime_error("no space before the value");
  std::istringstream rest(line.substr(i + 1));
  std::string value, timestamp, extra;
  rest >> value >> timestamp >> extra;
  if (value.empty() || !extra.empty()) throw std::runtime_error("expected VALUE [TIMESTAMP]");
  try {
    s.value = parse_value(value);
  } catch (const std::exception&) {
    throw std::runtime_error("value '" + value + "' is not a number");
  }
  return s;
}

std::string key_of(const sample& s, bool without_le = false) {
  auto labels = s.labels;
  std::sort(labels.begin(), labels.end());
  std::string k = s.name, inner;
  for (const auto& [n, v] : labels) {
    if (without_le && n == "le") continue;
    inner += (inner.empty() ? "" : ",") + n + "=\"" + v + "\"";
  }
  return inner.empty() ? k : k + "{" + inner + "}";
}

/// Buckets cumulative, +Inf last and equal to _count.
void check_histograms(const std::map<std::string, std::vector<std::pair<double, double>>>& buckets,
                      const prom_samples& out) {
  for (const auto& [series, bs] : buckets) {
    double prev = 0;
    for (const auto& [le, n] : bs) {
      if (n < prev) throw std::runtime_error(series + ": buckets are not cumulative");
      prev = n;
    }
    if (bs.empty() || !std::isinf(bs.back().first))
      throw std::runtime_error(series + ": no +Inf bucket last");
    auto count_key = series;
    count_key.replace(count_key.find("_bucket"), 7, "_count");
    if (out.get(count_key, -1) != bs.back().second)
      throw std::runtime_error(series + ": +Inf bucket differs from _count");
  }
}

}  // namespace

double prom_samples::at(const std::string& key) const {
  const auto it = values.find(key);
  if (it == values.end()) throw std::out_of_range("no series " + key);
  return it->second;
}

double prom_samples::get(const std::string& key, double fallback) const {
  const auto it = values.find(key);
  return it == values.end() ? fallback : it->second;
}

prom_samples parse_prom_text(const std::string& text) {
  prom_samples out;
  std::map<std::string, std::vector<std::pair<double, double>>> buckets;
  std::istringstream in(text);
  std::string line;
  int n = 0;
  while (std::getline(in, line)) {
    ++n;
    const auto where = "line " + std::to_string(n) + " '" + line + "': ";
    if (line.empty()) continue;
    try {
      if (line.starts_with("# TYPE ")) {
        std::istringstream t(line.substr(7));
        std::string name, type;
        t >> name >> type;
        static const std::vector<std::string> known{"counter", "gauge", "histogram", "summary",
                                                    "untyped"};
        if (!valid_name(name) || std::find(known.begin(), known.end(), type) == known.end())
          throw std::runtime_error("bad # TYPE line");
        if (out.types.count(name)) throw std::runtime_error("family declared twice");
        out.types[name] = type;
        continue;
      }
      if (line[0] == '#') continue;  // # HELP and comments
      const auto s = parse_sample(line);
      const auto fam = family_of(s.name, out.types);
      if (fam.empty()) throw std::runtime_error("sample before its family's # TYPE line");
      if (out.types[fam] == "counter" && s.value < 0) throw std::runtime_error("negative counter");
      if (s.name.ends_with("_bucket") && out.types[fam] == "histogram") {
        const auto le = std::find_if(s.labels.begin(), s.labels.end(),
                                     [](const auto& l) { return l.first == "le"; });
        if (le == s.labels.end()) throw std::runtime_error("bucket without le");
        buckets[key_of(s, true)].emplace_back(parse_value(le->second), s.value);
      }
      if (!out.values.emplace(key_of(s), s.value).second)
        throw std::runtime_error("series repeated");
    } catch (const std::runtime_error& e) {
      throw std::runtime_error(where + e.what());
    }
  }
  check_histograms(buckets, out);
  return out;
}

}  // namespace footfall::test
