#include "raw_codec.hpp"

#include <SQLiteCpp/Statement.h>
#include <zstd.h>

#include <stdexcept>

namespace rcvault::store::detail {
namespace {

struct cctx_free {
  void operator()(ZSTD_CCtx* p) const { ZSTD_freeCCtx(p); }
};
struct dctx_free {
  void operator()(ZSTD_DCtx* p) const { ZSTD_freeDCtx(p); }
};
struct cdict_free {
  void operator()(ZSTD_CDict* p) const { ZSTD_freeCDict(p); }
};
struct ddict_free {
  void operator()(ZSTD_DDict* p) const { ZSTD_freeDDict(p); }
};

// The largest payload decode() believes a frame header about: far above the
// webhook's body limit, so only a corrupt header reaches it.
constexpr unsigned long long max_payload = 256ULL << 20;

[[noreturn]] void corrupt(std::optional<std::int64_t> dict, std::string_view why) {
  throw std::runtime_error("events.raw: cannot decode a frame made with " +
                           (*dict == 0 ? std::string("no dictionary") : "dictionary " + std::to_string(*dict)) +
                           ": " + std::string(why));
}

}  // namespace

struct raw_codec::zstd_state {
  std::unique_ptr<ZSTD_CCtx, cctx_free> cctx{ZSTD_createCCtx()};
  std::unique_ptr<ZSTD_DCtx, dctx_free> dctx{ZSTD_createDCtx()};
  std::unique_ptr<ZSTD_CDict, cdict_free> cdict;  // of newest_
  std::map<std::int64_t, std::unique_ptr<ZSTD_DDict, ddict_free>> ddicts;
  std::optional<SQLite::Statement> newest_id;
  std::optional<SQLite::Statement> dict_bytes;
};

raw_codec::raw_codec(SQLite::Database& db) : db_(db), z_(std::make_unique<zstd_state>()) {
  if (!z_->cctx || !z_->dctx) throw std::runtime_error("zstd: out of memory");
  // The frame header keeps the content size (decode sizes its buffer by it);
  // the dictionary id and checksum are left out: raw_dict names the
  // dictionary, and SQLite's pages are what stands between the bytes and the disk.
  ZSTD_CCtx_setParameter(z_->cctx.get(), ZSTD_c_compressionLevel, level);
  ZSTD_CCtx_setParameter(z_->cctx.get(), ZSTD_c_contentSizeFlag, 1);
  ZSTD_CCtx_setParameter(z_->cctx.get(), ZSTD_c_checksumFlag, 0);
  ZSTD_CCtx_setParameter(z_->cctx.get(), ZSTD_c_dictIDFlag, 0);
}

raw_codec::~raw_codec() = default;

void raw_codec::refresh() {
  if (!z_->newest_id) z_->newest_id.emplace(db_, "SELECT max(id) FROM raw_dictionaries");
  auto& s = *z_->newest_id;
  s.tryReset();
  std::optional<std::int64_t> newest;
  if (s.executeStep() && !s.getColumn(0).isNull()) newest = s.getColumn(0).getInt64();
  s.tryReset();
  if (newest == newest_) return;
  if (!newest) {
    z_->cdict.reset();
    newest_.reset();
    return;
  }
  if (!z_->dict_bytes) z_->dict_bytes.emplace(db_, "SELECT bytes FROM raw_dictionaries WHERE id = ?1");
  auto& d = *z_->dict_bytes;
  d.tryReset();
  d.bind(1, *newest);
  if (!d.executeStep()) throw std::runtime_error("raw_dictionaries: dictionary " + std::to_string(*newest) + " vanished");
  const auto col = d.getColumn(0);
  std::unique_ptr<ZSTD_CDict, cdict_free> cdict(
      ZSTD_createCDict(col.getBlob(), static_cast<std::size_t>(col.getBytes()), level));
  d.tryReset();
  if (!cdict) throw std::runtime_error("raw_dictionaries: dictionary " + std::to_string(*newest) + " is not usable");
  z_->cdict = std::move(cdict);
  newest_ = newest;
}

encoded_raw raw_codec::encode(std::string_view raw) {
  auto* cctx = z_->cctx.get();
  ZSTD_CCtx_reset(cctx, ZSTD_reset_session_only);
  ZSTD_CCtx_refCDict(cctx, z_->cdict.get());  // nullptr: no dictionary
  encoded_raw out;
  out.bytes.resize(ZSTD_compressBound(raw.size()));
  const auto n = ZSTD_compress2(cctx, out.bytes.data(), out.bytes.size(), raw.data(), raw.size());
  if (ZSTD_isError(n) || n >= raw.size()) {
    // Incompressible (or zstd failed): the bytes as received are always readable.
    out.bytes.assign(raw);
    out.dict.reset();
    return out;
  }
  out.bytes.resize(n);
  out.dict = newest_.value_or(0);
  return out;
}

std::string raw_codec::decode(const SQLite::Column& stored, const SQLite::Column& dict) {
  const std::string_view bytes(static_cast<const char*>(stored.getBlob()), static_cast<std::size_t>(stored.getBytes()));
  return decode(bytes, dict.isNull() ? std::nullopt : std::optional<std::int64_t>(dict.getInt64()));
}

std::string raw_codec::decode(std::string_view stored, std::optional<std::int64_t> dict) {
  if (!dict) return std::string(stored);
  const ZSTD_DDict* ddict = nullptr;
  if (*dict != 0) {
    auto it = z_->ddicts.find(*dict);
    if (it == z_->ddicts.end()) {
      if (!z_->dict_bytes) z_->dict_bytes.emplace(db_, "SELECT bytes FROM raw_dictionaries WHERE id = ?1");
      auto& d = *z_->dict_bytes;
      d.tryReset();
      d.bind(1, *dict);
      if (!d.executeStep()) {
        d.tryReset();
        throw std::runtime_error("events.raw: compressed with dictionary " + std::to_string(*dict) +
                                 ", which raw_dictionaries does not hold (restore the database from a backup)");
      }
      const auto col = d.getColumn(0);
      std::unique_ptr<ZSTD_DDict, ddict_free> dd(
          ZSTD_createDDict(col.getBlob(), static_cast<std::size_t>(col.getBytes())));
      d.tryReset();
      if (!dd) corrupt(dict, "the dictionary is not a zstd dictionary");
      it = z_->ddicts.emplace(*dict, std::move(dd)).first;
    }
    ddict = it->second.get();
  }
  const auto size = ZSTD_getFrameContentSize(stored.data(), stored.size());
  if (size == ZSTD_CONTENTSIZE_ERROR || size == ZSTD_CONTENTSIZE_UNKNOWN || size > max_payload)
    corrupt(dict, "not a zstd frame with its size");
  std::string out(static_cast<std::size_t>(size), '\0');
  auto* dctx = z_->dctx.get();
  ZSTD_DCtx_reset(dctx, ZSTD_reset_session_only);
  const auto n = ddict ? ZSTD_decompress_usingDDict(dctx, out.data(), out.size(), stored.data(), stored.size(), ddict)
                       : ZSTD_decompressDCtx(dctx, out.data(), out.size(), stored.data(), stored.size());
  if (ZSTD_isError(n)) corrupt(dict, ZSTD_getErrorName(n));
  if (n != out.size()) corrupt(dict, "shorter than its header says");
  return out;
}

}  // namespace rcvault::store::detail
