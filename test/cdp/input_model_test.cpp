// Sans-io input model: tweens, key table, buttons.
#include <doctest/doctest.h>

#include "cdp/input_model.hpp"

using namespace footfall::cdp;

TEST_CASE("tween: (100,100)->(200,300) in 5 linear steps") {
  auto path = tween({100, 100}, {200, 300}, 5);
  std::vector<point> want = {{120, 140}, {140, 180}, {160, 220}, {180, 260}, {200, 300}};
  CHECK(path == want);
}

TEST_CASE("tween: one step goes straight to the target, zero steps count as one") {
  CHECK(tween({0, 0}, {10.004, 5}, 1) == std::vector<point>{{10, 5}});
  CHECK(tween({3, 4}, {7, 8}, 0) == std::vector<point>{{7, 8}});
}

TEST_CASE("key table: letters, digits, shifted symbols, named keys") {
  auto a = key_for_char('a');
  REQUIRE(a);
  CHECK(a->key == "a");
  CHECK(a->code == "KeyA");
  CHECK(a->text == "a");
  CHECK(a->key_code == 65);
  CHECK_FALSE(a->needs_shift);

  auto A = key_for_char('A');
  REQUIRE(A);
  CHECK(A->code == "KeyA");
  CHECK(A->key_code == 65);
  CHECK(A->needs_shift);

  auto bang = key_for_char('!');
  REQUIRE(bang);
  CHECK(bang->code == "Digit1");
  CHECK(bang->key_code == 49);
  CHECK(bang->needs_shift);

  auto q = key_for_char('?');
  REQUIRE(q);
  CHECK(q->code == "Slash");
  CHECK(q->key_code == 191);

  auto space = key_for_char(' ');
  REQUIRE(space);
  CHECK(space->code == "Space");
  CHECK(space->key_code == 32);

  auto enter = find_key("Enter");
  REQUIRE(enter);
  CHECK(enter->key_code == 13);
  CHECK(enter->text == "\r");
  CHECK(key_for_char('\n')->key == "Enter");

  CHECK(find_key("Tab")->key_code == 9);
  CHECK(find_key("Tab")->text.empty());
  CHECK(find_key("Backspace")->key_code == 8);
  CHECK(find_key("ArrowLeft")->key_code == 37);
  CHECK(find_key("ArrowDown")->key_code == 40);
  CHECK(find_key("Shift")->modifier_name == "shift");
  CHECK_FALSE(find_key("NoSuchKey"));
  CHECK_FALSE(key_for_char('\x01'));
  CHECK_FALSE(key_for_char(static_cast<char>(0xc3)));  // UTF-8 lead byte: insertText instead
}

TEST_CASE("key table: every printable ASCII character has a key that types it") {
  for (char c = 0x20; c < 0x7f; ++c) {
    auto k = key_for_char(c);
    REQUIRE_MESSAGE(k, "no key for '" << c << "'");
    CHECK(k->text == std::string(1, c));
    CHECK(k->key == std::string(1, c));
    CHECK(k->key_code > 0);
  }
}

TEST_CASE("mouse buttons: names and bits") {
  CHECK(to_string(mouse_button::left) == "left");
  CHECK(to_string(mouse_button::right) == "right");
  CHECK(button_bit(mouse_button::left) == 1);
  CHECK(button_bit(mouse_button::right) == 2);
  CHECK(button_bit(mouse_button::middle) == 4);
  CHECK(box{10, 20, 100, 50}.center() == point{60, 45});
}
