#pragma once
// A cached statement reset when the scope that stepped it ends, so that it
// holds no read snapshot or lock past its use, whatever way the scope left.

#include <SQLiteCpp/Statement.h>

namespace rcvault::store::detail {

// Resets `s` on destruction (errors ignored: a reset only reports the last step's error).
struct reset_guard {
  SQLite::Statement& s;
  ~reset_guard() { s.tryReset(); }
};

}  // namespace rcvault::store::detail
