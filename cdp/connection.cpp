// The DevTools transport: Beast WebSocket, pending-call table, event routing.
#include "cdp/connection.hpp"

#include <charconv>
#include <algorithm>
#include <deque>
#include <optional>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <spdlog/spdlog.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>

#include "cdp/command_stats.hpp"
#include "cdp/json_text.hpp"
#include "cdp/message_repair.hpp"
#include "cdp/pending_calls.hpp"

namespace footfall::cdp {

namespace {
/// The events the connection acts on itself (dispatch()), whoever else wants them: a session
/// gone, a renderer dead. One list, so wanted() never drops one of them unread.
constexpr std::string_view target_detached = "Target.detachedFromTarget";
constexpr std::string_view target_crashed = "Inspector.targetCrashed";
}  // namespace

namespace beast = boost::beast;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;
using asio::redirect_error;
using asio::use_awaitable;
using boost::system::error_code;

/// Lets `subscribed` be searched with a string_view (no string built per received event).
struct method_hash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};

struct event_waiter_state {
  std::uint64_t id = 0;
  session_id session;
  std::string method;
  event_predicate pred;
  std::optional<json> result;
  std::exception_ptr error;
  asio::steady_timer* timer = nullptr;  // set while someone awaits
};

struct connection::impl {
  impl(asio::any_io_executor ex, connection_options o)
      : ws(ex), writer_cv(ex), deadline_timer(ex), options(o) {}

  websocket::stream<beast::tcp_stream> ws;
  asio::steady_timer writer_cv;  // a condition variable: cancelled when the outbox fills
  // One timer for every command's deadline, armed at or before the earliest one. Sequential
  // calls with the same timeout never re-arm it: no timerfd_settime per command.
  asio::steady_timer deadline_timer;
  std::chrono::steady_clock::time_point armed = std::chrono::steady_clock::time_point::max();
  connection_options options;
  pending_call_table pending;
  std::deque<std::string> outbox;
  std::vector<std::string> spare;  // reused message buffers: no allocation per call
  bool writer_waiting = false;
  bool open = true;
  std::string close_reason;
  beast::flat_buffer rbuf;
  std::uint64_t received = 0;

  struct handler_entry {
    std::uint64_t id;
    std::shared_ptr<const event_handler> fn;            // subscribe(), or
    std::shared_ptr<const text_event_handler> text_fn;  // subscribe_text()
  };
  std::uint64_t next_sub = 1;
  std::unordered_map<std::string, std::vector<handler_entry>> subs;  // session \x1f method
  std::unordered_map<std::uint64_t, std::string> sub_keys;
  /// Subscriptions per method, any session: an event nobody subscribed to or waits for is not
  /// parsed at all (wanted()). With page health on, Chromium sends a Network.dataReceived for
  /// every chunk and an ExtraInfo twin for every request and response, none of which footfall
  /// reads. Measured with bench/page_health_cost.sh, skipping them did not change what page
  /// health costs footfall beyond the noise (+10 % before, +11 % after): kept because parsing
  /// what nobody reads is work for nothing, not as the fix of that cost.
  std::unordered_map<std::string, int, method_hash, std::equal_to<>> subscribed;
  /// Of those, the subscribe_text() ones: these events reach them unparsed (reader()).
  std::unordered_map<std::string, int, method_hash, std::equal_to<>> text_subscribed;
  std::vector<std::shared_ptr<event_waiter_state>> waiters;
  std::vector<std::function<void(const std::string&)>> close_handlers;
  std::unordered_map<std::string, std::string> cancelled;  // session -> reason (cancel_session)

  static std::string key(std::string_view session, std::string_view method) {
    std::string k;
    k.reserve(session.size() + 1 + method.size());
    k.append(session).push_back('\x1f');
    k.append(method);
    return k;
  }

  void wake_writer() {
    if (writer_waiting) writer_cv.cancel();
  }

  void finish_waiter(event_waiter_state& w) {
    if (w.timer) w.timer->cancel();
  }

