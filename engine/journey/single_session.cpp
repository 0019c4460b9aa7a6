#include "engine/journey/single_session.hpp"

#include <exception>
#include <variant>

#include <boost/asio/this_coro.hpp>
#include <spdlog/spdlog.h>

#include "engine/browsers/browser_pool.hpp"
#include "engine/browsers/launch_flags.hpp"

namespace footfall::engine {

single_session_options visit_session(const visit_request& r) {
  single_session_options s;
  s.launch = r.launch;
  s.row.session_index = static_cast<int>(r.seed % 1'000'000'000ull);
  s.row.start_url = r.url;
  s.persona = visit_persona();
  if (r.file) {
    const auto& f = *r.file;
    s.campaign = f.campaign;
    s.settings = f.settings;
    if (auto* inline_persona = std::get_if<storage::persona>(&f.persona)) {
      s.persona = *inline_persona;
    } else if (auto beside = persona_beside(r.campaign_path, std::get<std::string>(f.persona))) {
      s.persona = *beside;
    } else {
      spdlog::warn("visit: persona \"{}\" is neither inline nor in personas/ beside the "
                   "campaign file: the visit uses the built-in visit persona",
                   std::get<std::string>(f.persona));
    }
    assign_identity(s.campaign, s.settings, s.row);
    spdlog::info("visit: identity of campaign {} session {} user_agent=\"{}\"", f.campaign.name,
                 s.row.session_index, s.row.user_agent);
  } else {
    s.campaign.name = "visit";
    s.campaign.total_sessions = 1;
    const viewport vp;
    s.row.viewport_width = vp.width;
    s.row.viewport_height = vp.height;  // user agent left empty: Chromium's own
  }
  s.campaign.target_url = r.url;
  s.settings.navigation_timeout_ms = static_cast<int>(r.timeout_ms);
  s.pace = r.pace >= 0 ? r.pace : r.file ? s.settings.pace : 1.0;
  return s;
}

boost::asio::awaitable<session_outcome> run_single_session(single_session_options o,
                                                           session_sink& sink,
                                                           boost::asio::any_io_executor blocking) {
  pool_options po;  // one browser, one context: the session's
  po.launch = std::move(o.launch);
  po.launch.extra_args = session_launch_args();  // laid out as `run` lays pages out
  browser_pool pool(co_await boost::asio::this_coro::executor, std::move(blocking), po);
  rate_limiter limiter(std::chrono::milliseconds(o.campaign.rate_limit_delay_ms));

  auto env = std::make_shared<session_env>();
  env->campaign = std::move(o.campaign);
  env->settings = std::move(o.settings);
  env->persona = std::move(o.persona);
  env->pace = o.pace;
  env->sink = &sink;
  env->pool = &pool;
  env->limiter = &limiter;
  env->trace = trace_mode::off;  // nothing stores a trace: take no frames
  if (o.row.id.is_nil()) o.row.id = storage::uuid::v7();
  if (o.row.campaign_id.is_nil()) o.row.campaign_id = env->campaign.id;

  session_outcome out;
  std::exception_ptr error;  // run_session makes the session's own failures its status
  try {
    out = co_await run_session(env, std::move(o.row));
  } catch (...) {
    error = std::current_exception();
  }
  co_await pool.shutdown();  // the browser goes whatever happened (graceful, then SIGKILL)
  if (error) std::rethrow_exception(error);
  co_return out;
}

}  // namespace footfall::engine
