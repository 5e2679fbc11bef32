#include "document_export.hpp"

namespace pacte_documents {

namespace {

using pacte::Json;

std::string status_fr(const std::string& status) {
  if (status == "draft") return "brouillon";
  if (status == "proposed") return "proposée";
  if (status == "under_review") return "en cours de validation";
  if (status == "frozen") return "figée pour signature";
  if (status == "superseded") return "remplacée";
  return status;
}

std::string decision_fr(const std::string& decision) {
  if (decision == "approved") return "approuvé";
  if (decision == "rejected") return "rejeté";
  if (decision == "approved_with_reservations") return "approuvé avec réserves";
  return decision;
}

std::string str(const Json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::string num(const Json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_number_integer() ? std::to_string(it->get<std::int64_t>())
                                                  : std::string();
}

}  // namespace

std::string html_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out.push_back(c);
    }
  }
  return out;
}

std::string render_markdown(const Json& v) {
  std::string out = "# " + str(v, "document_title") + "\n\n";
  out += "- Version : " + num(v, "number") + " — " + str(v, "label") + "\n";
  out += "- Statut : " + status_fr(str(v, "status")) + "\n";
  out += "- Empreinte SHA-256 (forme canonique) : `" + str(v, "hash") + "`\n";
  if (!str(v, "frozen_at").empty()) out += "- Figée le : " + str(v, "frozen_at") + "\n";
  for (auto& s : v.value("sections", Json::array())) {
    out += "\n## " + str(s, "heading") + "\n\n";
    std::string body = str(s, "body");
    if (!body.empty()) out += body + "\n";
    out += "\n<!-- section " + str(s, "key") + " sha256 " + str(s, "hash") + " -->\n";
  }
  auto validations = v.value("validations", Json::array());
  out += "\n## Validations\n\n";
  if (validations.empty()) out += "Aucune validation enregistrée.\n";
  for (auto& val : validations) {
    out += "- " + str(val, "organisation_name") + " — " + str(val, "body") + ", " +
           str(val, "meeting_date") + " : " + decision_fr(str(val, "decision"));
    if (!str(val, "reference").empty()) out += " (" + str(val, "reference") + ")";
    if (!str(val, "note").empty()) out += " — " + str(val, "note");
    if (val.value("matches", false) != true)
      out += " — **autre empreinte : " + str(val, "hash") + "**";
    out += "\n";
  }
  return out;
}

std::string render_html(const Json& v) {
  auto e = [](const std::string& s) { return html_escape(s); };
  std::string out =
      "<!DOCTYPE html>\n<html lang=\"fr\">\n<head>\n<meta charset=\"utf-8\">\n<title>" +
      e(str(v, "document_title")) + " — version " + num(v, "number") +
      "</title>\n<style>\n"
      "body{font-family:Georgia,'Times New Roman',serif;max-width:48rem;margin:2rem auto;padding:0 "
      "1rem;line-height:1.5;color:#111}\n"
      "h1{font-size:1.6rem}h2{font-size:1.2rem;margin-top:2rem;border-bottom:1px solid #999}\n"
      ".meta{border:1px solid #444;padding:0.5rem "
      "1rem}.hash{font-family:monospace;word-break:break-all}\n"
      ".body{white-space:pre-wrap}table{border-collapse:collapse;width:100%}th,td{border:1px solid "
      "#666;padding:0.3rem;text-align:left;vertical-align:top}\n"
      ".flag{font-weight:bold}.date{white-space:nowrap}@media print{body{margin:0}}\n"
      "</style>\n</head>\n<body>\n";
  out += "<h1>" + e(str(v, "document_title")) + "</h1>\n<dl class=\"meta\">\n";
  out += "<dt>Version</dt><dd>" + num(v, "number") + " — " + e(str(v, "label")) + "</dd>\n";
  out += "<dt>Statut</dt><dd>" + e(status_fr(str(v, "status"))) + "</dd>\n";
  out += "<dt>Empreinte SHA-256 de la forme canonique</dt><dd class=\"hash\">" + e(str(v, "hash")) +
         "</dd>\n";
  if (!str(v, "frozen_at").empty())
    out += "<dt>Figée le</dt><dd>" + e(str(v, "frozen_at")) + "</dd>\n";
  out += "</dl>\n";
  for (auto& s : v.value("sections", Json::array())) {
    out += "<section id=\"s-" + e(str(s, "key")) + "\">\n<h2>" + e(str(s, "heading")) + "</h2>\n";
    out += "<div class=\"body\">" + e(str(s, "body")) + "</div>\n";
    out += "<p class=\"hash\"><small>" + e(str(s, "key")) + " · " + e(str(s, "hash")) +
           "</small></p>\n</section>\n";
  }
  out += "<h2>Validations</h2>\n";
  auto validations = v.value("validations", Json::array());
  if (validations.empty()) {
    out += "<p>Aucune validation enregistrée.</p>\n";
  } else {
    out +=
        "<table>\n<thead><tr><th>Organisation</th><th>Instance</th><th>Date</th><th>Décision</"
        "th><th>Référence</th><th>Empreinte</th></tr></thead>\n<tbody>\n";
    for (auto& val : validations) {
      bool matches = val.value("matches", false);
      out += "<tr><td>" + e(str(val, "organisation_name")) + "</td><td>" + e(str(val, "body")) +
             "</td><td class=\"date\">" + e(str(val, "meeting_date")) + "</td><td>" +
             e(decision_fr(str(val, "decision"))) +
             (str(val, "note").empty() ? "" : "<br>" + e(str(val, "note"))) + "</td><td>" +
             e(str(val, "reference")) + "</td><td>" +
             (matches ? "cette version"
                      : "<span class=\"flag\">autre texte : </span><span class=\"hash\">" +
                            e(str(val, "hash")) + "</span>") +
             "</td></tr>\n";
    }
    out += "</tbody>\n</table>\n";
  }
  out += "</body>\n</html>\n";
  return out;
}

}  // namespace pacte_documents
