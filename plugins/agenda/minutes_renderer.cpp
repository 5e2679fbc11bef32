#include "minutes_renderer.hpp"

namespace pacte_agenda {

using pacte::Json;

std::string html_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string markdown_escape(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '\r') continue;
    if (c == '\n') {
      out += "  \n";  // a hard line break: the text's own lines stay lines
      continue;
    }
    // Only what would change the rendering of running text: emphasis, code, links, raw
    // HTML, headings and tables. Parentheses and dots stay readable in the raw file.
    if (std::string_view("\\`*_[]<>#|~").find(c) != std::string_view::npos) out += '\\';
    out += c;
  }
  return out;
}

namespace {

std::string str(const Json& j, const char* key) {
  auto it = j.find(key);
  return (it != j.end() && it->is_string()) ? it->get<std::string>() : std::string();
}

std::string outcome_fr(const std::string& o) { return o == "adopted" ? "adoptée" : o == "rejected" ? "rejetée" : o; }

std::string status_fr(const std::string& s) {
  if (s == "present") return "présent·e";
  if (s == "excused") return "excusé·e";
  if (s == "absent") return "absent·e";
  if (s == "represented") return "représenté·e";
  return s;
}

std::string action_status_fr(const std::string& s) {
  if (s == "open") return "à faire";
  if (s == "in_progress") return "en cours";
  if (s == "done") return "fait";
  if (s == "dropped") return "abandonné";
  return s;
}

/// "2027-04-30" -> "30/04/2027" (French order); anything else unchanged.
std::string date_fr(const std::string& ymd) {
  if (ymd.size() != 10 || ymd[4] != '-' || ymd[7] != '-') return ymd;
  return ymd.substr(8, 2) + "/" + ymd.substr(5, 2) + "/" + ymd.substr(0, 4);
}

std::string votes_text(const Json& d) {
  if (d["votes_for"].is_null() && d["votes_against"].is_null() && d["abstentions"].is_null()) return {};
  auto n = [](const Json& v) { return v.is_null() ? std::string("–") : std::to_string(v.get<long long>()); };
  return "pour " + n(d["votes_for"]) + ", contre " + n(d["votes_against"]) + ", abstentions " + n(d["abstentions"]);
}

}  // namespace

std::string render_minutes_markdown(const Json& doc) {
  const Json& m = doc["meeting"];
  std::string md;
  md += "# Compte rendu — " + markdown_escape(str(m, "title")) + "\n\n";
  md += "- Espace : " + markdown_escape(str(doc, "workspace_name")) + "\n";
  md += "- Date : " + markdown_escape(str(m, "when_fr")) + " (heure de Paris)\n";
  if (!str(m, "place").empty()) md += "- Lieu : " + markdown_escape(str(m, "place")) + "\n";
  if (!str(m, "video_url").empty()) md += "- Visioconférence : " + markdown_escape(str(m, "video_url")) + "\n";
  md += "- État : " + markdown_escape(str(doc, "state_fr")) + "\n\n";

  md += "## Présences\n\n";
  for (auto& a : doc["attendance"]) {
    md += "- " + markdown_escape(str(a, "name")) + " : " + status_fr(str(a, "status"));
    if (!str(a, "proxy_name").empty()) md += " (a donné pouvoir à " + markdown_escape(str(a, "proxy_name")) + ")";
    md += "\n";
  }
  if (doc["attendance"].empty()) md += "- (non renseignées)\n";
  md += "\nOrganisations présentes : ";
  std::string orgs;
  for (auto& o : doc["organisations_present"]) orgs += (orgs.empty() ? "" : ", ") + markdown_escape(o.get<std::string>());
  md += (orgs.empty() ? std::string("(aucune)") : orgs) + "\n\n";
  if (doc.contains("quorum") && doc["quorum"].is_object())
    md += "Quorum : " + markdown_escape(str(doc["quorum"], "text_fr")) + "\n\n";

  md += "## Ordre du jour\n";
  for (auto& it : doc["items"]) {
    md += "\n" + std::string(it.value("depth", 0) == 0 ? "### " : "#### ") + markdown_escape(str(it, "number")) + ". " +
          markdown_escape(str(it, "title")) + "\n\n";
    if (!str(it, "presenter_name").empty()) md += "Présenté par : " + markdown_escape(str(it, "presenter_name")) + "\n\n";
    if (!str(it, "description").empty()) md += markdown_escape(str(it, "description")) + "\n\n";
    for (auto& n : it.value("notes", Json::array())) {
      md += "Notes — " + markdown_escape(str(n, "title")) + " :\n\n";
      // The notes plugin's export is Markdown already: quoted, kept as written.
      std::string text = str(n, "markdown");
      std::string quoted = "> ";
      for (char c : text) {
        quoted += c;
        if (c == '\n') quoted += "> ";
      }
      md += quoted + "\n\n";
    }
    for (auto& d : it["decisions"]) {
      md += "- **Décision " + outcome_fr(str(d, "outcome")) + "** : " + markdown_escape(str(d, "text"));
      std::string v = votes_text(d);
      if (!v.empty()) md += " (" + v + ")";
      md += "\n";
    }
    for (auto& a : it["actions"]) {
      md += "- **Action** : " + markdown_escape(str(a, "what")) + " — " + markdown_escape(str(a, "owner_name"));
      if (!str(a, "due").empty()) md += ", échéance " + date_fr(str(a, "due"));
      md += " (" + action_status_fr(str(a, "status")) + ")\n";
    }
  }
  if (!doc["amendments"].empty()) {
    md += "\n## Amendements\n\n";
    for (auto& a : doc["amendments"])
      md += "- " + markdown_escape(str(a, "author_name")) + " : " + markdown_escape(str(a, "text")) + "\n";
  }
  return md;
}

