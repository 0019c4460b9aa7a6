#pragma once
/// One DevTools WebSocket per browser, carrying every flattened target session.
///
/// Threading: a connection lives on one io_context thread; call send, subscribe and
/// expect_event from coroutines or handlers running on that thread (see io_thread.hpp for
/// running coroutines on it from other threads). close() and dropping connections,
/// subscriptions and waiters are safe from any thread (the work is queued to the io thread).
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include "cdp/errors.hpp"
#include "cdp/json.hpp"
#include "cdp/launcher.hpp"

namespace footfall::cdp {

class connection;
struct event_waiter_state;

/// Tuning of a connection.
struct connection_options {
  milliseconds default_timeout{30000};        ///< Per-command deadline when send() gets none.
  std::size_t read_message_max = 256u << 20;  ///< Screenshots of 10+ MB must fit.
};

/// Called with an event's params (the "params" member of the message).
using event_handler = std::function<void(const json& params)>;
/// Called with an event's params as text, valid only during the call (subscribe_text).
using text_event_handler = std::function<void(std::string_view params)>;
/// Decides whether an event (its params) is the one awaited.
using event_predicate = std::function<bool(const json& params)>;

/// Keeps an event handler registered; unregisters on destruction. Move-only.
class subscription {
 public:
  subscription() = default;
  subscription(std::weak_ptr<connection> c, std::uint64_t id) : conn_(std::move(c)), id_(id) {}
  subscription(subscription&& o) noexcept;
  subscription& operator=(subscription&& o) noexcept;
  ~subscription();
  /// Unregisters now (idempotent).
  void reset();

 private:
  std::weak_ptr<connection> conn_;
  std::uint64_t id_ = 0;
};

/// Listens for the first event matching a predicate from the moment it is created, so an event
/// that fires while the command causing it is still in flight is not missed:
///   auto load = page.session().expect_event("Page.loadEventFired");
///   co_await page.session().send("Page.navigate", ...);
///   co_await load.wait(5s);
class event_waiter {
 public:
  event_waiter() = default;
  event_waiter(std::shared_ptr<connection> c, std::shared_ptr<event_waiter_state> s);
  event_waiter(event_waiter&&) noexcept = default;
  event_waiter& operator=(event_waiter&&) noexcept = default;
  ~event_waiter();
  /// The matching event's params; timeout_error naming the event when none came in time,
  /// target_closed / connection_closed when the session or socket went away first.
  asio::awaitable<json> wait(milliseconds timeout);
  /// True once a matching event arrived (wait() then returns at once).
  bool ready() const;

 private:
  std::shared_ptr<connection> conn_;
  std::shared_ptr<event_waiter_state> state_;
};

/// The WebSocket to one browser: a pending-call table (id -> method, deadline, completion), one
/// reader and one writer coroutine (exactly one async_write in flight), events routed by
/// sessionId. When the socket closes every pending call and waiter fails with
/// connection_closed; when a target detaches or crashes its session's calls fail with
/// target_closed.
class connection : public std::enable_shared_from_this<connection> {
 public:
  /// Connects (TCP_NODELAY, WebSocket handshake) and starts the reader and writer on the
  /// calling coroutine's executor.
  static asio::awaitable<std::shared_ptr<connection>> open(
      devtools_endpoint endpoint, connection_options options = connection_options());
  ~connection();
  connection(const connection&) = delete;
  connection& operator=(const connection&) = delete;

  /// Sends a command and returns its "result" object. `method` must outlive the call (use a
  /// string literal). Empty session = the browser target. timeout 0 = the default.
  /// Throws protocol_error, timeout_error, target_closed or connection_closed.
  asio::awaitable<json> send(std::string_view method, json params = json::object(),
                             session_id session = session_id(),
                             milliseconds timeout = milliseconds{0});

  /// Calls `handler` for every `method` event of `session` until the subscription dies.
  subscription subscribe(session_id session, std::string method, event_handler handler);
  /// The same with the params' text, for a reader that needs little of a large event and
  /// reads it without a JSON document (json_text.hpp): the message is not parsed at all unless
  /// a subscribe() handler or a waiter wants it too. A message not laid out as split_event()
  /// expects is parsed and its params serialised for the handler.
  subscription subscribe_text(session_id session, std::string method, text_event_handler handler);
  /// Starts listening for one `method` event of `session` matching `pred` (none = any).
  event_waiter expect_event(session_id session, std::string method, event_predicate pred = {});
  /// Shorthand for expect_event(...).wait(timeout) when the event cannot precede the call.
  asio::awaitable<json> wait_for_event(session_id session, std::string method, event_predicate pred,
                                       milliseconds timeout);

  /// Fails every pending call and event waiter of `session` now with session_cancelled(reason),
  /// and every later one at once, until the target detaches: a page whose renderer is busy (a
  /// blocking handler, an endless scroll, a navigation that never ends) cannot hold its owner
  /// past a deadline. The page is left alone; close or dispose of it as usual.
  void cancel_session(const session_id& session, std::string reason);
  /// Lets calls of a cancelled `session` through again (those already failed stay failed): once
  /// its owner stopped waiting on the page, it may still ask for evidence with short timeouts
  /// (the frame at failure of a session cut off by its time limit).
  void resume_session(const session_id& session);

  /// Calls `handler` once when the socket closes (reason text); at once if already closed.
  void on_close(std::function<void(const std::string& reason)> handler);
  /// False once the socket closed or failed.
  bool is_open() const;
  /// Closes the socket; pending calls fail with connection_closed. Idempotent.
  void close();
  /// The executor the reader, writer and every call run on.
  asio::any_io_executor get_executor() const;
  /// Commands sent and messages received so far (for metrics and tests).
  std::uint64_t commands_sent() const;
  std::uint64_t messages_received() const;

  struct impl;  // transport and tables, in connection.cpp

 private:
  explicit connection(std::shared_ptr<impl> p);
  friend class subscription;
  friend class event_waiter;
  // Shared with the reader and writer coroutines, which outlive a dropped handle until the
  // socket has closed.
  std::shared_ptr<impl> impl_;
};

/// A handle on one flattened session (a page) over a shared connection. Cheap to copy.
class session {
 public:
  session() = default;
  session(std::shared_ptr<connection> c, session_id id) : conn_(std::move(c)), id_(std::move(id)) {}
  /// connection::send on this session.
  asio::awaitable<json> send(std::string_view method, json params = json::object(),
                             milliseconds timeout = milliseconds{0}) const {
    return conn_->send(method, std::move(params), id_, timeout);
  }
  /// connection::subscribe on this session.
  subscription subscribe(std::string method, event_handler h) const {
    return conn_->subscribe(id_, std::move(method), std::move(h));
  }
  /// connection::subscribe_text on this session.
  subscription subscribe_text(std::string method, text_event_handler h) const {
    return conn_->subscribe_text(id_, std::move(method), std::move(h));
  }
  /// connection::expect_event on this session.
  event_waiter expect_event(std::string method, event_predicate pred = {}) const {
    return conn_->expect_event(id_, std::move(method), std::move(pred));
  }
  const session_id& id() const { return id_; }
  const std::shared_ptr<connection>& conn() const { return conn_; }

 private:
  std::shared_ptr<connection> conn_;
  session_id id_;
};

}  // namespace footfall::cdp
