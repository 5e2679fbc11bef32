// Renders a meeting's minutes document (the JSON assembled by the plugin: meeting,
// attendance, items with their notes, decisions and actions, amendments) as Markdown and
// as a printable HTML page. Pure; everything from users is escaped.
#pragma once

#include <string>
#include <string_view>

#include "pacte/operation.hpp"

namespace pacte_agenda {

std::string render_minutes_markdown(const pacte::Json& doc);
/// A complete HTML document (inline styles only: served under a CSP without scripts).
std::string render_minutes_html(const pacte::Json& doc);
std::string html_escape(std::string_view text);
/// Escapes Markdown punctuation so that user text renders as typed.
std::string markdown_escape(std::string_view text);

}  // namespace pacte_agenda
