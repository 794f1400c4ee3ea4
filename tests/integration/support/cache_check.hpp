#pragma once
// An independent look at a cache dir after a run (it does not use the cache code it checks):
// every file 0600, regular and ours; the token, register list, shift state and ФН history files
// (their indexes and recent records too) complete and well-formed (the fetch record too); temp
// files left by killed writers counted.
#include <cstddef>
#include <string>
#include <vector>

namespace kkt::testing {

struct CacheInspection {
    bool dir_exists = false;
    std::size_t files = 0;           // regular files, temp leftovers included
    std::size_t temp_leftovers = 0;  // ".NAME.PID.RANDOM" files of writers that did not finish
    std::size_t token_files = 0, list_files = 0, shift_files = 0, history_files = 0, lock_files = 0;
    // The indexes of the register list, the shift state and the ФН history
    // (common/record_index.hpp), and the latter two's recent records (register_records.hpp).
    std::size_t index_files = 0, recent_files = 0;
    std::size_t fetch_records = 0;      // written by the Zabbix agent commands' refreshes
    std::vector<std::string> problems;  // one line each: what is wrong with which file

    bool consistent() const { return problems.empty(); }
    std::string summary() const;  // the problems, or "consistent"
};

CacheInspection inspect_cache(const std::string& dir);

// The token from the cache's token file (the only file allowed to hold it); "" when none.
std::string cached_token(const std::string& dir);

}  // namespace kkt::testing
