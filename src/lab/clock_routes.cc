#include "lab/clock_routes.h"

#include <boost/json.hpp>

#include "admin/body.h"

namespace kc::lab {

void AddClockRoutes(admin::Router& router, TimeShift& shift, const Clock& real,
                    std::function<void()> changed) {
  auto render = [&shift, &real] {
    const int64_t real_ms = real.NowMs();
    const TimeShift::State state = shift.Get(real_ms);
    return admin::AdminReply::Json(boost::json::object{{"serverTimeMs", state.now_ms},
                                                       {"realTimeMs", real_ms},
                                                       {"offsetMs", state.now_ms - real_ms},
                                                       {"frozen", state.frozen}});
  };
  router.Add(admin::http::verb::get, "/admin/v1/clock",
             [render](const admin::AdminRequest&) { return render(); });
  router.Add(admin::http::verb::post, "/admin/v1/clock",
             [&shift, &real, render, changed](const admin::AdminRequest& request) {
               const boost::json::object body = request.JsonBody();
               admin::Fields fields(body);
               fields.OnlyKnown({"offset_ms", "freeze", "advance_ms", "reset"});
               if (body.size() != 1) {
                 fields.Refuse("body", "needs exactly one of offset_ms, freeze, advance_ms, reset");
               }
               constexpr int64_t kYearMs = 366LL * 24 * 3600 * 1000;
               if (auto offset = fields.Int("offset_ms")) {
                 if (*offset < -kYearMs || *offset > kYearMs) {
                   fields.Refuse("offset_ms", "must be within a year");
                 }
                 shift.SetOffset(*offset, real.NowMs());
               } else if (auto freeze = fields.Bool("freeze")) {
                 *freeze ? shift.Freeze(real.NowMs()) : shift.Unfreeze(real.NowMs());
               } else if (auto advance = fields.Int("advance_ms")) {
                 if (*advance < 0 || *advance > kYearMs) {
                   fields.Refuse("advance_ms", "must be 0 to a year");
                 }
                 shift.Advance(*advance);
               } else if (auto reset = fields.Bool("reset")) {
                 if (!*reset) fields.Refuse("reset", "must be true");
                 shift.Reset();
               } else {
                 fields.Refuse("body", "needs one of offset_ms, freeze, advance_ms, reset");
               }
               if (changed) changed();
               return render();
             });
}

}  // namespace kc::lab
