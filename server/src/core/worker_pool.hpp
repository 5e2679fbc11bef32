// A small bounded pool for CPU-heavy work off the network and engine threads (password
// hashing). Jobs beyond the bound are refused so that a login flood cannot queue forever.
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace pacte {

class WorkerPool {
 public:
  WorkerPool(int threads, std::size_t max_queue);
  ~WorkerPool();
  /// Queues a job; false when the queue is full (the caller answers rate_limited).
  bool post(std::function<void()> job);
  void stop();

 private:
  std::mutex mutex_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> jobs_;
  std::vector<std::thread> threads_;
  std::size_t max_queue_;
  bool stopping_ = false;
};

}  // namespace pacte