  template <class Error = target_closed>
  void fail_session(const std::string& session, const std::string& why) {
    pending.fail_session(session, [&](const pending_call& c) {
      return std::make_exception_ptr(Error(std::string(c.method) + ": " + why));
    });
    for (auto it = waiters.begin(); it != waiters.end();) {
      if ((*it)->session.value == session) {
        (*it)->error = std::make_exception_ptr(Error((*it)->method + ": " + why));
        finish_waiter(**it);
        it = waiters.erase(it);
      } else {
        ++it;
      }
    }
  }

  // Everything pending fails at once: nothing waits for a deadline on a dead socket.
  void shutdown(const std::string& reason) {
    if (!open) return;
    open = false;
    close_reason = reason;
    spdlog::debug("cdp connection closed reason=\"{}\" pending={}", reason, pending.size());
    pending.fail_all([&](const pending_call& c) {
      return std::make_exception_ptr(connection_closed(std::string(c.method) + ": " + reason));
    });
    for (auto& w : waiters) {
      w->error = std::make_exception_ptr(connection_closed(w->method + ": " + reason));
      finish_waiter(*w);
    }
    waiters.clear();
    writer_cv.cancel();
    deadline_timer.cancel();
    error_code ec;
    beast::get_lowest_layer(ws).socket().close(ec);
    auto handlers = std::move(close_handlers);
    for (auto& h : handlers) h(reason);
  }

  void dispatch(json& msg, bool text_delivered = false);
  /// An event split from its text, to its subscribe_text() handlers; true when a subscribe()
  /// handler or a waiter wants it too (then it is parsed and dispatched as well).
  bool deliver_text(const event_text& e);

  // A message that does not parse fails the call it answers at once (its waiter would otherwise
  // sit out the whole deadline); one whose id cannot be read is logged and counted.
  void unparseable(const parsed_message& m, std::size_t bytes) {
    global_command_stats().record_unparseable();
    const bool failed = m.reply_id && pending.complete_error(*m.reply_id, [&](const pending_call& c) {
      return std::make_exception_ptr(malformed_reply(std::string(c.method), m.error));
    });
    spdlog::error("cdp: unparseable message id={} bytes={} call_failed={} reason=\"{}\"",
                  m.reply_id ? std::to_string(*m.reply_id) : "none", bytes, failed, m.error);
  }
  void deliver_event(const std::string& session, const std::string& method, const json& params,
                     bool text_delivered);
  /// Whether an event of `method` can matter: a subscriber or a waiter wants it, or the
  /// connection itself acts on it (dispatch()).
  bool wanted(std::string_view method) const {
    if (method == target_detached || method == target_crashed) return true;
    if (subscribed.find(method) != subscribed.end()) return true;
    return std::any_of(waiters.begin(), waiters.end(),
                       [&](const auto& w) { return w->method == method; });
  }
};

namespace {

/// The method of an event message as Chromium writes it (`{"method":"Domain.event",...`), read
/// without parsing the message; nullopt for anything else (a reply, another layout), which is
/// then parsed in full.
std::optional<std::string_view> event_method(std::string_view text) {
  constexpr std::string_view head = R"({"method":")";
  if (!text.starts_with(head)) return std::nullopt;
  const auto end = text.find('"', head.size());
  if (end == std::string_view::npos) return std::nullopt;
  const auto m = text.substr(head.size(), end - head.size());
  if (m.find('\\') != std::string_view::npos) return std::nullopt;  // escaped: let the parser read it
  return m;
}

}  // namespace

