// Sans-io input model: key table (US layout), tweens, button names.
#include "cdp/input_model.hpp"

#include <algorithm>
#include <array>
#include <cmath>

namespace footfall::cdp {

namespace {

// The US layout as Chromium's DOM reports it (cf. Puppeteer USKeyboardLayout, chromedp kb).
constexpr key_definition keys[] = {
    {"a", "KeyA", "a", 65, false, 0, ""},
    {"A", "KeyA", "A", 65, true, 0, ""},
    {"b", "KeyB", "b", 66, false, 0, ""},
    {"B", "KeyB", "B", 66, true, 0, ""},
    {"c", "KeyC", "c", 67, false, 0, ""},
    {"C", "KeyC", "C", 67, true, 0, ""},
    {"d", "KeyD", "d", 68, false, 0, ""},
    {"D", "KeyD", "D", 68, true, 0, ""},
    {"e", "KeyE", "e", 69, false, 0, ""},
    {"E", "KeyE", "E", 69, true, 0, ""},
    {"f", "KeyF", "f", 70, false, 0, ""},
    {"F", "KeyF", "F", 70, true, 0, ""},
    {"g", "KeyG", "g", 71, false, 0, ""},
    {"G", "KeyG", "G", 71, true, 0, ""},
    {"h", "KeyH", "h", 72, false, 0, ""},
    {"H", "KeyH", "H", 72, true, 0, ""},
    {"i", "KeyI", "i", 73, false, 0, ""},
    {"I", "KeyI", "I", 73, true, 0, ""},
    {"j", "KeyJ", "j", 74, false, 0, ""},
    {"J", "KeyJ", "J", 74, true, 0, ""},
    {"k", "KeyK", "k", 75, false, 0, ""},
    {"K", "KeyK", "K", 75, true, 0, ""},
    {"l", "KeyL", "l", 76, false, 0, ""},
    {"L", "KeyL", "L", 76, true, 0, ""},
    {"m", "KeyM", "m", 77, false, 0, ""},
    {"M", "KeyM", "M", 77, true, 0, ""},
    {"n", "KeyN", "n", 78, false, 0, ""},
    {"N", "KeyN", "N", 78, true, 0, ""},
    {"o", "KeyO", "o", 79, false, 0, ""},
    {"O", "KeyO", "O", 79, true, 0, ""},
    {"p", "KeyP", "p", 80, false, 0, ""},
    {"P", "KeyP", "P", 80, true, 0, ""},
    {"q", "KeyQ", "q", 81, false, 0, ""},
    {"Q", "KeyQ", "Q", 81, true, 0, ""},
    {"r", "KeyR", "r", 82, false, 0, ""},
    {"R", "KeyR", "R", 82, true, 0, ""},
    {"s", "KeyS", "s", 83, false, 0, ""},
    {"S", "KeyS", "S", 83, true, 0, ""},
    {"t", "KeyT", "t", 84, false, 0, ""},
    {"T", "KeyT", "T", 84, true, 0, ""},
    {"u", "KeyU", "u", 85, false, 0, ""},
    {"U", "KeyU", "U", 85, true, 0, ""},
    {"v", "KeyV", "v", 86, false, 0, ""},
    {"V", "KeyV", "V", 86, true, 0, ""},
    {"w", "KeyW", "w", 87, false, 0, ""},
    {"W", "KeyW", "W", 87, true, 0, ""},
    {"x", "KeyX", "x", 88, false, 0, ""},
    {"X", "KeyX", "X", 88, true, 0, ""},
    {"y", "KeyY", "y", 89, false, 0, ""},
    {"Y", "KeyY", "Y", 89, true, 0, ""},
    {"z", "KeyZ", "z", 90, false, 0, ""},
    {"Z", "KeyZ", "Z", 90, true, 0, ""},
    {"0", "Digit0", "0", 48, false, 0, ""},
    {")", "Digit0", ")", 48, true, 0, ""},
    {"1", "Digit1", "1", 49, false, 0, ""},
    {"!", "Digit1", "!", 49, true, 0, ""},
    {"2", "Digit2", "2", 50, false, 0, ""},
    {"@", "Digit2", "@", 50, true, 0, ""},
    {"3", "Digit3", "3", 51, false, 0, ""},
    {"#", "Digit3", "#", 51, true, 0, ""},
    {"4", "Digit4", "4", 52, false, 0, ""},
    {"$", "Digit4", "$", 52, true, 0, ""},
    {"5", "Digit5", "5", 53, false, 0, ""},
    {"%", "Digit5", "%", 53, true, 0, ""},
    {"6", "Digit6", "6", 54, false, 0, ""},
    {"^", "Digit6", "^", 54, true, 0, ""},
    {"7", "Digit7", "7", 55, false, 0, ""},
    {"&", "Digit7", "&", 55, true, 0, ""},
    {"8", "Digit8", "8", 56, false, 0, ""},
    {"*", "Digit8", "*", 56, true, 0, ""},
    {"9", "Digit9", "9", 57, false, 0, ""},
    {"(", "Digit9", "(", 57, true, 0, ""},
    {" ", "Space", " ", 32, false, 0, ""},
    {";", "Semicolon", ";", 186, false, 0, ""},
    {":", "Semicolon", ":", 186, true, 0, ""},
    {"=", "Equal", "=", 187, false, 0, ""},
    {"+", "Equal", "+", 187, true, 0, ""},
    {",", "Comma", ",", 188, false, 0, ""},
    {"<", "Comma", "<", 188, true, 0, ""},
    {"-", "Minus", "-", 189, false, 0, ""},
    {"_", "Minus", "_", 189, true, 0, ""},
    {".", "Period", ".", 190, false, 0, ""},
    {">", "Period", ">", 190, true, 0, ""},
    {"/", "Slash", "/", 191, false, 0, ""},
    {"?", "Slash", "?", 191, true, 0, ""},
    {"`", "Backquote", "`", 192, false, 0, ""},
    {"~", "Backquote", "~", 192, true, 0, ""},
    {"[", "BracketLeft", "[", 219, false, 0, ""},
    {"{", "BracketLeft", "{", 219, true, 0, ""},
    {"\\", "Backslash", "\\", 220, false, 0, ""},
    {"|", "Backslash", "|", 220, true, 0, ""},
    {"]", "BracketRight", "]", 221, false, 0, ""},
    {"}", "BracketRight", "}", 221, true, 0, ""},
    {"'", "Quote", "'", 222, false, 0, ""},
    {"\"", "Quote", "\"", 222, true, 0, ""},
    {"Enter", "Enter", "\r", 13, false, 0, ""},
    {"Tab", "Tab", "", 9, false, 0, ""},
    {"Backspace", "Backspace", "", 8, false, 0, ""},
    {"Escape", "Escape", "", 27, false, 0, ""},
    {"Delete", "Delete", "", 46, false, 0, ""},
    {"ArrowUp", "ArrowUp", "", 38, false, 0, ""},
    {"ArrowDown", "ArrowDown", "", 40, false, 0, ""},
    {"ArrowLeft", "ArrowLeft", "", 37, false, 0, ""},
    {"ArrowRight", "ArrowRight", "", 39, false, 0, ""},
    {"Home", "Home", "", 36, false, 0, ""},
    {"End", "End", "", 35, false, 0, ""},
    {"PageUp", "PageUp", "", 33, false, 0, ""},
    {"PageDown", "PageDown", "", 34, false, 0, ""},
    {"Shift", "ShiftLeft", "", 16, false, 1, "shift"},
    {"Control", "ControlLeft", "", 17, false, 1, "ctrl"},
    {"Alt", "AltLeft", "", 18, false, 1, "alt"},
    {"Meta", "MetaLeft", "", 91, false, 1, "meta"},
};

}  // namespace

std::optional<key_definition> find_key(std::string_view name) {
  for (const auto& k : keys)
    if (k.key == name) return k;
  if (name == "Space") return key_for_char(' ');
  if (name == "Return") return find_key("Enter");
  return std::nullopt;
}

std::optional<key_definition> key_for_char(char c) {
  if (c == '\n' || c == '\r') return find_key("Enter");
  if (c == '\t') return find_key("Tab");
  if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) > 0x7e)
    return std::nullopt;
  for (const auto& k : keys)
    if (k.key.size() == 1 && k.key[0] == c) return k;
  return std::nullopt;
}

std::string_view to_string(mouse_button b) {
  switch (b) {
    case mouse_button::left:
      return "left";
    case mouse_button::middle:
      return "middle";
    case mouse_button::right:
      return "right";
    default:
      return "none";
  }
}

int button_bit(mouse_button b) {
  switch (b) {
    case mouse_button::left:
      return 1;
    case mouse_button::right:
      return 2;
    case mouse_button::middle:
      return 4;
    default:
      return 0;
  }
}

std::vector<point> tween(point from, point to, int steps) {
  steps = std::max(steps, 1);
  std::vector<point> out;
  out.reserve(static_cast<std::size_t>(steps));
  for (int i = 1; i <= steps; ++i) {
    const double t = static_cast<double>(i) / steps;
    out.push_back({round_coordinate(from.x + (to.x - from.x) * t),
                   round_coordinate(from.y + (to.y - from.y) * t)});
  }
  return out;
}

double round_coordinate(double v) { return std::round(v * 100) / 100; }

}  // namespace footfall::cdp
