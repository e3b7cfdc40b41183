#include "normalise.hpp"

#include "field_reader.hpp"

#include "rcvault/core/message_fields.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdint>
#include <utility>

namespace rcvault::ingest::detail {
namespace json = boost::json;
namespace {

// Body keys read apart from the field table: objects whose id fills a typed
// field (owner.extensionId, conversation.id) and which are kept in extra too.
enum class special : std::uint8_t { none, owner, conversation };

// One body key: the index of its field in the table (-1: none), or a special.
struct body_key {
  std::string_view json;
  int field = -1;
  special what = special::none;
};

// A field table sorted by JSON name at compile time, so one pass over a body
// dispatches each key with a binary search; whatever is not in it is extra by
// construction. Derived fields (ownerId) have no body key: field -1.
template <class Record, std::size_t N, std::size_t S = 0>
constexpr std::array<body_key, N + S> body_keys(const std::array<core::field<Record>, N>& fields,
                                                std::array<body_key, S> specials = {}) {
  std::array<body_key, N + S> out{};
  for (std::size_t i = 0; i < N; ++i)
    out[i] = {fields[i].json, fields[i].source == core::field_source::body ? static_cast<int>(i) : -1};
  for (std::size_t i = 0; i < S; ++i) out[N + i] = specials[i];
  std::sort(out.begin(), out.end(), [](const body_key& a, const body_key& b) { return a.json < b.json; });
  return out;
}

template <std::size_t N>
constexpr bool unique_names(const std::array<body_key, N>& keys) {
  for (std::size_t i = 1; i < N; ++i)
    if (keys[i - 1].json == keys[i].json) return false;
  return true;
}

constexpr auto message_keys = body_keys(core::message_fields, std::array{body_key{"owner", -1, special::owner},
                                                                         body_key{"conversation", -1, special::conversation}});
constexpr auto party_keys = body_keys(core::party_fields);
constexpr auto attachment_keys = body_keys(core::attachment_fields);
static_assert(unique_names(message_keys) && unique_names(party_keys) && unique_names(attachment_keys),
              "a JSON name appears twice in a field table");

template <std::size_t N>
const body_key* lookup(const std::array<body_key, N>& keys, std::string_view key) {
  auto it = std::lower_bound(keys.begin(), keys.end(), key,
                             [](const body_key& entry, std::string_view k) { return entry.json < k; });
  return it != keys.end() && it->json == key ? &*it : nullptr;
}

void keep_extra(json::object& extra, std::string_view key, const json::value& v) {
  if (v.is_null()) return;
  extra.emplace(key, with_ids_as_text(v, key));
}

// Where nested objects of a message are read from: "body.from", "body.to[1]".
struct nesting {
  std::string_view prefix;  // the message's own path ("body", "record")
  std::string& path;        // scratch buffer for the nested path
};

core::party read_party(const json::object& o, field_path at, field_reader& r);
core::attachment read_attachment(const json::object& o, field_path at, field_reader& r);

// Reads an array of objects; nullopt for null, a failure for other types or
// for elements that are not objects.
template <class T, class Read>
std::optional<std::vector<T>> read_list(const json::value& v, std::string_view key, nesting n, field_reader& r,
                                        Read read) {
  if (v.is_null()) return std::nullopt;
  if (!v.is_array()) {
    r.fail({n.prefix}, key, "expected an array");
    return std::nullopt;
  }
  n.path.assign(n.prefix).append(".").append(key);
  std::vector<T> out;
  out.reserve(v.get_array().size());
  int index = 0;
  for (const auto& e : v.get_array()) {
    field_path at{n.path, index};
    if (!e.is_object()) {
      r.fail({n.prefix}, std::string(key) + "[" + std::to_string(index) + "]", "expected an object");
      return std::nullopt;
    }
    out.push_back(read(e.get_object(), at, r));
    ++index;
  }
  return out;
}

// Reads the value `v` of body key `k` into the field `f` of `rec`.
template <class Record>
void read_field(Record& rec, const core::field<Record>& f, const json::value& v, field_path at, std::string_view k,
                field_reader& r, nesting n) {
  using core::field_kind;
  switch (f.kind) {
    // A missing attachment id is kept as "" rather than failing the message:
    // the attachment is still worth listing. (The message's own id is read
    // by normalise_message.)
    case field_kind::key: rec.*f.key = r.id(v, at, k).value_or(std::string()); break;
    case field_kind::text: rec.*f.text = r.text(v, at, k); break;
    case field_kind::id: rec.*f.text = r.id(v, at, k); break;
    case field_kind::message_type:
      if (auto t = r.text(v, at, k)) rec.*f.text = canonical_type(*t);
      break;
    case field_kind::integer: rec.*f.integer = r.integer(v, at, k); break;
    case field_kind::time: rec.*f.integer = r.time(v, at, k); break;
    case field_kind::boolean: rec.*f.boolean = r.boolean(v, at, k); break;
    case field_kind::party:
      if (v.is_null()) break;
      if (!v.is_object()) {
        r.fail(at, k, "expected an object");
        break;
      }
      n.path.assign(n.prefix).append(".").append(k);
      rec.*f.one_party = read_party(v.get_object(), {n.path}, r);
      break;
    case field_kind::parties: rec.*f.parties = read_list<core::party>(v, k, n, r, read_party); break;
    case field_kind::attachments:
      rec.*f.attachments = read_list<core::attachment>(v, k, n, r, read_attachment);
      break;
  }
}

// Reads a party or an attachment: typed fields by the table, the rest extra.
template <class Record, std::size_t N, std::size_t K>
Record read_record(const json::object& o, field_path at, field_reader& r,
                   const std::array<core::field<Record>, N>& fields, const std::array<body_key, K>& keys) {
  Record rec;
  std::string unused;
  for (const auto& kv : o) {
    const auto* key = lookup(keys, kv.key());
    if (!key || key->field < 0) {
      keep_extra(rec.extra, kv.key(), kv.value());
      continue;
    }
    read_field(rec, fields[static_cast<std::size_t>(key->field)], kv.value(), at, kv.key(), r, {at.parent, unused});
  }
  return rec;
}

core::party read_party(const json::object& o, field_path at, field_reader& r) {
  return read_record(o, at, r, core::party_fields, party_keys);
}

core::attachment read_attachment(const json::object& o, field_path at, field_reader& r) {
  return read_record(o, at, r, core::attachment_fields, attachment_keys);
}

// The id of an object-valued field (owner.extensionId, conversation.id); the
// object itself is kept in extra.
std::optional<std::string> nested_id(json::object& extra, std::string_view prefix, std::string_view k,
                                     const json::value& v, std::string_view id_key, field_reader& r) {
  if (v.is_null()) return std::nullopt;
  if (!v.is_object()) {
    r.fail({prefix}, k, "expected an object");
    return std::nullopt;
  }
  std::optional<std::string> id;
  if (const auto* e = v.get_object().if_contains(id_key)) {
    std::string path = std::string(prefix) + "." + std::string(k);
    id = r.id(*e, {path}, id_key);
  }
  keep_extra(extra, k, v);
  return id;
}

}  // namespace

std::string canonical_type(std::string_view type) {
  static constexpr std::array<std::string_view, 5> known{"SMS", "Fax", "VoiceMail", "Pager", "Text"};
  for (auto k : known) {
    if (k.size() != type.size()) continue;
    bool same = std::equal(k.begin(), k.end(), type.begin(), [](char a, char b) {
      return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
    });
    if (same) return std::string(k);
  }
  return std::string(type);
}

normalised normalise_message(const json::object& body, std::string_view prefix,
                             std::optional<std::string> owner_fallback) {
  field_reader r;
  core::message m;
  field_path at{prefix};
  std::optional<std::string> id, conversation_object_id, owner_id;
  std::string list_path;

  for (const auto& kv : body) {
    const json::value& v = kv.value();
    std::string_view k = kv.key();
    const auto* key = lookup(message_keys, k);
    if (!key || (key->field < 0 && key->what == special::none)) {
      keep_extra(m.extra, k, v);
    } else if (key->what == special::owner) {
      if (auto e = nested_id(m.extra, prefix, k, v, "extensionId", r)) owner_id = std::move(e);
    } else if (key->what == special::conversation) {
      if (auto e = nested_id(m.extra, prefix, k, v, "id", r)) conversation_object_id = std::move(e);
    } else if (const auto& f = core::message_fields[static_cast<std::size_t>(key->field)];
               f.kind == core::field_kind::key) {
      if (v.is_string() && v.get_string().empty()) r.fail(at, k, "empty id");
      id = r.id(v, at, k);
    } else {
      read_field(m, f, v, at, k, r, {prefix, list_path});
    }
  }
  if (!id && r.ok()) r.fail(at, "id", "missing");
  if (!r.ok()) return {std::nullopt, r.reason()};

  m.id = std::move(*id);
  // conversation.id wins over conversationId.
  if (conversation_object_id) m.conversation_id = std::move(conversation_object_id);
  m.owner_id = owner_id ? std::move(owner_id) : std::move(owner_fallback);
  return {std::move(m), std::string()};
}

std::string normalise_changes(const json::array& changes, std::vector<core::change>& out) {
  field_reader r;
  out.clear();
  out.reserve(changes.size());
  int index = 0;
  for (const auto& e : changes) {
    field_path at{"body.changes", index};
    if (!e.is_object()) {
      r.fail({"body"}, "changes[" + std::to_string(index) + "]", "expected an object");
      break;
    }
    const auto& o = e.get_object();
    core::change c;
    if (const auto* v = o.if_contains("type"))
      if (auto t = r.text(*v, at, "type")) c.type = canonical_type(*t);
    if (const auto* v = o.if_contains("newCount")) c.new_count = r.integer(*v, at, "newCount").value_or(0);
    if (const auto* v = o.if_contains("updatedCount"))
      c.updated_count = r.integer(*v, at, "updatedCount").value_or(0);
    if (const auto* v = o.if_contains("newMessageIds"); v && !v->is_null()) {
      if (!v->is_array()) {
        r.fail(at, "newMessageIds", "expected an array");
      } else {
        for (const auto& idv : v->get_array()) {
          auto id = id_text(idv);
          if (!id) {
            r.fail(at, "newMessageIds", "expected string or integer ids");
            break;
          }
          c.new_message_ids.push_back(std::move(*id));
        }
      }
    }
    if (!r.ok()) break;
    out.push_back(std::move(c));
    ++index;
  }
  if (!r.ok()) out.clear();
  return r.reason();
}

}  // namespace rcvault::ingest::detail
