// SPDX-License-Identifier: Apache-2.0
#include "tcp/state.hpp"

namespace synack::tcp {

std::string_view to_string(State s) {
  switch (s) {
    case State::kClosed:
      return "CLOSED";
    case State::kListen:
      return "LISTEN";
    case State::kSynSent:
      return "SYN-SENT";
    case State::kSynReceived:
      return "SYN-RECEIVED";
    case State::kEstablished:
      return "ESTABLISHED";
    case State::kFinWait1:
      return "FIN-WAIT-1";
    case State::kFinWait2:
      return "FIN-WAIT-2";
    case State::kCloseWait:
      return "CLOSE-WAIT";
    case State::kClosing:
      return "CLOSING";
    case State::kLastAck:
      return "LAST-ACK";
    case State::kTimeWait:
      return "TIME-WAIT";
  }
  return "?";
}

std::string_view to_bsd_string(State s) {
  switch (s) {
    case State::kClosed:
      return "CLOSED";
    case State::kListen:
      return "LISTEN";
    case State::kSynSent:
      return "SYN_SENT";
    case State::kSynReceived:
      return "SYN_RCVD";
    case State::kEstablished:
      return "ESTABLISHED";
    case State::kFinWait1:
      return "FIN_WAIT_1";
    case State::kFinWait2:
      return "FIN_WAIT_2";
    case State::kCloseWait:
      return "CLOSE_WAIT";
    case State::kClosing:
      return "CLOSING";
    case State::kLastAck:
      return "LAST_ACK";
    case State::kTimeWait:
      return "TIME_WAIT";
  }
  return "?";
}

namespace {

using enum State;
constexpr std::array kEdges{
    StateEdge{kClosed, kListen, "passive OPEN", "create TCB"},
    StateEdge{kClosed, kSynSent, "active OPEN", "create TCB, snd SYN"},
    StateEdge{kListen, kClosed, "CLOSE", "delete TCB"},
    StateEdge{kListen, kSynReceived, "rcv SYN", "snd SYN,ACK"},
    StateEdge{kListen, kSynSent, "SEND", "snd SYN"},
    StateEdge{kSynSent, kClosed, "CLOSE / timeout / rcv RST,ACK", "delete TCB"},
    StateEdge{kSynSent, kSynReceived, "rcv SYN (simultaneous open)", "snd SYN,ACK"},
    StateEdge{kSynSent, kEstablished, "rcv SYN,ACK", "snd ACK"},
    StateEdge{kSynReceived, kListen, "rcv RST (passive open)", "return to LISTEN"},
    StateEdge{kSynReceived, kClosed, "rcv RST (active open) / timeout", "delete TCB"},
    StateEdge{kSynReceived, kEstablished, "rcv ACK of SYN", "x"},
    StateEdge{kSynReceived, kFinWait1, "CLOSE", "snd FIN"},
    StateEdge{kEstablished, kFinWait1, "CLOSE", "snd FIN"},
    StateEdge{kEstablished, kCloseWait, "rcv FIN", "snd ACK"},
    StateEdge{kEstablished, kClosed, "rcv RST / ABORT / timeout", "delete TCB"},
    StateEdge{kFinWait1, kFinWait2, "rcv ACK of FIN", "x"},
    StateEdge{kFinWait1, kClosing, "rcv FIN", "snd ACK"},
    StateEdge{kFinWait1, kTimeWait, "rcv FIN,ACK of FIN", "snd ACK"},
    StateEdge{kFinWait1, kClosed, "rcv RST / ABORT / FIN retransmissions exhausted", "delete TCB"},
    StateEdge{kFinWait2, kTimeWait, "rcv FIN", "snd ACK"},
    StateEdge{kFinWait2, kClosed, "rcv RST / ABORT / FIN-WAIT-2 timeout", "delete TCB"},
    StateEdge{kCloseWait, kLastAck, "CLOSE", "snd FIN"},
    StateEdge{kCloseWait, kClosed, "rcv RST / ABORT / timeout", "delete TCB"},
    StateEdge{kClosing, kTimeWait, "rcv ACK of FIN", "x"},
    StateEdge{kClosing, kClosed, "rcv RST / ABORT / timeout", "delete TCB"},
    StateEdge{kLastAck, kClosed, "rcv ACK of FIN / RST / timeout", "delete TCB"},
    StateEdge{kTimeWait, kClosed, "timeout=2MSL / RST (no RFC 1337) / ABORT", "delete TCB"},
    StateEdge{kTimeWait, kSynReceived, "rcv SYN with SEG.SEQ > RCV.NXT", "snd SYN,ACK (re-open)"},
};

}  // namespace

std::span<const StateEdge> state_diagram_edges() {
  return kEdges;
}

}  // namespace synack::tcp
