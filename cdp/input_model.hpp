#pragma once
/// Sans-io input model: geometry, mouse and keyboard state, the US key table, linear tweens.
/// No sockets here, so it is unit-tested directly (test/cdp/input_model_test.cpp).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace footfall::cdp {

/// A point in CSS pixels of the viewport (what the page sees as clientX/clientY).
struct point {
  double x = 0, y = 0;
  friend bool operator==(const point&, const point&) = default;
};

/// An element's border box in viewport CSS pixels.
struct box {
  double x = 0, y = 0, width = 0, height = 0;
  point center() const { return {x + width / 2, y + height / 2}; }
};

/// Mouse buttons as Input.dispatchMouseEvent names them.
enum class mouse_button { none, left, middle, right };
/// "none", "left", "middle", "right".
std::string_view to_string(mouse_button b);
/// The `buttons` bit of a button (left 1, right 2, middle 4).
int button_bit(mouse_button b);

/// Where the mouse is and which buttons are held (Puppeteer Input.ts keeps the same state).
struct mouse_state {
  point position;
  int buttons = 0;  ///< Bitmask of held buttons (button_bit).
};

/// CDP modifier bits.
enum modifier : int { alt = 1, ctrl = 2, meta = 4, shift = 8 };

/// One key of the US layout, as the DOM reports it.
struct key_definition {
  std::string_view key;      ///< KeyboardEvent.key ("a", "A", "Enter", "ArrowLeft", "Shift").
  std::string_view code;     ///< KeyboardEvent.code ("KeyA", "Enter", "ShiftLeft").
  std::string_view text;     ///< What it types ("" for Tab, arrows, modifiers); Enter types "\r".
  int key_code = 0;          ///< windowsVirtualKeyCode / KeyboardEvent.keyCode.
  bool needs_shift = false;  ///< Typed with Shift held ('A', '!', ...).
  int location = 0;          ///< KeyboardEvent.location (1 for left Shift).
  std::string_view modifier_name;  ///< non-empty for Shift/Control/Alt/Meta
};

/// The key named `name`: a printable ASCII character ("a", "A", "?", " ") or a key name
/// ("Enter", "Tab", "Backspace", "Escape", "Delete", "ArrowUp/Down/Left/Right", "Home", "End",
/// "PageUp", "PageDown", "Shift", "Control", "Alt", "Meta"). nullopt when unknown.
std::optional<key_definition> find_key(std::string_view name);
/// The key that types character `c` on a US keyboard, nullopt when no key does (non-ASCII).
std::optional<key_definition> key_for_char(char c);

/// Keys and modifiers currently held.
struct keyboard_state {
  int modifiers = 0;                 ///< modifier bits
  std::vector<std::string> pressed;  ///< codes of held keys, for autoRepeat
};

/// One key event of a typing burst at its planned time: each key is pressed and released at its
/// own time, so holds and overlaps (rollover) are what the page sees.
struct timed_key_event {
  double at_ms = 0;     ///< from the start of the burst
  bool down = true;     ///< keyDown (with text) or keyUp
  std::string key;      ///< find_key name ("a", "A", "Shift", "Backspace"); or text to insert
  bool insert = false;  ///< no US key types it: Input.insertText at `at_ms` (down only)
};

/// A pointer sample at its planned time (ms from the start of the movement).
struct timed_point {
  point at;
  double at_ms = 0;
};

/// `steps` points from `from` (excluded) to `to` (included) on a straight line, evenly spaced.
/// tween({100,100},{200,300},5) == {{120,140},{140,180},{160,220},{180,260},{200,300}}.
std::vector<point> tween(point from, point to, int steps);

/// Rounds to 1/100 px: Chromium takes fractional coordinates; keeping them short keeps the
/// JSON short and the clientX/Y the page reports predictable.
double round_coordinate(double v);

}  // namespace footfall::cdp
