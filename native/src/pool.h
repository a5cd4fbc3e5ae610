// A fixed pool of threads that shares out the parts of one job: the caller and the workers take parts from one
// counter until none is left, so a worker the OS has not scheduled (a busy machine) delays nothing: the caller
// takes its parts. The counter carries the job's generation, so a late worker never takes a part of a later job.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#endif

namespace espalier {

class Pool {
 public:
  explicit Pool(int n) { resize(n); }
  ~Pool() { stop(); }

  int size() const { return (int)workers_.size() + 1; }

  void resize(int n) {
    stop();
    quit_ = false;
    uint64_t now = generation_;
    for (int i = 1; i < n; i++) workers_.emplace_back([this, now] { loop(now); });
  }

  void run(int parts, const std::function<void(int)>& fn) {
    if (parts <= 1 || workers_.empty()) {
      for (int i = 0; i < parts; i++) fn(i);
      return;
    }
    uint64_t gen;
    {
      std::lock_guard<std::mutex> lk(mu_);
      gen = ++generation_;
      job_ = &fn;
      parts_ = parts;
      done_.store(0);
      next_.store(gen << 32);
    }
    cv_.notify_all();
    work(gen, fn, parts);
    // Only parts a worker has already taken remain: they are running, so waiting is short.
    for (int spin = 0; done_.load(std::memory_order_acquire) < parts; spin++) {
      if (spin < 2000) cpuRelax();
      else std::this_thread::yield();
    }
  }

 private:
  static void cpuRelax() {
#if defined(__x86_64__) || defined(__i386__)
    _mm_pause();
#elif defined(__aarch64__)
    asm volatile("yield");
#endif
  }

  void work(uint64_t gen, const std::function<void(int)>& fn, int parts) {
    for (;;) {
      uint64_t v = next_.load();
      int i;
      do {
        if ((v >> 32) != gen) return;
        i = (int)(v & 0xffffffffu);
        if (i >= parts) return;
      } while (!next_.compare_exchange_weak(v, v + 1));
      fn(i);
      done_.fetch_add(1, std::memory_order_release);
    }
  }

  void loop(uint64_t seen) {
    for (;;) {
      const std::function<void(int)>* job;
      int parts;
      {
        std::unique_lock<std::mutex> lk(mu_);
        cv_.wait(lk, [&] { return quit_ || generation_ != seen; });
        if (quit_) return;
        seen = generation_;
        job = job_;
        parts = parts_;
      }
      work(seen, *job, parts);
    }
  }

  void stop() {
    {
      std::lock_guard<std::mutex> lk(mu_);
      quit_ = true;
    }
    cv_.notify_all();
    for (auto& w : workers_) w.join();
    workers_.clear();
  }

  std::vector<std::thread> workers_;
  std::mutex mu_;
  std::condition_variable cv_;
  const std::function<void(int)>* job_ = nullptr;
  int parts_ = 0;
  uint64_t generation_ = 0;
  std::atomic<uint64_t> next_{0};
  std::atomic<int> done_{0};
  bool quit_ = false;
};

}  // namespace espalier
