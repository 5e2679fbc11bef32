#include "text_operation.hpp"

#include <algorithm>
#include <cstddef>

namespace pacte_notes {

namespace {

using Kind = OpComponent::Kind;

/// Largest length a component may carry on the wire: far above any note, far below
/// overflow when lengths are summed.
constexpr std::int64_t kMaxComponentLength = std::int64_t{1} << 40;

bool is_continuation(unsigned char c) {
  return (c & 0xC0) == 0x80;
}

/// Byte offset of the code point `n` of valid UTF-8 (its size when n is the count).
std::size_t byte_offset(std::string_view text, std::int64_t n) {
  std::size_t i = 0;
  while (n > 0 && i < text.size()) {
    ++i;
    while (i < text.size() && is_continuation(static_cast<unsigned char>(text[i]))) ++i;
    --n;
  }
  return i;
}

/// Code points of valid UTF-8 (counts lead bytes).
std::int64_t count_code_points(std::string_view text) {
  std::int64_t n = 0;
  for (char c : text)
    if (!is_continuation(static_cast<unsigned char>(c))) ++n;
  return n;
}

/// The remaining part of the current component while walking an operation.
struct Piece {
  Kind kind = Kind::retain;
  std::int64_t length = 0;
  std::string_view text{};
};

/// Walks the components of an operation, handing out whole components or prefixes.
class Reader {
 public:
  explicit Reader(const std::vector<OpComponent>& ops) : ops_(ops) { advance(); }
  bool done() const { return !valid_; }
  const Piece& current() const { return current_; }
  /// Takes the first `n` code points of the current piece (n <= its length).
  Piece take(std::int64_t n) {
    Piece out = current_;
    out.length = n;
    if (current_.kind == Kind::insert) {
      std::size_t bytes =
          n == current_.length ? current_.text.size() : byte_offset(current_.text, n);
      out.text = current_.text.substr(0, bytes);
      current_.text.remove_prefix(bytes);
    }
    current_.length -= n;
    if (current_.length == 0) advance();
    return out;
  }
  Piece take_all() { return take(current_.length); }

