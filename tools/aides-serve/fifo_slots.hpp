#pragma once
// A counting semaphore that admits in arrival order (std::counting_semaphore promises no order).
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <mutex>

namespace aides::serve {

/** At most `slots` holders at once, admitted in the order they asked (`aides-serve --searches`):
 *  searches that share two cores 16 ways each take 8 times longer, a heavy one too; fewer at once
 *  shortened the tail and cost throughput (docs/benchmarks.md, issue 22). */
class FifoSlots {
  public:
    explicit FifoSlots(std::size_t slots) : slots_(slots) {}
    void acquire() {
        std::unique_lock lock(mutex_);
        const std::uint64_t ticket = issued_++;
        freed_.wait(lock, [&] { return ticket < released_ + slots_; });
    }
    /** How many wait for a slot now (tests). */
    std::size_t waiting() {
        std::lock_guard lock(mutex_);
        return issued_ > released_ + slots_ ? static_cast<std::size_t>(issued_ - released_ - slots_) : 0;
    }
    void release() {
        {
            std::lock_guard lock(mutex_);
            ++released_;
        }
        freed_.notify_all();
    }

  private:
    std::size_t slots_;
    std::mutex mutex_;
    std::condition_variable freed_;
    std::uint64_t issued_ = 0, released_ = 0;
};

/** Holds a slot for its lifetime. */
class FifoSlot {
  public:
    explicit FifoSlot(FifoSlots& slots) : slots_(slots) { slots_.acquire(); }
    ~FifoSlot() { slots_.release(); }
    FifoSlot(const FifoSlot&) = delete;
    FifoSlot& operator=(const FifoSlot&) = delete;

  private:
    FifoSlots& slots_;
};

}  // namespace aides::serve
