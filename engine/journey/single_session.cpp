#include "engine/journey/single_session.hpp"

#include <exception>

#include <boost/asio/this_coro.hpp>

#include "engine/browsers/browser_pool.hpp"
#include "engine/browsers/launch_flags.hpp"

namespace footfall::engine {

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
