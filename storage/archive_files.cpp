#include "storage/archive_files.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <stdexcept>
#include <system_error>
#include <vector>

#include <openssl/evp.h>
#include <zstd.h>

namespace footfall::storage {
namespace fs = std::filesystem;
namespace {

[[noreturn]] void throw_errno(const std::string& what, const fs::path& p) {
  throw std::system_error(errno, std::generic_category(), what + " " + p.string());
}

}  // namespace

// OpenSSL's EVP digest (libcrypto): no hand-written crypto. In a named namespace, not the
// anonymous one: archive_file_writer::state (external linkage) holds one.
namespace detail {
class sha256 {
 public:
  sha256() : ctx_(EVP_MD_CTX_new()) {
    if (!ctx_ || EVP_DigestInit_ex(ctx_, EVP_sha256(), nullptr) != 1)
      throw std::runtime_error("sha256: EVP_DigestInit_ex failed");
  }
  ~sha256() { EVP_MD_CTX_free(ctx_); }
  sha256(const sha256&) = delete;
  sha256& operator=(const sha256&) = delete;
  void update(const void* p, std::size_t n) { EVP_DigestUpdate(ctx_, p, n); }
  std::string hex() {
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned len = 0;
    EVP_DigestFinal_ex(ctx_, md, &len);
    static constexpr char digits[] = "0123456789abcdef";
    std::string out;
    for (unsigned i = 0; i < len; ++i) out += {digits[md[i] >> 4], digits[md[i] & 15]};
    return out;
  }

 private:
  EVP_MD_CTX* ctx_;
};
}  // namespace detail

namespace {

void write_all(int fd, const char* p, std::size_t n, const fs::path& path) {
  while (n > 0) {
    const auto w = ::write(fd, p, n);
    if (w < 0) {
      if (errno == EINTR) continue;
      throw_errno("write", path);
    }
    p += w;
    n -= std::size_t(w);
  }
}

}  // namespace

struct archive_file_writer::state {
  fs::path path, tmp;
  int fd = -1;
  ZSTD_CCtx* cctx = nullptr;
  std::vector<char> out = std::vector<char>(ZSTD_CStreamOutSize());
  detail::sha256 digest;
  archive_file_digest result;
  bool committed = false;

  // Compresses `in` with `mode` and writes what zstd hands back, hashing it on the way.
  void pump(ZSTD_inBuffer in, ZSTD_EndDirective mode) {
    for (;;) {
      ZSTD_outBuffer o{out.data(), out.size(), 0};
      const auto left = ZSTD_compressStream2(cctx, &o, &in, mode);
      if (ZSTD_isError(left)) throw std::runtime_error("zstd: " + std::string(ZSTD_getErrorName(left)) + " writing " + tmp.string());
      write_all(fd, out.data(), o.pos, tmp);
      digest.update(out.data(), o.pos);
      result.bytes += o.pos;
      const bool done = mode == ZSTD_e_end ? left == 0 : in.pos == in.size;
      if (done) return;
    }
  }
};

archive_file_writer::archive_file_writer(fs::path path, int level) : s_(std::make_unique<state>()) {
  s_->path = std::move(path);
  s_->tmp = s_->path.string() + ".tmp";
  s_->fd = ::open(s_->tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (s_->fd < 0) throw_errno("cannot create", s_->tmp);
  s_->cctx = ZSTD_createCCtx();
  ZSTD_CCtx_setParameter(s_->cctx, ZSTD_c_compressionLevel, level);
  ZSTD_CCtx_setParameter(s_->cctx, ZSTD_c_checksumFlag, 1);  // zstd -t can check a file alone
}

archive_file_writer::~archive_file_writer() {
  if (s_->fd >= 0) ::close(s_->fd);
  ZSTD_freeCCtx(s_->cctx);
  if (!s_->committed) ::unlink(s_->tmp.c_str());
}

void archive_file_writer::write(std::string_view data) {
  s_->result.raw_bytes += data.size();
  s_->pump({data.data(), data.size(), 0}, ZSTD_e_continue);
}

archive_file_digest archive_file_writer::commit() {
  s_->pump({nullptr, 0, 0}, ZSTD_e_end);
  if (::fsync(s_->fd) != 0) throw_errno("fsync", s_->tmp);
  if (::close(s_->fd) != 0) throw_errno("close", s_->tmp);
  s_->fd = -1;
  if (::rename(s_->tmp.c_str(), s_->path.c_str()) != 0) throw_errno("rename", s_->tmp);
  s_->committed = true;
  s_->result.sha256 = s_->digest.hex();
  return s_->result;
}

std::string sha256_file(const fs::path& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw_errno("cannot open", path);
  detail::sha256 d;
  std::vector<char> buf(1 << 20);
  for (;;) {
    const auto n = ::read(fd, buf.data(), buf.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      ::close(fd);
      throw_errno("read", path);
    }
    if (n == 0) break;
    d.update(buf.data(), std::size_t(n));
  }
  ::close(fd);
  return d.hex();
}

void read_archive_file(const fs::path& path, const std::function<void(std::string_view)>& sink) {
  std::unique_ptr<FILE, int (*)(FILE*)> f{std::fopen(path.c_str(), "rb"), &std::fclose};
  if (!f) throw_errno("cannot open", path);
  std::unique_ptr<ZSTD_DCtx, std::size_t (*)(ZSTD_DCtx*)> d{ZSTD_createDCtx(), &ZSTD_freeDCtx};
  std::vector<char> in(ZSTD_DStreamInSize()), out(ZSTD_DStreamOutSize());
  std::size_t last = 1;  // 0 once a frame is complete
  while (const auto n = std::fread(in.data(), 1, in.size(), f.get())) {
    ZSTD_inBuffer ib{in.data(), n, 0};
    while (ib.pos < ib.size) {
      ZSTD_outBuffer ob{out.data(), out.size(), 0};
      last = ZSTD_decompressStream(d.get(), &ob, &ib);
      if (ZSTD_isError(last))
        throw std::runtime_error(path.string() + ": not a valid zstd stream (" + ZSTD_getErrorName(last) + ")");
      if (ob.pos) sink({out.data(), ob.pos});
    }
  }
  if (std::ferror(f.get())) throw_errno("read", path);
  if (last != 0) throw std::runtime_error(path.string() + ": truncated zstd stream");
}

void fsync_directory(const fs::path& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) throw_errno("cannot open directory", dir);
  const int r = ::fsync(fd);
  ::close(fd);
  if (r != 0) throw_errno("fsync", dir);
}

}  // namespace footfall::storage