void connection::impl::dispatch(json& msg, bool text_delivered) {
  if (auto id = msg.find("id"); id != msg.end()) {
    auto err = msg.find("error");
    if (err != msg.end()) {
      pending.complete_error(id->get<std::uint64_t>(), [&](const pending_call& c) {
        std::string text = err->value("message", std::string());
        // A session that is gone answers with this instead of a detach event we may have missed.
        if (text.rfind("Session with given id not found", 0) == 0)
          return std::make_exception_ptr(target_closed(std::string(c.method) + ": " + text));
        return std::make_exception_ptr(
            protocol_error(std::string(c.method), err->value("code", 0), std::move(text)));
      });
    } else if (auto res = msg.find("result"); res != msg.end()) {
      pending.complete(id->get<std::uint64_t>(), std::move(*res));
    } else {
      pending.complete(id->get<std::uint64_t>(), json::object());
    }
    return;
  }
  auto m = msg.find("method");
  if (m == msg.end() || !m->is_string()) return;
  static const std::string no_session;
  auto s = msg.find("sessionId");
  const std::string& session = s != msg.end() ? s->get_ref<const std::string&>() : no_session;
  auto p = msg.find("params");
  static const json empty = json::object();
  const json& params = p != msg.end() ? *p : empty;
  const std::string& method = m->get_ref<const std::string&>();
  if (method == target_detached) {
    if (auto d = params.find("sessionId"); d != params.end()) {
      fail_session(d->get<std::string>(), "target detached");
      cancelled.erase(d->get<std::string>());
    }
  } else if (method == target_crashed) {
    fail_session(session, "renderer crashed");
  }
  deliver_event(session, method, params, text_delivered);
}

void connection::impl::deliver_event(const std::string& session, const std::string& method,
                                     const json& params, bool text_delivered) {
  if (auto it = subs.find(key(session, method)); it != subs.end()) {
    // Copy: a handler may subscribe or unsubscribe while we iterate.
    auto handlers = it->second;
    std::optional<std::string> text;  // the params serialised, for text handlers not yet served
    for (auto& h : handlers) {
      try {
        if (h.fn) {
          (*h.fn)(params);
        } else if (!text_delivered) {
          if (!text) text = params.dump();
          (*h.text_fn)(*text);
        }
      } catch (const std::exception& e) {
        spdlog::error("cdp event handler failed method={} error=\"{}\"", method, e.what());
      }
    }
  }
  for (auto it = waiters.begin(); it != waiters.end();) {
    auto& w = **it;
    if (w.session.value == session && w.method == method && (!w.pred || w.pred(params))) {
      w.result = params;
      finish_waiter(w);
      it = waiters.erase(it);
    } else {
      ++it;
    }
  }
}

bool connection::impl::deliver_text(const event_text& e) {
  // The events the connection acts on itself are always parsed (dispatch()).
  bool more = e.method == target_detached || e.method == target_crashed;
  if (auto it = subs.find(key(e.session, e.method)); it != subs.end()) {
    auto handlers = it->second;  // a handler may subscribe or unsubscribe while we iterate
    for (auto& h : handlers) {
      if (!h.text_fn) {
        more = true;
        continue;
      }
      try {
        (*h.text_fn)(e.params);
      } catch (const std::exception& x) {
        spdlog::error("cdp event handler failed method={} error=\"{}\"", e.method, x.what());
      }
    }
  }
  return more || std::any_of(waiters.begin(), waiters.end(), [&](const auto& w) {
           return w->method == e.method && w->session.value == e.session;
         });
}

