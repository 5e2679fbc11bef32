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
  /// `threads` workers; at most `max_queue` jobs waiting for one (jobs being run do not
  /// count).
  WorkerPool(int threads, std::size_t max_queue);
  ~WorkerPool();
  /// Queues a job; false when `max_queue` jobs are already waiting or the pool is stopping
  /// (the caller answers rate_limited). An accepted job runs exactly once.
  bool post(std::function<void()> job);
  /// Queues a job even beyond `max_queue`; false only once the pool is stopping. For work
  /// that a committed transaction promised to start (Context::defer, the outbox's sending):
  /// dropping it would break that promise, and its number is bounded by the requests that
  /// asked for it, which have their own limits.
  bool post_committed(std::function<void()> job);
  /// Jobs accepted and not yet taken by a worker.
  std::size_t queued() const;
  std::size_t max_queue() const { return max_queue_; }
  /// Refuses new jobs, runs those already queued, then joins the workers.
  void stop();

 private:
  bool enqueue(std::function<void()> job, bool bounded);
  mutable std::mutex mutex_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> jobs_;
  std::vector<std::thread> threads_;
  std::size_t max_queue_;
  bool stopping_ = false;
};

}  // namespace pacte
