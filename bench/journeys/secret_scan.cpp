#include "journeys/secret_scan.hpp"

namespace footfall::bench {

const std::vector<needle>& secret_needles() {
  static const std::vector<needle> n{{"password Pa55w", "Pa55w"},
                                     {"card 4111 1111", "4111 1111"},
                                     {"card 1111 1111", "1111 1111"},
                                     {"card digits 41111111", "41111111"},
                                     {"URL password s3cr3t", "s3cr3t"}};
  return n;
}

std::map<std::string, int> scan(const std::string& text) {
  std::map<std::string, int> hits;
  for (const auto& n : secret_needles()) {
    int count = 0;
    for (auto at = text.find(n.text); at != std::string::npos; at = text.find(n.text, at + 1))
      ++count;
    hits[n.label] = count;
  }
  return hits;
}

int total_hits(const std::vector<scanned>& all) {
  int total = 0;
  for (const auto& s : all)
    for (const auto& [label, n] : s.hits) total += n;
  return total;
}

}  // namespace footfall::bench
