#include "text_diff.hpp"

#include <algorithm>
#include <cstddef>
#include <utility>

namespace pacte_documents {

std::string_view to_string(DiffPart::Kind kind) {
  switch (kind) {
    case DiffPart::Kind::equal:
      return "equal";
    case DiffPart::Kind::insert:
      return "insert";
    case DiffPart::Kind::del:
      return "delete";
  }
  return "equal";
}

namespace {

bool space(unsigned char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

void push(std::vector<DiffPart>& out, DiffPart::Kind kind, std::string_view text) {
  if (text.empty()) return;
  if (!out.empty() && out.back().kind == kind) {
    out.back().text += text;
    return;
  }
  out.push_back({kind, std::string(text)});
}

using Tokens = std::vector<std::string>;

/// Myers' greedy forward algorithm, keeping each round's frontier to walk back the path.
/// Returns the script as (kind, token index) steps, or an empty optional-like flag when
/// the distance exceeds `max_edits`.
bool myers(const Tokens& a, std::size_t a0, std::size_t a1, const Tokens& b, std::size_t b0,
           std::size_t b1, int max_edits,
           std::vector<std::pair<DiffPart::Kind, std::size_t>>& script) {
  const long n = static_cast<long>(a1 - a0), m = static_cast<long>(b1 - b0);
  const long max = std::min<long>(n + m, max_edits);
  const long offset = max + 1;
  std::vector<long> v(static_cast<std::size_t>(2 * max + 3), 0);
  std::vector<std::vector<long>> trace;
  long found = -1;
  for (long d = 0; d <= max; ++d) {
    trace.push_back(v);
    for (long k = -d; k <= d; k += 2) {
      long x;
      if (k == -d || (k != d && v[offset + k - 1] < v[offset + k + 1]))
        x = v[offset + k + 1];  // down: insertion
      else
        x = v[offset + k - 1] + 1;  // right: deletion
      long y = x - k;
      while (x < n && y < m && a[a0 + x] == b[b0 + y]) ++x, ++y;
      v[offset + k] = x;
      if (x >= n && y >= m) {
        found = d;
        break;
      }
    }
    if (found >= 0) break;
  }
  if (found < 0) return false;
  // Walk back from (n, m) through the saved frontiers.
  long x = n, y = m;
  std::vector<std::pair<DiffPart::Kind, std::size_t>> rev;
  for (long d = found; d > 0; --d) {
    const auto& pv = trace[static_cast<std::size_t>(d)];
    long k = x - y;
    long prev_k;
    if (k == -d || (k != d && pv[offset + k - 1] < pv[offset + k + 1]))
      prev_k = k + 1;
    else
      prev_k = k - 1;
    long prev_x = pv[offset + prev_k], prev_y = prev_x - prev_k;
    while (x > prev_x && y > prev_y) {
      --x, --y;
      rev.emplace_back(DiffPart::Kind::equal, a0 + x);
    }
    if (x == prev_x)
      rev.emplace_back(DiffPart::Kind::insert, b0 + (--y));
    else
      rev.emplace_back(DiffPart::Kind::del, a0 + (--x));
  }
  while (x > 0 && y > 0) {
    --x, --y;
    rev.emplace_back(DiffPart::Kind::equal, a0 + x);
  }
  script.assign(rev.rbegin(), rev.rend());
  return true;
}

/// Two replacements separated only by white space read better as one:
/// "~~a~~ c ~~b~~ d" becomes "~~a b~~ c d".
std::vector<DiffPart> coalesce(std::vector<DiffPart> parts) {
  using K = DiffPart::Kind;
  auto all_space = [](const std::string& t) {
    return std::all_of(t.begin(), t.end(),
                       [](char c) { return space(static_cast<unsigned char>(c)); });
  };
  std::vector<DiffPart> out;
  std::size_t i = 0;
  while (i < parts.size()) {
    // A replacement: a deletion immediately followed by an insertion.
    bool replacement =
        parts[i].kind == K::del && i + 1 < parts.size() && parts[i + 1].kind == K::insert;
    if (replacement && out.size() >= 3 && out.back().kind == K::equal &&
        all_space(out.back().text) && out[out.size() - 2].kind == K::insert &&
        out[out.size() - 3].kind == K::del) {
      std::string gap = out.back().text;
      out.pop_back();
      out[out.size() - 2].text += gap + parts[i].text;
      out.back().text += gap + parts[i + 1].text;
      i += 2;
      continue;
    }
    out.push_back(std::move(parts[i]));
    ++i;
  }
  return out;
}

}  // namespace

std::vector<std::string> word_tokens(std::string_view text) {
  std::vector<std::string> tokens;
  std::size_t i = 0;
  while (i < text.size()) {
    bool s = space(static_cast<unsigned char>(text[i]));
    std::size_t j = i;
    while (j < text.size() && space(static_cast<unsigned char>(text[j])) == s) ++j;
    tokens.emplace_back(text.substr(i, j - i));
    i = j;
  }
  return tokens;
}

std::vector<DiffPart> word_diff(std::string_view before, std::string_view after, int max_edits) {
  Tokens a = word_tokens(before), b = word_tokens(after);
  std::size_t prefix = 0;
  while (prefix < a.size() && prefix < b.size() && a[prefix] == b[prefix]) ++prefix;
  std::size_t suffix = 0;
  while (suffix < a.size() - prefix && suffix < b.size() - prefix &&
         a[a.size() - 1 - suffix] == b[b.size() - 1 - suffix])
    ++suffix;

  std::vector<DiffPart> out;
  for (std::size_t i = 0; i < prefix; ++i) push(out, DiffPart::Kind::equal, a[i]);
  std::vector<std::pair<DiffPart::Kind, std::size_t>> script;
  if (myers(a, prefix, a.size() - suffix, b, prefix, b.size() - suffix, std::max(0, max_edits),
            script)) {
    // Within each change, deletions first, then insertions: the redline reads
    // "~~old~~ new" rather than interleaved fragments.
    std::string dels, inss;
    auto flush = [&] {
      push(out, DiffPart::Kind::del, dels);
      push(out, DiffPart::Kind::insert, inss);
      dels.clear();
      inss.clear();
    };
    for (auto& [kind, index] : script) {
      if (kind == DiffPart::Kind::equal) {
        flush();
        push(out, DiffPart::Kind::equal, a[index]);
      } else if (kind == DiffPart::Kind::del) {
        dels += a[index];
      } else {
        inss += b[index];
      }
    }
    flush();
  } else {
    for (std::size_t i = prefix; i < a.size() - suffix; ++i) push(out, DiffPart::Kind::del, a[i]);
    for (std::size_t i = prefix; i < b.size() - suffix; ++i)
      push(out, DiffPart::Kind::insert, b[i]);
  }
  for (std::size_t i = a.size() - suffix; i < a.size(); ++i) push(out, DiffPart::Kind::equal, a[i]);
  return coalesce(std::move(out));
}

}  // namespace pacte_documents
