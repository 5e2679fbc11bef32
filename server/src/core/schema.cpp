#include "core/schema.hpp"

#include <set>

namespace pacte {

std::size_t utf8_length(std::string_view s) {
  std::size_t n = 0;
  for (unsigned char c : s)
    if ((c & 0xC0) != 0x80) ++n;
  return n;
}

namespace {

Error bad(const std::string& path, const std::string& en, const std::string& fr) {
  return Error{ErrorCode::bad_request, path + ": " + en, path + " : " + fr, path, 0};
}

std::string type_name(const Json& v) {
  if (v.is_null()) return "null";
  if (v.is_boolean()) return "boolean";
  if (v.is_number_integer()) return "integer";
  if (v.is_number()) return "number";
  if (v.is_string()) return "string";
  if (v.is_array()) return "array";
  return "object";
}

}  // namespace

std::optional<Error> validate_schema(const Json& schema, const Json& value, const std::string& path) {
  if (!schema.is_object()) return std::nullopt;
  if (auto t = schema.find("type"); t != schema.end()) {
    // "type" is one name or a list of names (e.g. ["string", "null"]).
    auto matches = [&value](const std::string& type) {
      return (type == "object" && value.is_object()) || (type == "array" && value.is_array()) ||
             (type == "string" && value.is_string()) || (type == "boolean" && value.is_boolean()) ||
             (type == "integer" && value.is_number_integer()) || (type == "number" && value.is_number()) ||
             (type == "null" && value.is_null());
    };
    std::vector<std::string> types;
    if (t->is_string()) types.push_back(t->get<std::string>());
    else if (t->is_array())
      for (auto& x : *t)
        if (x.is_string()) types.push_back(x.get<std::string>());
    bool ok = false;
    for (auto& type : types) ok = ok || matches(type);
    if (!ok) {
      std::string type = types.size() == 1 ? types[0] : t->dump();
      return bad(path, "must be " + std::string(type == "integer" ? "an " : "a ") + type +
                           " (got " + type_name(value) + ")",
                 "doit être de type " + type + " (reçu " + type_name(value) + ")");
    }
  }
  if (auto e = schema.find("enum"); e != schema.end()) {
    bool found = false;
    for (auto& v : *e) found = found || v == value;
    if (!found) return bad(path, "must be one of " + e->dump(), "doit valoir l'une de " + e->dump());
  }
  if (value.is_string()) {
    auto& s = value.get_ref<const std::string&>();
    std::size_t len = utf8_length(s);
    if (auto m = schema.find("minLength"); m != schema.end() && len < m->get<std::size_t>())
      return bad(path, "must be at least " + std::to_string(m->get<std::size_t>()) + " characters",
                 "doit compter au moins " + std::to_string(m->get<std::size_t>()) + " caractères");
    if (auto m = schema.find("maxLength"); m != schema.end() && len > m->get<std::size_t>()) {
      auto e = bad(path, "must be at most " + std::to_string(m->get<std::size_t>()) + " characters",
                   "doit compter au plus " + std::to_string(m->get<std::size_t>()) + " caractères");
      e.code = ErrorCode::too_large;
      return e;
    }
    if (s.find('\0') != std::string::npos)
      return bad(path, "must not contain NUL characters", "ne doit pas contenir de caractère NUL");
  }
  if (value.is_number()) {
    double d = value.get<double>();
    if (auto m = schema.find("minimum"); m != schema.end() && d < m->get<double>())
      return bad(path, "must be at least " + m->dump(), "doit être au moins " + m->dump());
    if (auto m = schema.find("maximum"); m != schema.end() && d > m->get<double>())
      return bad(path, "must be at most " + m->dump(), "doit être au plus " + m->dump());
  }
  if (value.is_array()) {
    if (auto m = schema.find("maxItems"); m != schema.end() && value.size() > m->get<std::size_t>())
      return bad(path, "must have at most " + m->dump() + " items",
                 "doit avoir au plus " + m->dump() + " éléments");
    if (auto items = schema.find("items"); items != schema.end()) {
      for (std::size_t i = 0; i < value.size(); ++i)
        if (auto err = validate_schema(*items, value[i], path + "[" + std::to_string(i) + "]"))
          return err;
    }
  }
  if (value.is_object()) {
    const Json* props = nullptr;
    if (auto p = schema.find("properties"); p != schema.end()) props = &*p;
    if (auto r = schema.find("required"); r != schema.end()) {
      for (auto& name : *r) {
        auto& n = name.get_ref<const std::string&>();
        if (!value.contains(n)) return bad(path + "." + n, "is required", "est obligatoire");
      }
    }
    bool closed = schema.value("additionalProperties", true) == false;
    for (auto& [key, v] : value.items()) {
      if (props && props->contains(key)) {
        if (auto err = validate_schema((*props)[key], v, path + "." + key)) return err;
      } else if (closed) {
        return bad(path + "." + key, "is not an accepted argument", "n'est pas un argument accepté");
      }
    }
  }
  return std::nullopt;
}

Json object_schema(Json properties, std::vector<std::string> required) {
  return Json{{"type", "object"}, {"additionalProperties", false}, {"properties", std::move(properties)},
              {"required", std::move(required)}};
}

const Json& id_schema() {
  static const Json id = {{"type", "integer"}, {"minimum", 1}};
  return id;
}

std::optional<std::string> check_schema(const Json& schema) {
  static const std::set<std::string> keywords = {
      "type", "properties", "required", "additionalProperties", "minLength", "maxLength",
      "minimum", "maximum", "maxItems", "items", "enum", "description"};
  if (!schema.is_object()) return "a schema must be an object";
  for (auto& [k, v] : schema.items()) {
    if (!keywords.count(k)) return "unsupported schema keyword '" + k + "'";
    if (k == "type") {
      static const std::set<std::string> types = {"object", "array", "string", "boolean", "integer", "number", "null"};
      bool ok = v.is_string() ? types.count(v.get<std::string>()) > 0 : v.is_array() && !v.empty();
      if (v.is_array())
        for (auto& x : v) ok = ok && x.is_string() && types.count(x.get<std::string>()) > 0;
      if (!ok) return "'type' must be one of object, array, string, boolean, integer, number, null, or a list of them";
    }
    if (k == "properties") {
      for (auto& [name, sub] : v.items())
        if (auto e = check_schema(sub)) return name + ": " + *e;
    }
    if (k == "items")
      if (auto e = check_schema(v)) return "items: " + *e;
  }
  return std::nullopt;
}

}  // namespace pacte