 private:
  void advance() {
    if (next_ < ops_.size()) {
      const OpComponent& c = ops_[next_++];
      current_ = Piece{c.kind, c.length, c.text};
      valid_ = true;
    } else {
      valid_ = false;
    }
  }
  const std::vector<OpComponent>& ops_;
  std::size_t next_ = 0;
  Piece current_{};
  bool valid_ = false;
};

void add(TextOperation& op, const Piece& piece) {
  switch (piece.kind) {
    case Kind::retain:
      op.retain(piece.length);
      break;
    case Kind::insert:
      op.insert(piece.text);
      break;
    case Kind::remove:
      op.remove(piece.length);
      break;
  }
}

}  // namespace

std::optional<std::int64_t> utf8_code_points(std::string_view text) {
  std::int64_t count = 0;
  std::size_t i = 0;
  const std::size_t n = text.size();
  while (i < n) {
    auto c = static_cast<unsigned char>(text[i]);
    std::size_t extra = 0;
    std::uint32_t cp = 0;
    if (c < 0x80) {
      ++i;
      ++count;
      continue;
    } else if (c >= 0xC2 && c <= 0xDF) {
      extra = 1;
      cp = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
      extra = 2;
      cp = c & 0x0F;
    } else if (c >= 0xF0 && c <= 0xF4) {
      extra = 3;
      cp = c & 0x07;
    } else {
      return std::nullopt;  // continuation byte first, overlong lead C0/C1, or F5–FF
    }
    if (n - i <= extra) return std::nullopt;
    for (std::size_t k = 1; k <= extra; ++k) {
      auto d = static_cast<unsigned char>(text[i + k]);
      if (!is_continuation(d)) return std::nullopt;
      cp = (cp << 6) | (d & 0x3F);
    }
    if ((extra == 2 && cp < 0x800) || (extra == 3 && (cp < 0x10000 || cp > 0x10FFFF)))
      return std::nullopt;
    if (cp >= 0xD800 && cp <= 0xDFFF) return std::nullopt;  // surrogates are not characters
    i += extra + 1;
    ++count;
  }
  return count;
}

TextOperation& TextOperation::retain(std::int64_t n) {
  if (n <= 0) return *this;
  base_length_ += n;
  target_length_ += n;
  if (!ops_.empty() && ops_.back().kind == Kind::retain)
    ops_.back().length += n;
  else
    ops_.push_back({Kind::retain, n, {}});
  return *this;
}

TextOperation& TextOperation::insert(std::string_view text) {
  if (text.empty()) return *this;
  std::int64_t n = count_code_points(text);
  target_length_ += n;
  if (!ops_.empty() && ops_.back().kind == Kind::insert) {
    ops_.back().text.append(text);
    ops_.back().length += n;
  } else if (!ops_.empty() && ops_.back().kind == Kind::remove) {
    // Insert-then-delete and delete-then-insert have one effect; keep the first form.
    if (ops_.size() >= 2 && ops_[ops_.size() - 2].kind == Kind::insert) {
      auto& previous = ops_[ops_.size() - 2];
      previous.text.append(text);
      previous.length += n;
    } else {
      ops_.insert(ops_.end() - 1, OpComponent{Kind::insert, n, std::string(text)});
    }
  } else {
    ops_.push_back({Kind::insert, n, std::string(text)});
  }
  return *this;
}

TextOperation& TextOperation::remove(std::int64_t n) {
  if (n <= 0) return *this;
  base_length_ += n;
  if (!ops_.empty() && ops_.back().kind == Kind::remove)
    ops_.back().length += n;
  else
    ops_.push_back({Kind::remove, n, {}});
  return *this;
}

bool TextOperation::is_noop() const {
  return std::all_of(ops_.begin(), ops_.end(),
                     [](const OpComponent& c) { return c.kind == Kind::retain; });
}

std::optional<TextOperation> TextOperation::from_json(const nlohmann::json& wire,
                                                      std::string& error) {
  if (!wire.is_array()) {
    error = "an operation must be a JSON array of integers and strings";
    return std::nullopt;
  }
  TextOperation op;
  std::optional<Kind> previous;
  for (std::size_t i = 0; i < wire.size(); ++i) {
    const auto& item = wire[i];
    std::string where = "component " + std::to_string(i);
    Kind kind;
    std::int64_t length = 0;
    if (item.is_number_integer()) {
      if (item.is_number_unsigned() &&
          item.get<std::uint64_t>() > static_cast<std::uint64_t>(kMaxComponentLength)) {
        error = where + ": length too large";
        return std::nullopt;
      }
      std::int64_t n = item.get<std::int64_t>();
      if (n == 0) {
        error = where + ": 0 is not a component (operations are normalised)";
        return std::nullopt;
      }
      if (n > kMaxComponentLength || n < -kMaxComponentLength) {
        error = where + ": length too large";
        return std::nullopt;
      }
      kind = n > 0 ? Kind::retain : Kind::remove;
      length = n > 0 ? n : -n;
    } else if (item.is_string()) {
      const auto& text = item.get_ref<const std::string&>();
      auto n = utf8_code_points(text);
      if (!n) {
        error = where + ": the inserted text is not valid UTF-8 (or holds a lone surrogate)";
        return std::nullopt;
      }
      if (*n == 0) {
        error = where + ": an empty insert is not a component (operations are normalised)";
        return std::nullopt;
      }
      kind = Kind::insert;
      length = *n;
    } else {
      error = where + ": must be an integer (retain n, or delete -n) or a string (insert)";
      return std::nullopt;
    }
    if (previous && *previous == kind) {
      error = where + ": two adjacent components of the same kind (operations are normalised)";
      return std::nullopt;
    }
    if (previous && *previous == Kind::remove && kind == Kind::insert) {
      error = where + ": an insert must come before an adjacent delete (operations are normalised)";
      return std::nullopt;
    }
    previous = kind;
    if (kind == Kind::insert)
      op.insert(item.get_ref<const std::string&>());
    else if (kind == Kind::retain)
      op.retain(length);
    else
      op.remove(length);
  }
  return op;
}

nlohmann::json TextOperation::to_json() const {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& c : ops_) {
    switch (c.kind) {
      case Kind::retain:
        out.push_back(c.length);
        break;
      case Kind::insert:
        out.push_back(c.text);
        break;
      case Kind::remove:
        out.push_back(-c.length);
        break;
    }
  }
  return out;
}

