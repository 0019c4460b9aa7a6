#pragma once
/// A session's rows to the storage writer: how a campaign run (and the benchmarks) record. The
/// writer never makes the io thread wait when its queue overflows with overflow_policy::spill
/// (storage/writer.hpp), which a run sets.
#include "engine/journey/session_env.hpp"
#include "storage/writer.hpp"

namespace footfall::engine {

class writer_sink final : public session_sink {
 public:
  explicit writer_sink(storage::writer& w) : w_(w) {}
  void page(storage::page_record rec) override { w_.write(std::move(rec)); }
  void session(const storage::session_row& row) override { w_.write(row); }

 private:
  storage::writer& w_;
};

}  // namespace footfall::engine
