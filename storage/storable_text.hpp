#pragma once
/// Text as PostgreSQL's text type takes it: valid UTF-8 without NUL. Page text is neither by
/// promise (a NUL in a link's text, a truncated multi-byte character, a lone surrogate), and one
/// refused value would cost the whole page its rows. The writer makes every record storable at
/// its boundary (writer::write), before the record is queued, spooled or rejected: each NUL and
/// each ill-formed UTF-8 sequence becomes U+FFFD — replaced, not dropped, so lengths and
/// positions stay meaningful — and the record carries how many (text_repairs, summed per
/// campaign by `campaign show`). Ill-formed sequences are replaced per maximal subpart (Unicode
/// §3.9, U+FFFD substitution; what WHATWG's UTF-8 decoder does).
#include <cstddef>
#include <string>

#include "storage/records.hpp"

namespace footfall::storage {

/// Replaces every NUL and every ill-formed UTF-8 sequence of `s` with U+FFFD; returns how many.
/// Valid text is left untouched (and not copied).
std::size_t make_storable(std::string& s);

/// make_storable for JSON text bound for a jsonb column, which also refuses the escape `\u0000`
/// (PostgreSQL docs §8.14): that escape becomes `\ufffd`.
std::size_t make_storable_json(std::string& s);

/// Every text field of the row made storable; sets s.text_repairs and returns it.
int make_storable(session_row& s);
/// Every text field of the visit and its actions made storable; sets p.visit.text_repairs.
int make_storable(page_record& p);

}  // namespace footfall::storage
