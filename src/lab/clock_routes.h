// The server clock's admin API (issue 13, item 4):
//   GET  /admin/v1/clock  -> {serverTimeMs, realTimeMs, offsetMs, frozen}
//   POST /admin/v1/clock  one of {"offset_ms":N}, {"freeze":true|false},
//                         {"advance_ms":N}, {"reset":true}
#pragma once

#include <functional>

#include "admin/router.h"
#include "core/clock.h"
#include "lab/lab_clock.h"

namespace kc::lab {

// `real`: the clock the shift applies to (the system clock in a server).
// `changed` runs after every change (the server wakes its engine, which may
// be asleep until a GTT expiry computed with the old time).
void AddClockRoutes(admin::Router& router, TimeShift& shift, const Clock& real,
                    std::function<void()> changed);

}  // namespace kc::lab
