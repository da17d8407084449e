// The business error table: KuCoin's codes and texts where KuCoin publishes
// them, and a well-formed business answer for every engine rejection.
#include "api/business_error.h"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

namespace kc::api {
namespace {

using engine::RejectReason;

TEST(BusinessErrorTest, KuCoinsOwnCodesAndTexts) {
  EXPECT_EQ(ForReject(RejectReason::kBalanceInsufficient).code, "200004");
  EXPECT_EQ(ForReject(RejectReason::kBalanceInsufficient).message, "Balance insufficient!");
  EXPECT_EQ(ForReject(RejectReason::kTooManyOrders).code, "200003");
  EXPECT_EQ(ForReject(RejectReason::kTradingDisabled).code, "400600");
  EXPECT_EQ(ForReject(RejectReason::kBelowMinSize).message,
            "Order size below the minimum requirement.");
  EXPECT_EQ(ForReject(RejectReason::kSizeIncrement).code, "600100");
  EXPECT_EQ(ForReject(RejectReason::kOrderNotFound).message,
            "order_not_exist_or_not_allow_to_cancel");
  EXPECT_EQ(ForReject(RejectReason::kDuplicateClientOid).message,
            "validation.createOrder.clientOidDuplicated");
}

TEST(BusinessErrorTest, EveryRejectionRendersAsHttp200WithItsCode) {
  for (int i = 1; i <= static_cast<int>(RejectReason::kInvalidTimeout); ++i) {
    const auto reason = static_cast<RejectReason>(i);
    const BusinessError e = ForReject(reason);
    EXPECT_EQ(e.code.size(), 6u) << engine::ToString(reason);
    EXPECT_FALSE(e.message.empty()) << engine::ToString(reason);
    const gateway::ApiResponse response = Refusal(reason).ToResponse();
    EXPECT_EQ(response.status, 200u);
    const auto body = boost::json::parse(response.body).as_object();
    EXPECT_EQ(body.at("code").as_string(), e.code);
    EXPECT_EQ(body.at("msg").as_string(), e.message);
  }
}

TEST(BusinessErrorTest, RegistryRefusalsKeepTheirHttpStatus) {
  const Refusal refusal(ErrorCode::kInvalidParameter);
  EXPECT_FALSE(refusal.is_business());
  EXPECT_EQ(refusal.Code(), "400102");
  EXPECT_EQ(refusal.ToResponse().status, 400u);
  EXPECT_EQ(refusal.Message(), "Please check the parameters of your request.");
}

}  // namespace
}  // namespace kc::api
