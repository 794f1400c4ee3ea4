#pragma once
// A register with its metrics and state as one flat JSON object: the raw API fields in
// snake_case, every metric, the state, its reasons and notes. Unknown values are null. Key order is
// fixed. Used by `get`, `list --json` and the front ends, so they agree.
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "common/fleet.hpp"
#include "common/json_text.hpp"  // to_json_text, which writes this object
#include "common/output_spool.hpp"
#include "common/register.hpp"

namespace kkt {

void tag_invoke(boost::json::value_from_tag, boost::json::value& v, const RegisterStatus& s);

// The text to_json_text() gives for the array of the statuses' objects, plus a line feed,
// written into `out` one element at a time: the DOM of a whole account is several times the
// size of its text. `amend`, when given, changes each object before it is written.
void write_status_array(const std::vector<const RegisterStatus*>& statuses, TextSink& out,
                        const std::function<void(boost::json::object&)>& amend = {});

// One field of `r` as the status object holds it under the field's output key: null when
// unknown (or none), dates as "2026-11-28T10:05:41Z".
boost::json::value field_value(const Register& r, Field f);

// The fields the value under `key` of the status object is computed from: a field itself, a
// metric's sources; empty for the state, the lists and a key the object does not have.
FieldSet status_key_sources(std::string_view key);

}  // namespace kkt
