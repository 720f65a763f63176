// A fixed-size text buffer for building messages without allocating: used in
// the container's init between clone and exec, where malloc is off limits.
#pragma once

#include <cstddef>
#include <cstring>

namespace ward {

template <std::size_t N>
class FixedText {
 public:
  FixedText() { buf_[0] = '\0'; }

  FixedText& add(const char* s) noexcept {
    if (s == nullptr) s = "(null)";
    while (*s != '\0' && len_ + 1 < N) buf_[len_++] = *s++;
    buf_[len_] = '\0';
    return *this;
  }
  FixedText& add(long long v) noexcept {
    char digits[24];
    int d = 0;
    bool negative = v < 0;
    unsigned long long u = negative ? 0ULL - static_cast<unsigned long long>(v) : static_cast<unsigned long long>(v);
    do {
      digits[d++] = static_cast<char>('0' + u % 10);
      u /= 10;
    } while (u != 0);
    if (negative && len_ + 1 < N) buf_[len_++] = '-';
    while (d > 0 && len_ + 1 < N) buf_[len_++] = digits[--d];
    buf_[len_] = '\0';
    return *this;
  }
  FixedText& add_octal(unsigned v) noexcept {
    char digits[16];
    int d = 0;
    do {
      digits[d++] = static_cast<char>('0' + (v & 7));
      v >>= 3;
    } while (v != 0);
    while (d > 0 && len_ + 1 < N) buf_[len_++] = digits[--d];
    buf_[len_] = '\0';
    return *this;
  }
  void clear() noexcept {
    len_ = 0;
    buf_[0] = '\0';
  }

  [[nodiscard]] const char* c_str() const noexcept { return buf_; }
  [[nodiscard]] std::size_t size() const noexcept { return len_; }

 private:
  char buf_[N];
  std::size_t len_ = 0;
};

}  // namespace ward