namespace {

asio::awaitable<void> reader(std::shared_ptr<connection::impl> d) {
  for (;;) {
    error_code ec;
    co_await d->ws.async_read(d->rbuf, redirect_error(use_awaitable, ec));
    if (ec) {
      d->shutdown(ec == websocket::error::closed ? "browser closed the socket"
                                                 : "read failed: " + ec.message());
      co_return;
    }
    ++d->received;
    auto data = d->rbuf.cdata();
    const std::string_view text(static_cast<const char*>(data.data()), data.size());
    global_command_stats().record_received(text.size());
    const auto method = event_method(text);
    if (method && !d->wanted(*method)) {
      global_command_stats().record_unread_event();
      d->rbuf.consume(d->rbuf.size());
      continue;
    }
    bool text_delivered = false;
    if (method && d->text_subscribed.find(*method) != d->text_subscribed.end())
      if (const auto e = split_event(text)) {
        text_delivered = true;
        if (!d->deliver_text(*e)) {
          d->rbuf.consume(d->rbuf.size());
          continue;
        }
      }
    auto parsed = parse_message(text);
    const std::size_t bytes = data.size();
    d->rbuf.consume(d->rbuf.size());
    if (parsed.repaired > 0) global_command_stats().record_repaired(parsed.repaired);
    if (!parsed.ok()) {
      d->unparseable(parsed, bytes);
      continue;
    }
    d->dispatch(parsed.value, text_delivered);
  }
}

asio::awaitable<void> writer(std::shared_ptr<connection::impl> d) {
  while (d->open) {
    if (d->outbox.empty()) {
      d->writer_waiting = true;
      d->writer_cv.expires_at(asio::steady_timer::time_point::max());
      error_code ec;
      co_await d->writer_cv.async_wait(redirect_error(use_awaitable, ec));
      d->writer_waiting = false;
      continue;
    }
    error_code ec;
    co_await d->ws.async_write(asio::buffer(d->outbox.front()), redirect_error(use_awaitable, ec));
    std::string done = std::move(d->outbox.front());
    d->outbox.pop_front();
    if (ec) {
      d->shutdown("write failed: " + ec.message());
      break;
    }
    done.clear();
    if (d->spare.size() < 16) d->spare.push_back(std::move(done));
  }
  d->outbox.clear();
}

asio::awaitable<void> deadline_sweeper(std::shared_ptr<connection::impl> d) {
  while (d->open) {
    d->deadline_timer.expires_at(d->armed);
    error_code ec;
    co_await d->deadline_timer.async_wait(redirect_error(use_awaitable, ec));
    if (!d->open) break;
    if (ec) continue;  // re-armed for an earlier deadline
    d->pending.expire(std::chrono::steady_clock::now(), [](const pending_call& c) {
      return std::make_exception_ptr(timeout_error(std::string(c.method), c.timeout.count()));
    });
    d->armed = d->pending.earliest_deadline();
  }
}

// True when called from the thread running the connection's io_context.
bool on_io_thread(const asio::any_io_executor& ex) {
  const auto* io = ex.target<asio::io_context::executor_type>();
  return io && io->running_in_this_thread();
}

// Runs `f` now when on the io thread, else queues it there: handles, subscriptions and waiters
// may be dropped from any thread without racing the reader.
template <class F>
void on_io(const asio::any_io_executor& ex, F&& f) {
  if (on_io_thread(ex))
    f();
  else
    asio::post(ex, std::forward<F>(f));
}

void log_end(const char* what, std::exception_ptr e) {
  if (!e) return;
  try {
    std::rethrow_exception(e);
  } catch (const std::exception& x) {
    spdlog::error("cdp {} coroutine failed error=\"{}\"", what, x.what());
  }
}

void append_uint(std::string& out, std::uint64_t v) {
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, r.ptr);
}

}  // namespace

connection::connection(std::shared_ptr<impl> p) : impl_(std::move(p)) {}

connection::~connection() {
  if (impl_)
    on_io(impl_->writer_cv.get_executor(),
          [d = impl_] { d->shutdown("connection object destroyed"); });
}

asio::awaitable<std::shared_ptr<connection>> connection::open(devtools_endpoint ep,
                                                              connection_options options) {
  auto ex = co_await asio::this_coro::executor;
  auto d = std::make_shared<impl>(ex, options);
  auto& sock = beast::get_lowest_layer(d->ws);
  sock.expires_after(std::chrono::seconds(10));
  error_code ec;
  co_await sock.async_connect(tcp::endpoint(asio::ip::make_address(ep.host), ep.port),
                              redirect_error(use_awaitable, ec));
  if (ec)
    throw connection_closed("connect to " + ep.host + ":" + std::to_string(ep.port) + ": " +
                            ec.message());
  // Each command is one small frame awaited before the next: Nagle would add delay.
  sock.socket().set_option(tcp::no_delay(true));
  // Chromium rejects fragmented frames; big results (screenshots) exceed Beast's 16 MiB default.
  d->ws.auto_fragment(false);
  d->ws.read_message_max(options.read_message_max);
  d->ws.write_buffer_bytes(64 * 1024);
  co_await d->ws.async_handshake(ep.host + ":" + std::to_string(ep.port), ep.path,
                                 redirect_error(use_awaitable, ec));
  if (ec) throw connection_closed("websocket handshake with " + ep.path + ": " + ec.message());
  sock.expires_never();
  d->ws.set_option(websocket::stream_base::timeout::suggested(beast::role_type::client));
  asio::co_spawn(ex, reader(d), [](std::exception_ptr e) { log_end("reader", e); });
  asio::co_spawn(ex, writer(d), [](std::exception_ptr e) { log_end("writer", e); });
  asio::co_spawn(ex, deadline_sweeper(d), [](std::exception_ptr e) { log_end("deadline", e); });
  co_return std::shared_ptr<connection>(new connection(std::move(d)));
}