std::optional<std::string> TextOperation::apply(std::string_view document) const {
  if (count_code_points(document) != base_length_) return std::nullopt;
  std::string out;
  out.reserve(document.size() + 16);
  std::size_t at = 0;
  for (const auto& c : ops_) {
    switch (c.kind) {
      case Kind::retain: {
        std::size_t bytes = byte_offset(document.substr(at), c.length);
        out.append(document.substr(at, bytes));
        at += bytes;
        break;
      }
      case Kind::insert:
        out.append(c.text);
        break;
      case Kind::remove:
        at += byte_offset(document.substr(at), c.length);
        break;
    }
  }
  return out;
}

std::optional<TextOperation> TextOperation::compose(const TextOperation& next) const {
  if (target_length_ != next.base_length_) return std::nullopt;
  TextOperation out;
  Reader a(ops_), b(next.ops_);
  while (!a.done() || !b.done()) {
    if (!a.done() && a.current().kind == Kind::remove) {
      add(out, a.take_all());
      continue;
    }
    if (!b.done() && b.current().kind == Kind::insert) {
      add(out, b.take_all());
      continue;
    }
    if (a.done() || b.done()) return std::nullopt;  // unreachable when lengths match
    std::int64_t n = std::min(a.current().length, b.current().length);
    Kind ka = a.current().kind, kb = b.current().kind;
    Piece pa = a.take(n);
    b.take(n);
    if (ka == Kind::retain && kb == Kind::retain)
      out.retain(n);
    else if (ka == Kind::insert && kb == Kind::retain)
      out.insert(pa.text);
    else if (ka == Kind::retain && kb == Kind::remove)
      out.remove(n);
    // insert then delete of the same text: nothing remains
  }
  return out;
}

std::optional<std::pair<TextOperation, TextOperation>> TextOperation::transform(
    const TextOperation& a, const TextOperation& b) {
  if (a.base_length_ != b.base_length_) return std::nullopt;
  TextOperation a2, b2;
  Reader ra(a.ops_), rb(b.ops_);
  while (!ra.done() || !rb.done()) {
    if (!ra.done() && ra.current().kind == Kind::insert) {
      Piece p = ra.take_all();
      a2.insert(p.text);
      b2.retain(p.length);
      continue;
    }
    if (!rb.done() && rb.current().kind == Kind::insert) {
      Piece p = rb.take_all();
      a2.retain(p.length);
      b2.insert(p.text);
      continue;
    }
    if (ra.done() || rb.done()) return std::nullopt;  // unreachable when lengths match
    std::int64_t n = std::min(ra.current().length, rb.current().length);
    Kind ka = ra.current().kind, kb = rb.current().kind;
    ra.take(n);
    rb.take(n);
    if (ka == Kind::retain && kb == Kind::retain) {
      a2.retain(n);
      b2.retain(n);
    } else if (ka == Kind::remove && kb == Kind::retain) {
      a2.remove(n);
    } else if (ka == Kind::retain && kb == Kind::remove) {
      b2.remove(n);
    }
    // both delete the same text: neither needs to
  }
  return std::make_pair(std::move(a2), std::move(b2));
}

TextOperation TextOperation::invert(std::string_view document) const {
  TextOperation out;
  std::size_t at = 0;
  for (const auto& c : ops_) {
    switch (c.kind) {
      case Kind::retain:
        out.retain(c.length);
        at += byte_offset(document.substr(at), c.length);
        break;
      case Kind::insert:
        out.remove(c.length);
        break;
      case Kind::remove: {
        std::size_t bytes = byte_offset(document.substr(at), c.length);
        out.insert(document.substr(at, bytes));
        at += bytes;
        break;
      }
    }
  }
  return out;
}

std::int64_t TextOperation::transform_index(std::int64_t index) const {
  // `left`: code points of the base document still before the position.
  std::int64_t left = index, moved = index;
  for (const auto& c : ops_) {
    if (left < 0) break;
    switch (c.kind) {
      case Kind::retain:
        left -= c.length;
        break;
      case Kind::insert:
        moved += c.length;
        break;
      case Kind::remove:
        moved -= std::min(left, c.length);
        left -= c.length;
        break;
    }
  }
  return moved;
}

TextRange TextOperation::transform_range(TextRange range) const {
  return {transform_index(range.anchor), transform_index(range.head)};
}

}  // namespace pacte_notes
