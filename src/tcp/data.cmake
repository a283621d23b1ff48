# Reliable-data-transfer components (issue 4): byte-stream reassembly, SACK
# blocks, RTT/RTO, congestion control, window helpers. They depend only on
# base/ and wire/; the engine wires them in. Included from CMakeLists.txt.
target_sources(synack_tcp PRIVATE reassembly.cc sack.cc rtt.cc congestion.cc cc_newreno.cc
                                  cc_cubic.cc window.cc connection_receive.cc receiver.cc
                                  sender.cc sender_output.cc sender_recovery.cc sender_persist.cc
                                  sack_scoreboard.cc)

synack_test(tcp_data_test
  SOURCES reassembly_test.cc sack_test.cc rtt_test.cc congestion_test.cc cc_newreno_test.cc
          cc_cubic_test.cc window_test.cc receiver_test.cc
          sender_test.cc
  DEPS synack::tcp)

# The data path wired into the engine, tested with the segment DSL.
synack_test(tcp_datapath_test
  SOURCES test_dsl.cc data_transfer_test.cc paws_test.cc rtt_sampling_test.cc keepalive_test.cc
          info_test.cc send_policy_test.cc sack_recovery_test.cc congestion_switch_test.cc
  DEPS synack::tcp fmt::fmt)
if(TARGET tcp_datapath_test)
  target_compile_options(tcp_datapath_test PRIVATE -Wno-missing-field-initializers)
endif()
