#include "notes_plugin.hpp"

#ifndef PACTE_NOTES_VERSION
#define PACTE_NOTES_VERSION "0.0.0"
#endif

namespace pacte_notes {
std::string NotesPlugin::name() const { return "notes"; }
std::string NotesPlugin::version() const { return PACTE_NOTES_VERSION; }
std::string NotesPlugin::title_fr() const { return "Notes partagées"; }
std::string NotesPlugin::title_en() const { return "Shared notes"; }
std::vector<pacte::Migration> NotesPlugin::migrations() const { return {}; }
void NotesPlugin::register_operations(pacte::Registrar&) {}
pacte::Json NotesPlugin::export_workspace(pacte::Context&, std::int64_t) { return nullptr; }
}  // namespace pacte_notes

std::unique_ptr<pacte::Plugin> make_plugin_notes() { return std::make_unique<pacte_notes::NotesPlugin>(); }
