#pragma once
// Names the store's threads so that `top -H`, `ps -L` and perf tell them
// apart (rcvault-writer, rcvault-sync, rcvault-ckpt, rcvault-reader).

#include <pthread.h>

namespace rcvault::store::detail {

// Sets the calling thread's name (at most 15 characters; longer names are
// ignored by the kernel). Best effort: a failure changes nothing else.
inline void name_this_thread(const char* name) { pthread_setname_np(pthread_self(), name); }

}  // namespace rcvault::store::detail
