// Markdown and printable HTML renderings of a version, from the JSON that
// documents.version.get returns (title, status, hash, sections, validations).
#pragma once

#include <string>
#include <string_view>

#include "pacte/result.hpp"

namespace pacte_documents {

/// Escapes & < > " ' for HTML text and attribute values.
std::string html_escape(std::string_view text);

/// The version as Markdown: a header block (document, version, status, SHA-256), each
/// section as "## heading" followed by its body, then the validations.
std::string render_markdown(const pacte::Json& version);

/// A self-contained printable HTML page (inline style only, no script): every value is
/// escaped; section bodies are shown as preformatted paragraphs, not interpreted.
std::string render_html(const pacte::Json& version);

}  // namespace pacte_documents
