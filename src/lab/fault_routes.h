// The fault rules' admin API (issue 13, item 3):
//   POST   /admin/v1/faults       {match, action, times?, probability?, seed?} -> {id}
//   GET    /admin/v1/faults       every rule with its hit count
//   DELETE /admin/v1/faults/{id}  one rule
//   DELETE /admin/v1/faults       all rules
// The rule format is in README "Testing your bot against kcgate".
#pragma once

#include <boost/json/object.hpp>

#include "admin/router.h"
#include "core/fault_book.h"

namespace kc::lab {

// Throws admin::BadRequest naming the field.
FaultRule ParseFaultRule(const boost::json::object& body);
boost::json::object FaultJson(const ListedFault& fault);

void AddFaultRoutes(admin::Router& router, FaultBook& book);

}  // namespace kc::lab
