// core/file_text: a whole file is read only within its bound, and a missing, unreadable or
// oversized file says which it is instead of handing out part of it.
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <string>

#include "core/file_text.h"
#include "unit_test.h"

using tinker::FileText;
using tinker::read_file_text;

namespace {

std::string write_temp(const std::string& bytes) {
  char path[] = "/tmp/tinker-file-text-XXXXXX";
  int fd = mkstemp(path);
  assert_true(fd >= 0);
  assert_int_equal(write(fd, bytes.data(), bytes.size()), (ssize_t)bytes.size());
  close(fd);
  return path;
}

void a_file_within_its_bound_is_read_whole(void**) {
  std::string bytes(70000, 'x');  // more than one read buffer
  bytes[0] = '\0';                 // NUL is content like any other byte
  std::string path = write_temp(bytes);
  FileText exact = read_file_text(path, bytes.size());
  assert_true(exact.ok());
  assert_true(exact.text == bytes);
  FileText empty_path = read_file_text(write_temp(""), 0);
  assert_true(empty_path.ok());
  assert_true(empty_path.text.empty());
  unlink(path.c_str());
}

void one_byte_over_the_bound_is_too_large_and_hands_out_nothing(void**) {
  std::string path = write_temp(std::string(4097, 't'));
  FileText r = read_file_text(path, 4096);
  assert_int_equal((int)r.outcome, (int)FileText::Outcome::TooLarge);
  assert_false(r.ok());
  assert_true(r.text.empty());
  unlink(path.c_str());
}

void a_missing_or_unreadable_file_says_so(void**) {
  FileText missing = read_file_text("/nonexistent-dir/file", 10);
  assert_int_equal((int)missing.outcome, (int)FileText::Outcome::Missing);
  assert_int_not_equal(missing.error, 0);
  FileText through_a_file = read_file_text("/etc/hostname/x", 10);  // a file is not a directory
  assert_int_equal((int)through_a_file.outcome, (int)FileText::Outcome::Missing);
  FileText directory = read_file_text("/tmp", 10);  // opens, but reading fails
  assert_int_equal((int)directory.outcome, (int)FileText::Outcome::Unreadable);
  if (geteuid() != 0) {  // root reads anything
    std::string path = write_temp("secret");
    chmod(path.c_str(), 0);
    assert_int_equal((int)read_file_text(path, 10).outcome, (int)FileText::Outcome::Denied);
    unlink(path.c_str());
  }
}

}  // namespace

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(a_file_within_its_bound_is_read_whole),
      cmocka_unit_test(one_byte_over_the_bound_is_too_large_and_hands_out_nothing),
      cmocka_unit_test(a_missing_or_unreadable_file_says_so),
  };
  return cmocka_run_group_tests(tests, nullptr, nullptr);
}
