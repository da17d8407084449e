#include "lab/status_routes.h"

#include <boost/json.hpp>

#include "admin/body.h"
#include "store/status_store.h"

namespace kc::lab {

void AddStatusRoutes(admin::Router& router, std::string database_path, ServiceState& state,
                     const Clock& clock) {
  auto render = [&state] {
    auto [status, message] = state.Get();
    return admin::AdminReply::Json(
        boost::json::object{{"status", StatusName(status)}, {"msg", message}});
  };
  router.Add(admin::http::verb::get, "/admin/v1/status",
             [render](const admin::AdminRequest&) { return render(); });
  router.Add(admin::http::verb::post, "/admin/v1/status",
             [database_path, &state, &clock, render](const admin::AdminRequest& request) {
               const boost::json::object body = request.JsonBody();
               admin::Fields fields(body);
               fields.OnlyKnown({"status", "msg"});
               const std::string name = fields.RequireString("status");
               auto status = ParseStatus(name);
               if (!status) fields.Refuse("status", "must be open, close or cancelonly");
               const std::string message = fields.String("msg").value_or("");
               store::StatusStore(database_path).Write(*status, message, clock.NowMs());
               state.Set(*status, message);
               return render();
             });
}

}  // namespace kc::lab
