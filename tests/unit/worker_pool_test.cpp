// WorkerPool: the bounded queue behind sign-ins and uploads. Its workers are held by jobs
// that wait on a latch, so that the queue's state is known exactly (no timing involved).
#include "core/worker_pool.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <latch>
#include <vector>

namespace pacte {
namespace {

// Releases the held workers when the test ends, even after a failed assertion (otherwise
// the pool's destructor would wait for them forever).
struct Release {
  std::latch& latch;
  bool done = false;
  void operator()() {
    if (!done) latch.count_down();
    done = true;
  }
  ~Release() { (*this)(); }
};

TEST(WorkerPool, AFullQueueRefusesTheNextJobAndRunsEveryAcceptedOneExactlyOnce) {
  constexpr int kWorkers = 2;
  constexpr std::size_t kQueue = 5;
  WorkerPool pool(kWorkers, kQueue);
  std::latch started(kWorkers);
  std::latch release(1);
  Release guard{release};

  // One blocking job per worker: each worker takes one and waits, so the queue is empty.
  for (int i = 0; i < kWorkers; ++i)
    ASSERT_TRUE(pool.post([&] {
      started.count_down();
      release.wait();
    }));
  started.wait();
  EXPECT_EQ(pool.queued(), 0u);

  // The queue fills to its capacity, then refuses.
  std::vector<std::atomic<int>> runs(kQueue + 1);
  std::latch finished(static_cast<std::ptrdiff_t>(kQueue) + 1);
  for (std::size_t i = 0; i < kQueue; ++i)
    EXPECT_TRUE(pool.post([&runs, &finished, i] {
      runs[i].fetch_add(1);
      finished.count_down();
    })) << "job "
        << i;
  EXPECT_EQ(pool.queued(), kQueue);
  EXPECT_FALSE(pool.post([&runs] { runs[kQueue].fetch_add(1); }));
  EXPECT_EQ(pool.queued(), kQueue);
  // Work a committed transaction promised is queued even so (and not counted against
  // the next post, which is still refused).
  std::atomic<int> committed_runs{0};
  EXPECT_TRUE(pool.post_committed([&] {
    committed_runs.fetch_add(1);
    finished.count_down();
  }));
  EXPECT_EQ(pool.queued(), kQueue + 1);
  EXPECT_FALSE(pool.post([] {}));
  for (std::size_t i = 0; i < kQueue; ++i)
    EXPECT_EQ(runs[i].load(), 0) << "job " << i << " ran while the workers were held";

  // Released, the workers run every accepted job, and the pool accepts work again.
  guard();
  finished.wait();
  EXPECT_EQ(pool.queued(), 0u);
  std::latch again(1);
  EXPECT_TRUE(pool.post([&] { again.count_down(); }));
  again.wait();
  pool.stop();
  for (std::size_t i = 0; i < kQueue; ++i) EXPECT_EQ(runs[i].load(), 1) << "job " << i;
  EXPECT_EQ(runs[kQueue].load(), 0) << "the refused job ran";
  EXPECT_EQ(committed_runs.load(), 1);
  EXPECT_FALSE(pool.post([] {})) << "a stopped pool takes no job";
  EXPECT_FALSE(pool.post_committed([] {})) << "a stopped pool takes no job";
}

}  // namespace
}  // namespace pacte
