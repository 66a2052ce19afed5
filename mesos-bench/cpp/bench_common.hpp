// What both C++ twins (bench.cpp on v0, bench_v1.cpp on v1) print and
// measure the same way: the result line, the peak RSS, CPU time, and a
// failure.
#ifndef MESOS_BENCH_COMMON_HPP
#define MESOS_BENCH_COMMON_HPP

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <string>

namespace bench {

using Clock = std::chrono::steady_clock;

// Timed storms per `storm` run (as on the Rust side); the median is reported.
const size_t kStorms = 5;

// CPU time used so far by the calling thread (CLOCK_THREAD_CPUTIME_ID) or
// by the whole process (CLOCK_PROCESS_CPUTIME_ID), in nanoseconds.
inline double cpu_ns(clockid_t clock) {
  timespec now{};
  clock_gettime(clock, &now);
  return static_cast<double>(now.tv_sec) * 1e9 + static_cast<double>(now.tv_nsec);
}

inline double seconds_between(Clock::time_point start, Clock::time_point end) {
  return std::chrono::duration<double>(end - start).count();
}

inline void report(const char *workload, uint64_t count, double seconds) {
  std::printf("%s %llu %.6f %.1f/s\n", workload,
              static_cast<unsigned long long>(count), seconds,
              static_cast<double>(count) / seconds);
  std::fflush(stdout);
}

inline void report_peak_rss() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.compare(0, 6, "VmHWM:") == 0) {
      std::fprintf(stderr, "bench: peak_rss_kb=%lld\n",
                   std::atoll(line.c_str() + 6));
    }
  }
}

[[noreturn]] inline void fail(const std::string &message) {
  std::fprintf(stderr, "bench: %s\n", message.c_str());
  std::exit(1);
}

} // namespace bench

#endif // MESOS_BENCH_COMMON_HPP
