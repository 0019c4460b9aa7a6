#include "engine/campaign/campaign_db.hpp"

#include <spdlog/spdlog.h>

#include "engine/observe/run_events.hpp"

namespace footfall::engine {

using steady = std::chrono::steady_clock;

campaign_db::campaign_db(boost::asio::any_io_executor db, storage::database_url url,
                         outage_policy p)
    : db_(std::move(db)), url_(std::move(url)), policy_(p) {}

storage::connection& campaign_db::connection_on_db_thread() {
  {
    std::lock_guard lk(m_);
    if (drop_) conn_.reset();
    drop_ = false;
  }
  if (!conn_) conn_ = std::make_unique<storage::connection>(url_);
  return *conn_;
}

bool campaign_db::note_failure(const std::string& what, const std::exception& e) {
  std::lock_guard lk(m_);
  // Whatever failed, the connection may be half-dead (a server restart leaves it broken but
  // open until the next query): start the retry from a fresh one.
  drop_ = true;
  const auto now = steady::now();
  if (!down_since_) {
    down_since_ = now;
    events().database_down(now);  // footfall_database_outage_seconds_total (engine/observe/metrics)
    spdlog::warn("database unavailable while {}: {}; retrying for up to {} s", what, e.what(),
                 std::chrono::duration_cast<std::chrono::seconds>(policy_.budget).count());
  } else {
    spdlog::debug("database still unavailable while {}: {}", what, e.what());
  }
  if (no_retries_) return false;
  if (now - *down_since_ < policy_.budget) return true;
  spdlog::error("database unavailable for longer than the outage budget ({} s) while {}",
                std::chrono::duration_cast<std::chrono::seconds>(policy_.budget).count(), what);
  return false;
}

std::chrono::milliseconds campaign_db::retry_wait(const std::string& what,
                                                  std::exception_ptr failed,
                                                  std::chrono::milliseconds& wait) {
  try {
    std::rethrow_exception(failed);
  } catch (const std::invalid_argument&) {
    throw;  // storage's input errors: the same step would fail the same way
  } catch (const std::exception& e) {
    if (!note_failure(what, e)) throw;
  }
  const auto now = wait;
  wait = std::min(wait * 2, policy_.max_retry);
  return now;
}

void campaign_db::post_retrying(std::string what, std::function<void(storage::connection&)> step) {
  boost::asio::post(db_, [this, what = std::move(what), step = std::move(step)] {
    auto wait = policy_.first_retry;
    for (;;) {
      std::exception_ptr failed;
      try {
        step(connection_on_db_thread());
        note_success(what);
        return;
      } catch (...) {
        failed = std::current_exception();
      }
      try {
        std::this_thread::sleep_for(retry_wait(what, failed, wait));
      } catch (const std::exception& e) {
        spdlog::warn("{}: {}; given up", what, e.what());
        return;
      }
    }
  });
}

void campaign_db::note_success(const std::string& what) {
  std::lock_guard lk(m_);
  if (!down_since_) return;
  const auto lasted = steady::now() - *down_since_;
  down_total_ += lasted;
  down_since_.reset();
  events().database_up(lasted);
  spdlog::info("database back after {:.1f} s (while {})",
               std::chrono::duration<double>(lasted).count(), what);
}

void campaign_db::stop_waiting_out_outages() {
  std::lock_guard lk(m_);
  no_retries_ = true;
}

double campaign_db::outage_seconds() const {
  std::lock_guard lk(m_);
  auto total = down_total_;
  if (down_since_) total += steady::now() - *down_since_;
  return std::chrono::duration<double>(total).count();
}

}  // namespace footfall::engine
