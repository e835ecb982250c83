#include "store/sqlite/wal_vfs.hpp"

#include <algorithm>
#include <atomic>
#include <cstring>
#include <memory>
#include <mutex>
#include <new>
#include <string>

#include <sqlite3.h>

namespace segnala::store::sqlite {
namespace {

// Above this a buffered log is written out before it grows further (a large transaction).
constexpr std::size_t kMaxBuffer = 16 * 1024 * 1024;
// The unix VFS writes at most 128 KiB - 1 bytes per call (it masks the length), so the
// pending bytes go out in pieces of this size.
constexpr std::size_t kMaxWrite = 31 * 4096;

std::atomic<std::uint64_t> g_writes{0};
std::atomic<std::uint64_t> g_flushes{0};
std::atomic<std::uint64_t> g_subjournals{0};

sqlite3_vfs* g_real = nullptr;  // the default VFS ("unix"), set once at registration

/// What a WAL file keeps between SQLite's writes and its sync: one contiguous run of bytes
/// starting at `start`.
struct Pending {
    std::string bytes;
    sqlite3_int64 start = 0;

    sqlite3_int64 end() const { return start + static_cast<sqlite3_int64>(bytes.size()); }
};

/// The file SQLite sees. The real file lives in the same allocation, right after it.
struct File {
    sqlite3_file base;
    sqlite3_file* real;
    Pending* pending;  // nullptr for every file but a WAL
};

constexpr std::size_t kRealOffset = (sizeof(File) + 15) & ~std::size_t{15};

File* self(sqlite3_file* f) {
    return reinterpret_cast<File*>(f);
}
sqlite3_file* real(sqlite3_file* f) {
    return self(f)->real;
}

/// Hands the pending bytes to the real file. They are dropped even when that fails: SQLite
/// answers a failed write by abandoning the transaction, and stale bytes must not be written
/// later over newer ones.
int flush(File* f) {
    Pending* p = f->pending;
    if (p == nullptr || p->bytes.empty()) {
        return SQLITE_OK;
    }
    int rc = SQLITE_OK;
    for (std::size_t done = 0; done < p->bytes.size() && rc == SQLITE_OK; done += kMaxWrite) {
        const std::size_t n = std::min(kMaxWrite, p->bytes.size() - done);
        g_flushes.fetch_add(1, std::memory_order_relaxed);
        rc = f->real->pMethods->xWrite(f->real, p->bytes.data() + done, static_cast<int>(n),
                                       p->start + static_cast<sqlite3_int64>(done));
    }
    p->bytes.clear();
    if (p->bytes.capacity() > kMaxBuffer * 2) {
        p->bytes.shrink_to_fit();
    }
    return rc;
}

bool overlaps(const Pending* p, sqlite3_int64 off, sqlite3_int64 n) {
    return p != nullptr && !p->bytes.empty() && off < p->end() && off + n > p->start;
}

int x_close(sqlite3_file* f) {
    File* s = self(f);
    const int frc = flush(s);
    const int rc = s->real->pMethods->xClose(s->real);
    delete s->pending;
    s->pending = nullptr;
    return rc != SQLITE_OK ? rc : frc;
}

int x_read(sqlite3_file* f, void* out, int n, sqlite3_int64 off) {
    File* s = self(f);
    if (overlaps(s->pending, off, n)) {
        if (const int rc = flush(s); rc != SQLITE_OK) {
            return rc;
        }
    }
    return s->real->pMethods->xRead(s->real, out, n, off);
}

int x_write(sqlite3_file* f, const void* in, int n, sqlite3_int64 off) {
    File* s = self(f);
    Pending* p = s->pending;
    if (p == nullptr) {
        return s->real->pMethods->xWrite(s->real, in, n, off);
    }
    g_writes.fetch_add(1, std::memory_order_relaxed);
    const auto* bytes = static_cast<const char*>(in);
    const auto size = static_cast<std::size_t>(n);
    if (!p->bytes.empty()) {
        if (off >= p->start && off + n <= p->end()) {
            // A frame rewritten within the same transaction (checksums, a spilled page).
            std::memcpy(p->bytes.data() + (off - p->start), bytes, size);
            return SQLITE_OK;
        }
        if (off == p->end() && p->bytes.size() + size <= kMaxBuffer) {
            p->bytes.append(bytes, size);
            return SQLITE_OK;
        }
        if (const int rc = flush(s); rc != SQLITE_OK) {
            return rc;
        }
    }
    if (size > kMaxWrite) {
        return s->real->pMethods->xWrite(s->real, in, n, off);
    }
    p->start = off;
    p->bytes.assign(bytes, size);
    return SQLITE_OK;
}

int x_truncate(sqlite3_file* f, sqlite3_int64 size) {
    File* s = self(f);
    if (const int rc = flush(s); rc != SQLITE_OK) {
        return rc;
    }
    return s->real->pMethods->xTruncate(s->real, size);
}

int x_sync(sqlite3_file* f, int flags) {
    File* s = self(f);
    if (const int rc = flush(s); rc != SQLITE_OK) {
        return rc;
    }
    return s->real->pMethods->xSync(s->real, flags);
}

int x_file_size(sqlite3_file* f, sqlite3_int64* size) {
    File* s = self(f);
    if (const int rc = flush(s); rc != SQLITE_OK) {
        return rc;
    }
    return s->real->pMethods->xFileSize(s->real, size);
}

int x_lock(sqlite3_file* f, int level) {
    return real(f)->pMethods->xLock(real(f), level);
}
int x_unlock(sqlite3_file* f, int level) {
    return real(f)->pMethods->xUnlock(real(f), level);
}
int x_check_reserved_lock(sqlite3_file* f, int* out) {
    return real(f)->pMethods->xCheckReservedLock(real(f), out);
}
int x_file_control(sqlite3_file* f, int op, void* arg) {
    File* s = self(f);
    if (const int rc = flush(s); rc != SQLITE_OK) {
        return rc;
    }
    return s->real->pMethods->xFileControl(s->real, op, arg);
}
int x_sector_size(sqlite3_file* f) {
    return real(f)->pMethods->xSectorSize(real(f));
}
int x_device_characteristics(sqlite3_file* f) {
    return real(f)->pMethods->xDeviceCharacteristics(real(f));
}
int x_shm_map(sqlite3_file* f, int region, int size, int extend, void volatile** out) {
    if (real(f)->pMethods->iVersion < 2) {
        return SQLITE_IOERR_SHMMAP;
    }
    return real(f)->pMethods->xShmMap(real(f), region, size, extend, out);
}
int x_shm_lock(sqlite3_file* f, int offset, int n, int flags) {
    if (real(f)->pMethods->iVersion < 2) {
        return SQLITE_IOERR_SHMLOCK;
    }
    return real(f)->pMethods->xShmLock(real(f), offset, n, flags);
}
void x_shm_barrier(sqlite3_file* f) {
    if (real(f)->pMethods->iVersion >= 2) {
        real(f)->pMethods->xShmBarrier(real(f));
    }
}
int x_shm_unmap(sqlite3_file* f, int del) {
    if (real(f)->pMethods->iVersion < 2) {
        return SQLITE_OK;
    }
    return real(f)->pMethods->xShmUnmap(real(f), del);
}
int x_fetch(sqlite3_file* f, sqlite3_int64 off, int n, void** out) {
    File* s = self(f);
    if (s->pending != nullptr || s->real->pMethods->iVersion < 3) {
        *out = nullptr;  // "no mapping": SQLite reads instead
        return SQLITE_OK;
    }
    return s->real->pMethods->xFetch(s->real, off, n, out);
}
int x_unfetch(sqlite3_file* f, sqlite3_int64 off, void* p) {
    if (real(f)->pMethods->iVersion < 3) {
        return SQLITE_OK;
    }
    return real(f)->pMethods->xUnfetch(real(f), off, p);
}

// Savepoint and statement sub-journals, kept in memory. SQLite copies into the sub-journal every
// page a statement (or savepoint) changes inside a transaction, so that it can undo that
// statement alone: with the queue's indexes that is some twenty pages per report. Its own
// in-memory journal keeps them in malloc'd 1 KiB chunks, freed at each statement's end and walked
// from the start whenever one ends; past 64 KiB it spills to a temporary file, two system calls
// a page. Here (the spill threshold is 0, see wal_vfs_name) every sub-journal is one contiguous
// buffer, and the buffer is kept by the thread for its next transaction instead of being freed,
// so that a busy writer neither allocates nor faults in fresh memory for it.
struct MemoryFile {
    sqlite3_file base;
    std::string* bytes;
};

// Above this a finished sub-journal's buffer is released instead of kept (a huge transaction).
constexpr std::size_t kMaxKeptJournal = 8 * 1024 * 1024;
thread_local std::unique_ptr<std::string> t_spare_journal;

std::string* take_journal_buffer() {
    if (t_spare_journal) {
        return t_spare_journal.release();
    }
    return new (std::nothrow) std::string;
}

void give_back_journal_buffer(std::string* b) {
    if (b->capacity() > kMaxKeptJournal || t_spare_journal) {
        delete b;
        return;
    }
    b->clear();
    t_spare_journal.reset(b);
}

std::string& bytes_of(sqlite3_file* f) {
    return *reinterpret_cast<MemoryFile*>(f)->bytes;
}
int m_close(sqlite3_file* f) {
    give_back_journal_buffer(reinterpret_cast<MemoryFile*>(f)->bytes);
    reinterpret_cast<MemoryFile*>(f)->bytes = nullptr;
    return SQLITE_OK;
}
int m_read(sqlite3_file* f, void* out, int n, sqlite3_int64 off) {
    const std::string& b = bytes_of(f);
    const auto size = static_cast<sqlite3_int64>(b.size());
    const sqlite3_int64 have = off >= size ? 0 : std::min<sqlite3_int64>(n, size - off);
    if (have > 0) {
        std::memcpy(out, b.data() + off, static_cast<std::size_t>(have));
    }
    if (have < n) {
        std::memset(static_cast<char*>(out) + have, 0, static_cast<std::size_t>(n - have));
        return SQLITE_IOERR_SHORT_READ;
    }
    return SQLITE_OK;
}
int m_write(sqlite3_file* f, const void* in, int n, sqlite3_int64 off) {
    std::string& b = bytes_of(f);
    const auto at = static_cast<std::size_t>(off);
    const auto size = static_cast<std::size_t>(n);
    try {
        if (at == b.size()) {
            b.append(static_cast<const char*>(in), size);  // the usual case: appending
            return SQLITE_OK;
        }
        if (at + size > b.size()) {
            b.resize(at + size);
        }
    } catch (const std::bad_alloc&) {
        return SQLITE_FULL;
    }
    std::memcpy(b.data() + at, in, size);
    return SQLITE_OK;
}
int m_truncate(sqlite3_file* f, sqlite3_int64 size) {
    std::string& b = bytes_of(f);
    if (static_cast<std::size_t>(size) < b.size()) {
        b.resize(static_cast<std::size_t>(size));
    }
    return SQLITE_OK;
}
int m_sync(sqlite3_file*, int) {
    return SQLITE_OK;
}
int m_file_size(sqlite3_file* f, sqlite3_int64* size) {
    *size = static_cast<sqlite3_int64>(bytes_of(f).size());
    return SQLITE_OK;
}
int m_lock(sqlite3_file*, int) {
    return SQLITE_OK;
}
int m_check_reserved_lock(sqlite3_file*, int* out) {
    *out = 0;
    return SQLITE_OK;
}
int m_file_control(sqlite3_file*, int, void*) {
    return SQLITE_NOTFOUND;
}
int m_sector_size(sqlite3_file*) {
    return 0;
}
int m_device_characteristics(sqlite3_file*) {
    return 0;
}

const sqlite3_io_methods kMemoryMethods = {
    1,
    m_close,
    m_read,
    m_write,
    m_truncate,
    m_sync,
    m_file_size,
    m_lock,
    m_lock,
    m_check_reserved_lock,
    m_file_control,
    m_sector_size,
    m_device_characteristics,
};

const sqlite3_io_methods kMethods = {
    3,
    x_close,
    x_read,
    x_write,
    x_truncate,
    x_sync,
    x_file_size,
    x_lock,
    x_unlock,
    x_check_reserved_lock,
    x_file_control,
    x_sector_size,
    x_device_characteristics,
    x_shm_map,
    x_shm_lock,
    x_shm_barrier,
    x_shm_unmap,
    x_fetch,
    x_unfetch,
};

int v_open(sqlite3_vfs*, sqlite3_filename name, sqlite3_file* f, int flags, int* out_flags) {
    if ((flags & SQLITE_OPEN_SUBJOURNAL) != 0) {
        auto* m = reinterpret_cast<MemoryFile*>(f);
        m->base.pMethods = nullptr;
        m->bytes = take_journal_buffer();
        if (m->bytes == nullptr) {
            return SQLITE_NOMEM;
        }
        g_subjournals.fetch_add(1, std::memory_order_relaxed);
        m->base.pMethods = &kMemoryMethods;
        if (out_flags != nullptr) {
            *out_flags = flags;
        }
        return SQLITE_OK;
    }
    File* s = self(f);
    s->base.pMethods = nullptr;
    s->pending = nullptr;
    s->real = reinterpret_cast<sqlite3_file*>(reinterpret_cast<char*>(f) + kRealOffset);
    const int rc = g_real->xOpen(g_real, name, s->real, flags, out_flags);
    if (rc != SQLITE_OK) {
        if (s->real->pMethods != nullptr) {
            s->real->pMethods->xClose(s->real);
        }
        return rc;
    }
    if ((flags & SQLITE_OPEN_WAL) != 0) {
        s->pending = new (std::nothrow) Pending;
        if (s->pending == nullptr) {
            s->real->pMethods->xClose(s->real);
            return SQLITE_NOMEM;
        }
    }
    s->base.pMethods = &kMethods;
    return SQLITE_OK;
}

int v_delete(sqlite3_vfs*, const char* name, int sync_dir) {
    return g_real->xDelete(g_real, name, sync_dir);
}
int v_access(sqlite3_vfs*, const char* name, int flags, int* out) {
    return g_real->xAccess(g_real, name, flags, out);
}
int v_full_pathname(sqlite3_vfs*, const char* name, int n, char* out) {
    return g_real->xFullPathname(g_real, name, n, out);
}
void* v_dl_open(sqlite3_vfs*, const char* name) {
    return g_real->xDlOpen(g_real, name);
}
void v_dl_error(sqlite3_vfs*, int n, char* out) {
    g_real->xDlError(g_real, n, out);
}
void (*v_dl_sym(sqlite3_vfs*, void* h, const char* sym))(void) {
    return g_real->xDlSym(g_real, h, sym);
}
void v_dl_close(sqlite3_vfs*, void* h) {
    g_real->xDlClose(g_real, h);
}
int v_randomness(sqlite3_vfs*, int n, char* out) {
    return g_real->xRandomness(g_real, n, out);
}
int v_sleep(sqlite3_vfs*, int us) {
    return g_real->xSleep(g_real, us);
}
int v_current_time(sqlite3_vfs*, double* out) {
    return g_real->xCurrentTime(g_real, out);
}
int v_get_last_error(sqlite3_vfs*, int n, char* out) {
    return g_real->xGetLastError != nullptr ? g_real->xGetLastError(g_real, n, out) : 0;
}
int v_current_time_int64(sqlite3_vfs*, sqlite3_int64* out) {
    if (g_real->iVersion >= 2 && g_real->xCurrentTimeInt64 != nullptr) {
        return g_real->xCurrentTimeInt64(g_real, out);
    }
    double days = 0;
    const int rc = g_real->xCurrentTime(g_real, &days);
    *out = static_cast<sqlite3_int64>(days * 86400000.0);
    return rc;
}

sqlite3_vfs g_vfs{};
const char* g_name = "segnala-wal";

}  // namespace

const char* wal_vfs_name() {
    static std::once_flag once;
    std::call_once(once, [] {
        // Sub-journals go straight to the VFS (the memory file above) instead of SQLite's
        // chunked memory journal. Only possible before SQLite initializes; if something in the
        // process already initialized it, the chunked journal stays, which is only slower.
        (void)sqlite3_config(SQLITE_CONFIG_STMTJRNL_SPILL, 0);
        g_real = sqlite3_vfs_find(nullptr);
        g_vfs.iVersion = 2;
        g_vfs.szOsFile = static_cast<int>(kRealOffset) + g_real->szOsFile;
        g_vfs.mxPathname = g_real->mxPathname;
        g_vfs.zName = g_name;
        g_vfs.xOpen = v_open;
        g_vfs.xDelete = v_delete;
        g_vfs.xAccess = v_access;
        g_vfs.xFullPathname = v_full_pathname;
        g_vfs.xDlOpen = v_dl_open;
        g_vfs.xDlError = v_dl_error;
        g_vfs.xDlSym = v_dl_sym;
        g_vfs.xDlClose = v_dl_close;
        g_vfs.xRandomness = v_randomness;
        g_vfs.xSleep = v_sleep;
        g_vfs.xCurrentTime = v_current_time;
        g_vfs.xGetLastError = v_get_last_error;
        g_vfs.xCurrentTimeInt64 = v_current_time_int64;
        sqlite3_vfs_register(&g_vfs, 0);
    });
    return g_name;
}

WalVfsCounters wal_vfs_counters() {
    return {g_writes.load(std::memory_order_relaxed), g_flushes.load(std::memory_order_relaxed),
            g_subjournals.load(std::memory_order_relaxed)};
}

}  // namespace segnala::store::sqlite