std::string render_minutes_html(const Json& doc) {
  const Json& m = doc["meeting"];
  std::string h;
  h += "<!DOCTYPE html>\n<html lang=\"fr\"><head><meta charset=\"utf-8\"><title>Compte rendu — " +
       html_escape(str(m, "title")) + "</title>";
  h += "<style>body{font-family:system-ui,sans-serif;max-width:48rem;margin:2rem auto;padding:0 1rem;color:#111;line-height:1.45}"
       "h1{font-size:1.6rem}h2{border-bottom:1px solid #999;margin-top:2rem}table{border-collapse:collapse}"
       "td,th{border:1px solid #bbb;padding:.25rem .5rem;text-align:left}.meta{color:#333}"
       "blockquote{border-left:3px solid #999;margin:.5rem 0;padding-left:1rem;white-space:pre-wrap}"
       ".hash{font-family:monospace;font-size:.8rem;word-break:break-all}@media print{body{margin:0}}</style></head><body>\n";
  h += "<h1>Compte rendu — " + html_escape(str(m, "title")) + "</h1>\n<p class=\"meta\">";
  h += html_escape(str(doc, "workspace_name")) + "<br>" + html_escape(str(m, "when_fr")) + " (heure de Paris)";
  if (!str(m, "place").empty()) h += "<br>Lieu : " + html_escape(str(m, "place"));
  if (!str(m, "video_url").empty()) h += "<br>Visioconférence : " + html_escape(str(m, "video_url"));
  h += "<br>État : " + html_escape(str(doc, "state_fr")) + "</p>\n";
  h += "<h2>Présences</h2>\n<table><thead><tr><th scope=\"col\">Personne</th><th scope=\"col\">Présence</th></tr></thead><tbody>\n";
  for (auto& a : doc["attendance"]) {
    std::string s = status_fr(str(a, "status"));
    if (!str(a, "proxy_name").empty()) s += " (a donné pouvoir à " + str(a, "proxy_name") + ")";
    h += "<tr><td>" + html_escape(str(a, "name")) + "</td><td>" + html_escape(s) + "</td></tr>\n";
  }
  h += "</tbody></table>\n<p>Organisations présentes : ";
  std::string orgs;
  for (auto& o : doc["organisations_present"]) orgs += (orgs.empty() ? "" : ", ") + html_escape(o.get<std::string>());
  h += (orgs.empty() ? std::string("(aucune)") : orgs) + "</p>\n";
  if (doc.contains("quorum") && doc["quorum"].is_object())
    h += "<p>Quorum : " + html_escape(str(doc["quorum"], "text_fr")) + "</p>\n";
  h += "<h2>Ordre du jour</h2>\n";
  for (auto& it : doc["items"]) {
    const char* tag = it.value("depth", 0) == 0 ? "h3" : "h4";
    h += std::string("<") + tag + ">" + html_escape(str(it, "number")) + ". " + html_escape(str(it, "title")) + "</" + tag + ">\n";
    if (!str(it, "presenter_name").empty()) h += "<p>Présenté par : " + html_escape(str(it, "presenter_name")) + "</p>\n";
    if (!str(it, "description").empty())
      h += "<p style=\"white-space:pre-wrap\">" + html_escape(str(it, "description")) + "</p>\n";
    for (auto& n : it.value("notes", Json::array()))
      h += "<p>Notes — " + html_escape(str(n, "title")) + " :</p><blockquote>" + html_escape(str(n, "text")) + "</blockquote>\n";
    if (!it["decisions"].empty() || !it["actions"].empty()) {
      h += "<ul>\n";
      for (auto& d : it["decisions"]) {
        h += "<li><strong>Décision " + html_escape(outcome_fr(str(d, "outcome"))) + "</strong> : " + html_escape(str(d, "text"));
        std::string v = votes_text(d);
        if (!v.empty()) h += " (" + html_escape(v) + ")";
        h += "</li>\n";
      }
      for (auto& a : it["actions"]) {
        h += "<li><strong>Action</strong> : " + html_escape(str(a, "what")) + " — " + html_escape(str(a, "owner_name"));
        if (!str(a, "due").empty()) h += ", échéance " + html_escape(date_fr(str(a, "due")));
        h += " (" + html_escape(action_status_fr(str(a, "status"))) + ")</li>\n";
      }
      h += "</ul>\n";
    }
  }
  if (!doc["amendments"].empty()) {
    h += "<h2>Amendements</h2>\n<ul>\n";
    for (auto& a : doc["amendments"])
      h += "<li>" + html_escape(str(a, "author_name")) + " : " + html_escape(str(a, "text")) + "</li>\n";
    h += "</ul>\n";
  }
  if (!str(doc, "hash").empty())
    h += "<p class=\"hash\">Empreinte SHA-256 du compte rendu publié (Markdown) : " + html_escape(str(doc, "hash")) + "</p>\n";
  h += "</body></html>\n";
  return h;
}

}  // namespace pacte_agenda