asio::awaitable<json> connection::send(std::string_view method, json params, session_id session,
                                       milliseconds timeout) {
  auto d = impl_;
  if (!d->open) throw connection_closed(std::string(method) + ": " + d->close_reason);
  if (!session.empty() && !d->cancelled.empty())
    if (auto c = d->cancelled.find(session.value); c != d->cancelled.end())
      throw session_cancelled(std::string(method) + ": " + c->second);
  if (timeout.count() <= 0) timeout = d->options.default_timeout;

  std::string out;
  if (!d->spare.empty()) {
    out = std::move(d->spare.back());
    d->spare.pop_back();
  }
  const std::uint64_t id = d->pending.next_id();
  out.append(R"({"id":)");
  append_uint(out, id);
  out.append(R"(,"method":")").append(method).push_back('"');
  if (!session.empty()) out.append(R"(,"sessionId":")").append(session.value).push_back('"');
  out.append(R"(,"params":)");
  if (params.is_null()) {
    out.append("{}");
  } else {
    nlohmann::detail::serializer<json> ser(nlohmann::detail::output_adapter<char>(out), ' ');
    ser.dump(params, false, false, 0);
  }
  out.push_back('}');

  // The call's own timer only wakes this coroutine (cancelled on reply, error or deadline): it
  // never expires by itself, so it is never the reactor's earliest timer.
  asio::steady_timer wake(d->writer_cv.get_executor());
  pending_call call;
  call.method = method;
  call.session = session.value;
  call.timer = &wake;
  call.timeout = timeout;
  call.deadline = std::chrono::steady_clock::now() + timeout;
  d->pending.insert(id, call);
  if (call.deadline < d->armed) {
    d->armed = call.deadline;
    d->deadline_timer.cancel();
  }
  d->outbox.push_back(std::move(out));
  d->wake_writer();

  wake.expires_at(asio::steady_timer::time_point::max());
  error_code ec;
  co_await wake.async_wait(redirect_error(use_awaitable, ec));
  if (!call.done) {  // only if someone cancelled the timer without completing the call
    d->pending.erase(id);
    throw connection_closed(std::string(method) + ": wait interrupted");
  }
  global_command_stats().record(std::chrono::steady_clock::now() - (call.deadline - timeout),
                                call.error);
  if (call.error) std::rethrow_exception(call.error);
  co_return std::move(call.result);
}

subscription connection::subscribe(session_id session, std::string method, event_handler h) {
  auto id = impl_->next_sub++;
  auto k = impl::key(session.value, method);
  impl_->subs[k].push_back({id, std::make_shared<const event_handler>(std::move(h)), nullptr});
  ++impl_->subscribed[method];
  impl_->sub_keys.emplace(id, std::move(k));
  return subscription(weak_from_this(), id);
}

subscription connection::subscribe_text(session_id session, std::string method,
                                        text_event_handler h) {
  auto id = impl_->next_sub++;
  auto k = impl::key(session.value, method);
  impl_->subs[k].push_back({id, nullptr, std::make_shared<const text_event_handler>(std::move(h))});
  ++impl_->subscribed[method];
  ++impl_->text_subscribed[method];
  impl_->sub_keys.emplace(id, std::move(k));
  return subscription(weak_from_this(), id);
}

event_waiter connection::expect_event(session_id session, std::string method,
                                      event_predicate pred) {
  auto st = std::make_shared<event_waiter_state>();
  st->id = impl_->next_sub++;
  st->session = std::move(session);
  st->method = std::move(method);
  st->pred = std::move(pred);
  const auto c = impl_->cancelled.find(st->session.value);
  if (!impl_->open)
    st->error = std::make_exception_ptr(connection_closed(st->method + ": " + impl_->close_reason));
  else if (!st->session.empty() && c != impl_->cancelled.end())
    st->error = std::make_exception_ptr(session_cancelled(st->method + ": " + c->second));
  else
    impl_->waiters.push_back(st);
  return event_waiter(shared_from_this(), std::move(st));
}

