#include "cdp/input_burst.hpp"

#include <memory>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "cdp/input.hpp"

namespace footfall::cdp {

// In a named namespace, not the anonymous one: send_burst's coroutine frame (external linkage)
// holds one.
namespace detail {
struct burst_batch {
  std::size_t left = 0;
  std::exception_ptr error;
  std::unique_ptr<asio::steady_timer> done;  ///< cancelled when the last reply is in
};
}  // namespace detail

namespace {

asio::awaitable<void> send_input(session s, const char* method, json params,
                               std::shared_ptr<detail::burst_batch> b) {
  try {
    co_await s.send(method, std::move(params));
  } catch (...) {
    if (!b->error) b->error = std::current_exception();
  }
  if (--b->left == 0) b->done->cancel();
}

json mouse(const char* type, point at, const char* button, int buttons, int count, int modifiers) {
  return {{"type", type},          {"x", at.x},          {"y", at.y},
          {"button", button},      {"buttons", buttons}, {"clickCount", count},
          {"modifiers", modifiers}};
}

const char* button_name(mouse_button b) {
  return b == mouse_button::right ? "right" : b == mouse_button::middle ? "middle" : "left";
}

// The command lists are built in plain functions: g++ 12 mis-compiles braced JSON initializers
// inside coroutine bodies.
void add_move(page& p, point at, std::vector<burst_command>& cmds) {
  at = {round_coordinate(at.x), round_coordinate(at.y)};
  if (p.mouse().position == at) return;
  cmds.push_back({"Input.dispatchMouseEvent",
                  mouse("mouseMoved", at, "none", p.mouse().buttons, 0, p.keyboard().modifiers)});
  p.mouse().position = at;
}

void add_presses(page& p, mouse_button button, int count, std::vector<burst_command>& cmds) {
  const int mods = p.keyboard().modifiers;
  const char* b = button_name(button);
  const int bit = button_bit(button);
  const point at = p.mouse().position;
  for (int n = 1; n <= std::max(count, 1); ++n) {
    cmds.push_back({"Input.dispatchMouseEvent", mouse("mousePressed", at, b, bit, n, mods)});
    cmds.push_back({"Input.dispatchMouseEvent", mouse("mouseReleased", at, b, 0, n, mods)});
  }
  p.mouse().buttons = 0;
}

std::vector<burst_command> type_commands(page& p, const std::string& text) {
  std::vector<burst_command> cmds;
  const int base = p.keyboard().modifiers;
  const auto shift = *find_key("Shift");
  for (std::size_t i = 0; i < text.size();) {
    if (auto k = key_for_char(text[i])) {
      const bool add_shift = k->needs_shift && !(base & modifier::shift);
      const int mods = add_shift ? base | modifier::shift : base;
      if (add_shift)
        cmds.push_back({"Input.dispatchKeyEvent", key_event_params("rawKeyDown", shift, mods)});
      cmds.push_back({"Input.dispatchKeyEvent",
                      key_event_params(k->text.empty() ? "rawKeyDown" : "keyDown", *k, mods)});
      cmds.push_back({"Input.dispatchKeyEvent", key_event_params("keyUp", *k, mods)});
      if (add_shift)
        cmds.push_back({"Input.dispatchKeyEvent", key_event_params("keyUp", shift, base)});
      ++i;
    } else {
      std::size_t j = i;
      while (j < text.size() && !key_for_char(text[j])) ++j;
      json params;
      params["text"] = text.substr(i, j - i);
      cmds.push_back({"Input.insertText", std::move(params)});
      i = j;
    }
  }
  return cmds;
}

std::vector<burst_command> move_commands(page& p, point at) {
  std::vector<burst_command> cmds;
  add_move(p, at, cmds);
  return cmds;
}

std::vector<burst_command> press_commands(page& p, mouse_button button, int count) {
  std::vector<burst_command> cmds;
  add_presses(p, button, count, cmds);
  return cmds;
}

std::vector<burst_command> click_commands(page& p, point at, mouse_button button, int count) {
  std::vector<burst_command> cmds;
  add_move(p, at, cmds);
  add_presses(p, button, count, cmds);
  return cmds;
}

}  // namespace

asio::awaitable<void> send_burst(session s, std::vector<burst_command> cmds) {
  if (cmds.empty()) co_return;
  auto ex = co_await asio::this_coro::executor;
  auto b = std::make_shared<detail::burst_batch>();
  b->left = cmds.size();
  b->done = std::make_unique<asio::steady_timer>(ex, asio::steady_timer::time_point::max());
  // Spawned in order on the io thread's queue, so the commands are written in order.
  for (auto& c : cmds)
    asio::co_spawn(ex, send_input(s, c.method, std::move(c.params), b), [](std::exception_ptr) {});
  while (b->left > 0) {
    boost::system::error_code ec;
    co_await b->done->async_wait(asio::redirect_error(asio::use_awaitable, ec));
  }
  if (b->error) std::rethrow_exception(b->error);
}

asio::awaitable<void> burst_move(page p, point at) {
  auto cmds = move_commands(p, at);
  co_await send_burst(p.session(), std::move(cmds));
}

asio::awaitable<void> burst_press(page p, mouse_button button, int count) {
  auto cmds = press_commands(p, button, count);
  co_await send_burst(p.session(), std::move(cmds));
}

asio::awaitable<void> burst_click(page p, point at, mouse_button button, int count) {
  auto cmds = click_commands(p, at, button, count);
  co_await send_burst(p.session(), std::move(cmds));
}

asio::awaitable<void> burst_type(page p, std::string text) {
  auto cmds = type_commands(p, text);
  co_await send_burst(p.session(), std::move(cmds));
}

}  // namespace footfall::cdp
