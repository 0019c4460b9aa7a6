#include "engine/pipeline.hpp"

#include "cdp/input.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <memory>

namespace footfall::engine {

namespace asio = boost::asio;
using cdp::json;

namespace {

struct batch {
  std::size_t left = 0;
  std::exception_ptr error;
  std::unique_ptr<asio::steady_timer> done;  ///< cancelled when the last reply is in
};

asio::awaitable<void> send_one(cdp::session s, const char* method, json params,
                               std::shared_ptr<batch> b) {
  try {
    co_await s.send(method, std::move(params));
  } catch (...) {
    if (!b->error) b->error = std::current_exception();
  }
  if (--b->left == 0) b->done->cancel();
}

json mouse(const char* type, cdp::point at, const char* button, int buttons, int count,
           int modifiers) {
  return {{"type", type},          {"x", at.x},          {"y", at.y},
          {"button", button},      {"buttons", buttons}, {"clickCount", count},
          {"modifiers", modifiers}};
}

}  // namespace

asio::awaitable<void> send_pipelined(cdp::session s, std::vector<pipelined_command> cmds) {
  if (cmds.empty()) co_return;
  auto ex = co_await asio::this_coro::executor;
  auto b = std::make_shared<batch>();
  b->left = cmds.size();
  b->done = std::make_unique<asio::steady_timer>(ex, asio::steady_timer::time_point::max());
  // Spawned in order on the io thread's queue, so the commands are written in order.
  for (auto& c : cmds)
    asio::co_spawn(ex, send_one(s, c.method, std::move(c.params), b), [](std::exception_ptr) {});
  while (b->left > 0) {
    boost::system::error_code ec;
    co_await b->done->async_wait(asio::redirect_error(asio::use_awaitable, ec));
  }
  if (b->error) std::rethrow_exception(b->error);
}

namespace {

// The command lists are built in plain functions: g++ 12 mis-compiles braced JSON initializers
// inside coroutine bodies.
std::vector<pipelined_command> click_commands(cdp::page& p, cdp::point at, cdp::mouse_button button,
                                              int count) {
  const int mods = p.keyboard().modifiers;
  const char* b = button == cdp::mouse_button::right    ? "right"
                  : button == cdp::mouse_button::middle ? "middle"
                                                        : "left";
  const int bit = cdp::button_bit(button);
  at = {cdp::round_coordinate(at.x), cdp::round_coordinate(at.y)};
  std::vector<pipelined_command> cmds;
  if (!(p.mouse().position == at))
    cmds.push_back(
        pipelined_command{"Input.dispatchMouseEvent", mouse("mouseMoved", at, "none", 0, 0, mods)});
  for (int n = 1; n <= std::max(count, 1); ++n) {
    cmds.push_back(
        pipelined_command{"Input.dispatchMouseEvent", mouse("mousePressed", at, b, bit, n, mods)});
    cmds.push_back(
        pipelined_command{"Input.dispatchMouseEvent", mouse("mouseReleased", at, b, 0, n, mods)});
  }
  p.mouse().position = at;
  p.mouse().buttons = 0;
  return cmds;
}

std::vector<pipelined_command> type_commands(cdp::page& p, const std::string& text) {
  std::vector<pipelined_command> cmds;
  const int base = p.keyboard().modifiers;
  const auto shift = *cdp::find_key("Shift");
  for (std::size_t i = 0; i < text.size();) {
    if (auto k = cdp::key_for_char(text[i])) {
      const bool add_shift = k->needs_shift && !(base & cdp::modifier::shift);
      const int mods = add_shift ? base | cdp::modifier::shift : base;
      if (add_shift)
        cmds.push_back(pipelined_command{"Input.dispatchKeyEvent",
                                         cdp::key_event_params("rawKeyDown", shift, mods)});
      cmds.push_back(pipelined_command{
          "Input.dispatchKeyEvent",
          cdp::key_event_params(k->text.empty() ? "rawKeyDown" : "keyDown", *k, mods)});
      cmds.push_back(
          pipelined_command{"Input.dispatchKeyEvent", cdp::key_event_params("keyUp", *k, mods)});
      if (add_shift)
        cmds.push_back(pipelined_command{"Input.dispatchKeyEvent",
                                         cdp::key_event_params("keyUp", shift, base)});
      ++i;
    } else {
      std::size_t j = i;
      while (j < text.size() && !cdp::key_for_char(text[j])) ++j;
      json params;
      params["text"] = text.substr(i, j - i);
      cmds.push_back(pipelined_command{"Input.insertText", std::move(params)});
      i = j;
    }
  }
  return cmds;
}

}  // namespace

asio::awaitable<void> fast_click(cdp::page p, cdp::point at, cdp::mouse_button button, int count) {
  auto cmds = click_commands(p, at, button, count);
  co_await send_pipelined(p.session(), std::move(cmds));
}

asio::awaitable<void> fast_type(cdp::page p, std::string text) {
  auto cmds = type_commands(p, text);
  co_await send_pipelined(p.session(), std::move(cmds));
}

}  // namespace footfall::engine
