#pragma once
/// The pending-call table of a connection (sans-io): id -> the awaiting call's slot.
/// A slot lives in the awaiting coroutine's frame; completing it stores the result or error and
/// cancels the slot's timer, which resumes the coroutine. Unit-tested without sockets.
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <exception>
#include <string_view>
#include <unordered_map>

#include <boost/asio/steady_timer.hpp>

#include "cdp/json.hpp"

namespace footfall::cdp {

/// One command awaiting its reply.
struct pending_call {
  std::string_view method;  ///< Views into the awaiting frame: valid while it is pending.
  std::string_view session;
  asio::steady_timer* timer = nullptr;  ///< Cancelled on completion (null in unit tests).
  std::chrono::steady_clock::time_point deadline = std::chrono::steady_clock::time_point::max();
  milliseconds timeout{0};  ///< For the timeout error's text.
  json result;
  std::exception_ptr error;
  bool done = false;
};

/// Commands in flight on one socket, keyed by the id space of that socket.
class pending_call_table {
 public:
  /// Allocates the next command id (ids start at 1).
  std::uint64_t next_id() { return next_++; }
  /// Ids handed out so far.
  std::uint64_t issued() const { return next_ - 1; }
  /// Registers `call` under `id` until completed, failed or erased.
  void insert(std::uint64_t id, pending_call& call) { calls_.emplace(id, &call); }
  /// Forgets `id` (its deadline passed). Late replies are then ignored.
  void erase(std::uint64_t id) { calls_.erase(id); }
  /// Stores the reply; false when nobody waits for `id` any more.
  bool complete(std::uint64_t id, json&& result) {
    auto* c = take(id);
    if (!c) return false;
    c->result = std::move(result);
    finish(*c);
    return true;
  }
  /// Fails `id` with make_error(call); false when nobody waits for it.
  template <class MakeError>
  bool complete_error(std::uint64_t id, MakeError&& make_error) {
    auto* c = take(id);
    if (!c) return false;
    c->error = make_error(*c);
    finish(*c);
    return true;
  }
  /// Fails every call of `session`.
  template <class MakeError>
  void fail_session(std::string_view session, MakeError&& make_error) {
    for (auto it = calls_.begin(); it != calls_.end();) {
      if (it->second->session == session) {
        it->second->error = make_error(*it->second);
        finish(*it->second);
        it = calls_.erase(it);
      } else {
        ++it;
      }
    }
  }
  /// Fails every call.
  template <class MakeError>
  void fail_all(MakeError&& make_error) {
    auto calls = std::move(calls_);
    calls_.clear();
    for (auto& [id, c] : calls) {
      c->error = make_error(*c);
      finish(*c);
    }
  }
  /// Fails every call whose deadline is at or before `now`; returns how many.
  template <class MakeError>
  std::size_t expire(std::chrono::steady_clock::time_point now, MakeError&& make_error) {
    std::size_t n = 0;
    for (auto it = calls_.begin(); it != calls_.end();) {
      if (it->second->deadline <= now) {
        it->second->error = make_error(*it->second);
        finish(*it->second);
        it = calls_.erase(it);
        ++n;
      } else {
        ++it;
      }
    }
    return n;
  }
  /// The earliest deadline of the calls in flight (time_point::max() when none).
  std::chrono::steady_clock::time_point earliest_deadline() const {
    auto t = std::chrono::steady_clock::time_point::max();
    for (const auto& [id, c] : calls_) t = std::min(t, c->deadline);
    return t;
  }
  std::size_t size() const { return calls_.size(); }

 private:
  pending_call* take(std::uint64_t id) {
    auto it = calls_.find(id);
    if (it == calls_.end()) return nullptr;
    auto* c = it->second;
    calls_.erase(it);
    return c;
  }
  static void finish(pending_call& c) {
    c.done = true;
    if (c.timer) c.timer->cancel();
  }

  std::uint64_t next_ = 1;
  std::unordered_map<std::uint64_t, pending_call*> calls_;
};

}  // namespace footfall::cdp
