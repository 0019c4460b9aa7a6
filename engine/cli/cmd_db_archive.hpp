#pragma once
/// footfall db restore / db archive list (engine/cli/cmd_db_archive.cpp): cold storage written
/// by `db retention --apply --archive DIR` (storage/archive_*.hpp).
#include "engine/cli/commands.hpp"

namespace footfall::cli {

int db_restore(const args& a);  ///< db restore DIR [--campaign NAME] [--json]
int db_archive(const args& a);  ///< db archive list DIR [--json]

}  // namespace footfall::cli
