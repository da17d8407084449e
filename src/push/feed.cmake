# The market-data feed (engine events -> push messages). Included by
# src/push/CMakeLists.txt; depends only on the engine and core, so the hub
# links it and app wires it.
kc_library(NAME push_feed
  SRCS
    ${CMAKE_CURRENT_LIST_DIR}/feed.cc
    ${CMAKE_CURRENT_LIST_DIR}/feed_messages.cc
    ${CMAKE_CURRENT_LIST_DIR}/feed_timer.cc
  DEPS kc_engine kc_core Threads::Threads)

kc_test(NAME push_feed_test
  SRCS
    ${CMAKE_CURRENT_LIST_DIR}/feed_test.cc
    ${CMAKE_CURRENT_LIST_DIR}/feed_messages_test.cc
  DEPS kc_push_feed Boost::json)

kc_bench(NAME push_feed_bench
  SRCS ${CMAKE_CURRENT_LIST_DIR}/feed_bench.cc
  DEPS kc_push_feed)
