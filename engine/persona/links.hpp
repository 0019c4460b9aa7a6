#pragma once
/// Which links a visitor may follow: same origin only, never mailto:/javascript:/downloads, and
/// (when the campaign respects it) never a path robots.txt disallows. Pure.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace footfall::engine {

/// The parts of an absolute http(s) URL that matter here.
struct url_parts {
  std::string scheme;  ///< lower case
  std::string host;    ///< lower case
  int port = 0;        ///< explicit or the scheme's default
  std::string path;    ///< path + query, starting with '/'; no fragment
  std::string origin() const;
};

/// Parses an absolute URL; nullopt for anything that is not http(s)://host...
std::optional<url_parts> parse_url(std::string_view url);

/// robots.txt rules for one user agent group (longest match wins; Allow wins a tie).
class robots_rules {
 public:
  /// Parses robots.txt, keeping the group for `agent` if present, else the `*` group.
  static robots_rules parse(std::string_view text, std::string_view agent = "footfall");
  /// True when `path` (path + query) may be fetched.
  bool allowed(std::string_view path) const;
  bool empty() const { return rules_.empty(); }

 private:
  struct rule {
    std::string pattern;
    bool allow;
  };
  std::vector<rule> rules_;
};

/// Why a link is refused (or ok).
enum class link_verdict { ok, not_http, off_origin, download, robots_disallowed, same_page };
std::string_view to_string(link_verdict v);

/// A candidate link as the page reports it: resolved href plus the attributes that matter.
struct link_candidate {
  std::string href;  ///< absolute, as a.href gives it
  bool download_attribute = false;
};

/// Decides whether a visitor on `page_url` may follow `link`.
link_verdict judge_link(const link_candidate& link, const url_parts& page_url,
                        const robots_rules* robots);

/// True for paths that name a file to download rather than a page (.zip, .pdf, .exe, ...).
bool looks_like_download(std::string_view path);

/// True when a form field's value must not be stored: password fields, card/CVV/SSN-like names
/// or autocomplete tokens, and values that look like a payment card number (Luhn-valid 13–19
/// digits).
bool must_redact(std::string_view input_type, std::string_view name_or_id,
                 std::string_view autocomplete, std::string_view value);
/// `text` (a URL, or a message quoting URLs) without any URL's user:password@ part: stored URLs
/// and messages never carry credentials.
std::string strip_credentials(std::string_view text);

/// What is stored instead of a redacted value.
inline constexpr std::string_view redacted_value = "[redacted]";

}  // namespace footfall::engine