void connection::cancel_session(const session_id& session, std::string reason) {
  if (session.empty() || !impl_->open) return;
  impl_->fail_session<session_cancelled>(session.value, reason);
  impl_->cancelled[session.value] = std::move(reason);
}

void connection::resume_session(const session_id& session) {
  impl_->cancelled.erase(session.value);
}

asio::awaitable<json> connection::wait_for_event(session_id session, std::string method,
                                                 event_predicate pred, milliseconds timeout) {
  auto w = expect_event(std::move(session), std::move(method), std::move(pred));
  co_return co_await w.wait(timeout);
}

void connection::on_close(std::function<void(const std::string&)> handler) {
  if (!impl_->open)
    handler(impl_->close_reason);
  else
    impl_->close_handlers.push_back(std::move(handler));
}

bool connection::is_open() const { return impl_->open; }
void connection::close() {
  on_io(impl_->writer_cv.get_executor(), [d = impl_] { d->shutdown("closed by footfall"); });
}
asio::any_io_executor connection::get_executor() const { return impl_->writer_cv.get_executor(); }
std::uint64_t connection::commands_sent() const { return impl_->pending.issued(); }
std::uint64_t connection::messages_received() const { return impl_->received; }

// --- subscription / event_waiter ---

subscription::subscription(subscription&& o) noexcept
    : conn_(std::move(o.conn_)), id_(std::exchange(o.id_, 0)) {}

subscription& subscription::operator=(subscription&& o) noexcept {
  if (this != &o) {
    reset();
    conn_ = std::move(o.conn_);
    id_ = std::exchange(o.id_, 0);
  }
  return *this;
}

subscription::~subscription() { reset(); }

void subscription::reset() {
  if (id_ == 0) return;
  if (auto c = conn_.lock()) {
    on_io(c->get_executor(), [d = c->impl_, id = id_] {
      if (auto k = d->sub_keys.find(id); k != d->sub_keys.end()) {
        auto& v = d->subs[k->second];
        bool text = false;  // a subscribe_text() one
        for (const auto& e : v)
          if (e.id == id) text = !e.fn;
        std::erase_if(v, [&](const auto& e) { return e.id == id; });
        if (v.empty()) d->subs.erase(k->second);
        const auto method = std::string_view(k->second).substr(k->second.find('\x1f') + 1);
        if (auto n = d->subscribed.find(method); n != d->subscribed.end() && --n->second == 0)
          d->subscribed.erase(n);
        if (auto n = d->text_subscribed.find(method);
            text && n != d->text_subscribed.end() && --n->second == 0)
          d->text_subscribed.erase(n);
        d->sub_keys.erase(k);
      }
    });
  }
  id_ = 0;
  conn_.reset();
}

event_waiter::event_waiter(std::shared_ptr<connection> c, std::shared_ptr<event_waiter_state> s)
    : conn_(std::move(c)), state_(std::move(s)) {}

event_waiter::~event_waiter() {
  if (conn_ && state_)
    on_io(conn_->get_executor(),
          [d = conn_->impl_, st = std::move(state_)] { std::erase(d->waiters, st); });
}

bool event_waiter::ready() const { return state_ && (state_->result || state_->error); }

asio::awaitable<json> event_waiter::wait(milliseconds timeout) {
  auto st = state_;
  auto conn = conn_;
  if (!st) throw error("event_waiter::wait on an empty waiter");
  if (!st->result && !st->error) {
    asio::steady_timer timer(conn->get_executor());
    timer.expires_after(timeout);
    st->timer = &timer;
    error_code ec;
    co_await timer.async_wait(redirect_error(use_awaitable, ec));
    st->timer = nullptr;
    if (!st->result && !st->error) {
      std::erase(conn->impl_->waiters, st);
      throw timeout_error("event " + st->method, timeout.count());
    }
  }
  if (st->error) std::rethrow_exception(st->error);
  co_return std::move(*st->result);
}

}  // namespace footfall::cdp
