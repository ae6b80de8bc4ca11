// Runs code on a Runtime's IO thread, where the IO-thread-only classes live, and waits for it.
// Assertions belong on the test's thread (CMocka's longjmp must not cross threads): the code
// given records what it saw, the test asserts afterwards.
#pragma once

#include <atomic>
#include <chrono>
#include <thread>

#include "core/runtime.h"
#include "unit_test.h"

template <class F>
void on_io(tinker::Runtime& rt, F fn) {
  std::atomic<bool> ran{false};
  assert_true(rt.post([&] {
    fn();
    ran = true;
  }));
  while (!ran) std::this_thread::sleep_for(std::chrono::milliseconds(1));
}
