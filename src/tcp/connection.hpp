// SPDX-License-Identifier: Apache-2.0
// One TCB: the RFC 9293 connection state machine, sans-IO.
//
// Time is a parameter (`Instant now`), output is polled (`poll_transmit`),
// deadlines are queried (`next_deadline`). Segment arrival follows RFC 9293
// §3.10.7 step by step (segment_arrival.cc: one function per step); user calls
// follow §3.10.1–§3.10.6 (connection.cc); timeouts §3.10.8 (connection_timers.cc);
// output (connection_output.cc).
#pragma once

#include <cstdint>
#include <expected>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "base/bytes.hpp"
#include "base/seq.hpp"
#include "base/time.hpp"
#include "tcp/config.hpp"
#include "tcp/congestion.hpp"
#include "tcp/info.hpp"
#include "tcp/isn.hpp"
#include "tcp/receiver.hpp"
#include "tcp/rtt.hpp"
#include "tcp/sack_scoreboard.hpp"
#include "tcp/sender.hpp"
#include "tcp/shared_config.hpp"
#include "tcp/state.hpp"
#include "tcp/stream_buffers.hpp"
#include "tcp/time_wait.hpp"
#include "tcp/trace.hpp"
#include "tcp/types.hpp"
#include "tcp/window.hpp"
#include "wire/tcp.hpp"

namespace synack::tcp {

/// STATUS (RFC 9293 §3.10.6): a snapshot of the TCB.
struct Status {
  State state = State::kClosed;
  std::optional<std::errc> error;
  FourTuple tuple;
  SendSequence snd;
  ReceiveSequence rcv;
  std::uint32_t max_snd_wnd = 0;  ///< MAX.SND.WND (RFC 5961 §5), bytes
  std::uint16_t snd_mss = 536;    ///< payload bytes per segment we send (peer MSS − options)
  std::uint8_t snd_wscale = 0;    ///< peer's shift (applied to SEG.WND)
  std::uint8_t rcv_wscale = 0;    ///< our shift (applied to the window we send)
  bool wscale_ok = false;
  bool sack_ok = false;
  bool ts_ok = false;
  std::size_t send_queued = 0;     ///< bytes in the send buffer (unacked + unsent)
  std::size_t receive_queued = 0;  ///< bytes ready for RECEIVE
  Duration rto{};                  ///< current RTO including backoff
  unsigned retransmits = 0;        ///< consecutive RTO expirations
  bool passive = false;            ///< came from LISTEN (passive OPEN)
  bool fin_received = false;
  bool fin_sent = false;
  std::uint32_t cwnd = 0;            ///< congestion window, bytes (0 before data flows; RFC 5681)
  std::uint32_t ssthresh = 0;        ///< slow-start threshold, bytes (0 before data flows)
  Duration srtt{};                   ///< smoothed RTT (RFC 6298), zero before a sample
  std::uint64_t persist_probes = 0;  ///< zero-window probes sent (RFC 9293 §3.8.6.1)
  /// The last soft error (RFC 9293 §3.9.1.8): ICMP unreachable / time exceeded /
  /// parameter problem, or timed_out once R1 retransmissions are reached (§3.8.3).
  std::optional<std::errc> soft_error;
};

class Connection {
 public:
  /// A CLOSED connection. `sink` (may be null) receives every trace event; `id`
  /// names the connection in them. `cfg` is shared with its other holders (a
  /// plain Config makes a copy of its own) and copied on the first set_* here.
  explicit Connection(SharedConfig cfg, TraceSink* sink = nullptr, std::uint64_t id = 0);

  // ---- OPEN (RFC 9293 §3.10.1) ---------------------------------------------------
  /// Active OPEN: CLOSED → SYN-SENT, SYN <SEQ=ISS> queued.
  /// Errors: connection_already_in_progress (SYN-SENT/SYN-RECEIVED/LISTEN),
  /// already_connected (synchronized states).
  std::expected<void, std::errc> open_active(const FourTuple& tuple, SeqNum iss, Instant now);
  /// Active OPEN with an RFC 6528 ISN from Config::isn_secret.
  std::expected<void, std::errc> open_active(const FourTuple& tuple, Instant now);
  /// A connection created by a listener from a SYN: LISTEN → SYN-RECEIVED with
  /// ISS `iss`, SYN-ACK queued (RFC 9293 §3.10.7.2 third). A RST later returns
  /// it to LISTEN (state() == kListen, can_be_freed()), and the listener drops it.
  static Connection accept_syn(SharedConfig cfg, TraceSink* sink, std::uint64_t id,
                               const FourTuple& tuple, const TcpSegment& syn, SeqNum iss,
                               Instant now, bool synack_already_sent = false);

  // ---- user calls (RFC 9293 §3.10.2–§3.10.6) -------------------------------------
  /// SEND: queues up to the free send-buffer space; returns bytes taken.
  /// Errors: not_connected (CLOSED, LISTEN), broken_pipe (after CLOSE: FIN-WAIT-*, CLOSING,
  /// LAST-ACK, TIME-WAIT), connection_reset / timed_out / connection_refused
  /// (after that error), operation_would_block (buffer full).
  std::expected<std::size_t, std::errc> send(Bytes data, Instant now);
  /// RECEIVE: moves received bytes to `out`; 0 = nothing yet (see at_eof()).
  /// Errors: not_connected (CLOSED, never connected), or the connection's error.
  std::expected<std::size_t, std::errc> receive(MutableBytes out, Instant now);
  /// RECEIVE without consuming (MSG_PEEK): copies up to out.size() bytes.
  /// Errors: as receive().
  std::expected<std::size_t, std::errc> peek(MutableBytes out) const;
  /// An ICMP error quoting one of our segments; the caller has checked the
  /// quoted sequence number is in [SND.UNA, SND.NXT) (RFC 5927 §4.1).
  /// Fragmentation needed (type 3 code 4) lowers the send MSS to
  /// next_hop_mtu − 40 (RFC 1191 §6.3) and resends; port/protocol unreachable
  /// in SYN-SENT abort with ECONNREFUSED (RFC 1122 §4.2.3.9 "hard"); others are
  /// soft errors, remembered and reported if the handshake then times out
  /// (EHOSTUNREACH / ENETUNREACH instead of ETIMEDOUT, as Linux does).
  void on_icmp_error(std::uint8_t type, std::uint8_t code, std::uint16_t next_hop_mtu, Instant now);
  /// CLOSE: half-close the send side; FIN after all queued data. The receive
  /// side keeps flowing. LISTEN/SYN-SENT → CLOSED. Errors: not_connected (CLOSED),
  /// connection_already_in_progress (already closing).
  std::expected<void, std::errc> close(Instant now);
  /// The application has released the socket (no more RECEIVE): arms the
  /// orphaned FIN-WAIT-2 timeout (Config::fin_wait_2_timeout).
  void detach(Instant now);
  /// ABORT: RST <SEQ=SND.NXT> in SYN-RECEIVED, ESTABLISHED, FIN-WAIT-*, CLOSE-WAIT;
  /// → CLOSED. Errors: not_connected (CLOSED).
  std::expected<void, std::errc> abort(Instant now);
  /// SEND with the URGENT flag (RFC 9293 §3.8.5, RFC 6093): as send(), and
  /// SND.UP moves to the octet after the last byte taken, so every segment
  /// sent before SND.UP carries URG and the pointer. Errors: as send().
  std::expected<std::size_t, std::errc> send_urgent(Bytes data, Instant now);
  /// Bytes of urgent data the application has not read yet: from the next
  /// byte RECEIVE returns up to RCV.UP (0 = none pending). Urgent data is
  /// read inline, in stream order (RFC 6093 §6: no out-of-band byte).
  [[nodiscard]] std::size_t urgent_pending() const;
  /// The IP layer saw CE (congestion experienced) on the segment just handed to
  /// on_segment(): with ECN negotiated, our ACKs carry ECE until the peer's CWR.
  void note_ce();
  /// The ECN field for the IP header of the segment poll_transmit() returned last:
  /// 0b10 (ECT(0)) for new data on an ECN connection, else 0 (RFC 3168 §6.1.5).
  [[nodiscard]] std::uint8_t ip_ecn() const { return last_tx_ect_ ? 0b10 : 0; }
  /// ECN was negotiated in the handshake (RFC 3168 §6.1.1): the IP layer owns the
  /// ECN bits (ip_ecn()) of every segment of this connection.
  [[nodiscard]] bool ecn_negotiated() const { return ecn_ok_; }
  /// STATUS.
  [[nodiscard]] Status status() const;
  /// TCP_NODELAY: true disables Nagle (RFC 9293 §3.7.4); turning it on lets
  /// data held by Nagle go at the next poll_transmit (as Linux flushes it).
  void set_nodelay(bool on) {
    if (cfg_->nodelay != on) cfg_.mutate().nodelay = on;
  }
  [[nodiscard]] bool nodelay() const { return cfg_->nodelay; }
  /// IP_TOS: the Diffserv field of the segments sent from now on (Config::tos).
  void set_tos(std::uint8_t tos) {
    if (cfg_->tos != tos) cfg_.mutate().tos = tos;
  }
  /// Zero-window probes sent so far (RFC 9293 §3.8.6.1; TCP_INFO-style counter).
  [[nodiscard]] std::uint64_t persist_probes() const { return sender_.persist_probes(); }

  // ---- socket options (connection_options.cc) ------------------------------------
  /// SO_KEEPALIVE (RFC 9293 §3.8.4): on arms the idle timer (from now), off stops it.
  void set_keepalive(bool on, Instant now);
  /// TCP_KEEPIDLE / TCP_KEEPINTVL / TCP_KEEPCNT: idle before the first probe and
  /// between probes (> 0), probes before giving up (≥ 1). A changed idle time
  /// counts from the last segment received, as Linux.
  void set_keepalive_timing(Duration idle, Duration interval, std::uint32_t count, Instant now);
  /// TCP_USER_TIMEOUT (RFC 5482, local): zero = off (Config::user_timeout).
  void set_user_timeout(Duration timeout, Instant now);
  /// TCP_CONGESTION: "newreno" (or "reno") / "cubic". Errors:
  /// no_such_file_or_directory for another name (Linux ENOENT).
  std::expected<void, std::errc> set_congestion_control(std::string_view name);
  /// The configuration in effect (with the options set since construction).
  [[nodiscard]] const Config& config() const { return *cfg_; }
  /// Unanswered keepalive probes so far (Linux tcpi_probes while idle).
  [[nodiscard]] std::uint32_t keepalive_probes() const { return keepalive_probes_; }
  /// TCP_INFO snapshot (info.hpp; connection_info.cc); `now` for the "ms since" fields.
  [[nodiscard]] Info info(Instant now) const;

  // ---- events --------------------------------------------------------------------
  /// SEGMENT ARRIVES (RFC 9293 §3.10.7), already demuxed to this connection
  /// (tcp::Demux, or a Listener for its queued connections). Passive OPEN
  /// (LISTEN) is tcp::Listener's.
  void on_segment(const TcpSegment& seg, Instant now);
  /// The next segment to send, or nullopt. Call until nullopt. The payload
  /// points into the send buffer and stays valid until the next non-const call.
  std::optional<TcpSegment> poll_transmit(Instant now);
  /// The earliest armed timer, kNever if none.
  [[nodiscard]] Instant next_deadline() const;
  /// Fires every timer due at `now` (RFC 9293 §3.10.8).
  void on_timeout(Instant now);

  // ---- queries -------------------------------------------------------------------
  [[nodiscard]] State state() const { return state_; }
  [[nodiscard]] std::optional<std::errc> error() const { return error_; }
  [[nodiscard]] std::uint64_t id() const { return id_; }
  /// The socket pair (a value: the TCB keeps it compact, types.hpp StoredTuple).
  [[nodiscard]] FourTuple tuple() const { return tuple_.get(); }
  /// Names the connection of `t` (no copy made).
  [[nodiscard]] bool has_tuple(const FourTuple& t) const { return tuple_.matches(t); }
  /// The peer's FIN has arrived and every byte before it has been read.
  [[nodiscard]] bool at_eof() const { return receiver_.at_eof(); }
  /// CLOSED (or a listener child returned to LISTEN) and nothing left to send.
  [[nodiscard]] bool can_be_freed() const;
  [[nodiscard]] const DropCounters& drops() const { return drops_.get(); }
  /// Bytes that SEND would accept now.
  [[nodiscard]] std::size_t send_space() const { return sender_.free(); }
  /// The receive buffer (RCV.BUFF) in bytes: Config::rcv_buf, rounded up to a
  /// multiple of the MSS once synchronized when Config::rcvbuf_round_to_mss (SO_RCVBUF).
  [[nodiscard]] std::size_t receive_buffer_size() const { return receiver_.buffer().capacity(); }
  /// The send side: SND.*, retransmission queue, RTT/RTO, congestion control (sender.hpp).
  [[nodiscard]] const Sender& sender() const { return sender_; }
  /// The receive side: RCV.*, reassembly, advertised window, delayed ACK (receiver.hpp).
  [[nodiscard]] const Receiver& receiver() const { return receiver_; }
  /// The compact TIME-WAIT record of this connection (state must be TIME-WAIT).
  [[nodiscard]] TimeWaitEntry to_time_wait() const;
  /// The invariant check (sanity.hpp) reads the buffers behind the TCB.
  friend std::string sanity(const Connection& c);

 private:
  // segment_arrival.cc — RFC 9293 §3.10.7, one function per step.
  void on_segment_closed(const TcpSegment& seg, Instant now);     // §3.10.7.1
  void on_segment_syn_sent(const TcpSegment& seg, Instant now);   // §3.10.7.3
  void on_segment_time_wait(const TcpSegment& seg, Instant now);  // §3.10.7.4 TIME-WAIT
  void on_segment_synchronized(TcpSegment seg, Instant now);      // §3.10.7.4
  void trim_retransmitted_fin(TcpSegment& seg);                   // §3.10.7.4 trimming
  bool check_sequence(const TcpSegment& seg, Instant now);        // first
  bool check_paws(const TcpSegment& seg, Instant now);            // first: RFC 7323 §5.3 R1
  void update_ts_recent(const TcpSegment& seg, Instant now);      // RFC 7323 §4.3
  bool check_rst(const TcpSegment& seg, Instant now);             // second
  bool check_syn(const TcpSegment& seg, Instant now);             // fourth
  bool check_ack(const TcpSegment& seg, Instant now);             // fifth
  void check_urg(const TcpSegment& seg, Instant now);             // sixth
  void deliver_syn_text(Instant now);                             // §3.10.7.3 queued text
  bool process_text(TcpSegment& seg, Instant now);                // seventh
  void check_fin(const TcpSegment& seg, Instant now);             // eighth
  void settle_fin_wait_1(Instant now);
  bool segment_acceptable(const TcpSegment& seg) const;
  std::uint32_t acceptance_window() const;    // RCV.WND for Table 6 (Receiver::acceptance_window)
  void acknowledge(SeqNum ack, Instant now);  // Sender::acknowledge, then TCP_INFO, urgent
  void reset_connection(std::errc err, std::string_view cause, std::string_view rfc, Instant now);

  // connection.cc — helpers shared by user calls and arrival.
  /// Payload bytes per full segment we send, before SACK options: min(peer's
  /// MSS, ours) − 12 with timestamps (RFC 9293 §3.7.1, RFC 7323). Status::snd_mss.
  [[nodiscard]] std::uint16_t send_mss() const;
  void init_from_syn(const TcpSegment& syn, SeqNum iss, Instant now,
                     std::string_view cause = "rcv SYN",
                     std::string_view rfc = "RFC 9293 §3.10.7.2 third: SYN");
  void take_peer_options(const TcpSegment& syn, bool we_offered, Instant now);
  void return_to_listen(std::string_view cause, std::string_view rfc, Instant now);
  void set_state(State to, std::string_view cause, std::string_view rfc, Instant now);
  void trace(TraceKind kind, std::string_view cause, std::string_view rfc, Instant now,
             DropReason drop = DropReason::kNone);
  void drop(DropReason why, std::string_view cause, std::string_view rfc, Instant now);
  void send_challenge_ack(std::string_view cause, std::string_view rfc, Instant now);
  void queue_rst(const TcpSegment& rst, std::string_view cause, std::string_view rfc, Instant now);
  void enter_time_wait(Instant now);
  void release_buffers(bool keep_received = false);

  // The receive side is the Receiver's (receiver.hpp); these call into it.
  bool receive_text(TcpSegment& seg, Instant now);  // seventh step: Receiver::on_text
  void schedule_ack(bool immediate, Instant now);   // ACK now or delay it
  [[nodiscard]] WindowShape window_shape() const;   // the options the window depends on

  // connection_ecn.cc — Explicit Congestion Notification (RFC 3168).
  bool ecn_syn_asks() const;                                // our SYN carries ECE+CWR
  void ecn_on_syn(const TcpSegment& syn);                   // negotiation from the peer's SYN
  void ecn_on_segment(const TcpSegment& seg, Instant now);  // CWR and ECE of an acceptable segment
  void ecn_mark(TcpSegment& s) const;                       // ECE/CWR in SYNs, ECE on our ACKs
  void ecn_new_data(TcpSegment& s);                         // ECT(0), CWR on new data
  // connection_urgent.cc — urgent data (RFC 9293 §3.8.5).
  void mark_urgent(TcpSegment& s) const;  // URG and the pointer while SND.UP is ahead
  void urgent_progress();                 // forget SND.UP / RCV.UP once acked / read
  // connection_output.cc
  TcpSegment make_segment(SeqNum seq, std::uint16_t flags, Bytes payload, Instant now) const;
  TcpSegment emit(const Outgoing& o, Instant now);  // a Sender's segment, completed and traced
  TcpOptions syn_options(bool syn_ack, Instant now) const;
  std::size_t sack_option_bytes() const;                // SACK option bytes the next ACK carries
  std::uint32_t receive_window() const;                 // RCV.WND offered now (Receiver::window)
  [[nodiscard]] SendParams send_params() const;         // what the Sender's output needs from here
  std::optional<TcpSegment> next_segment(Instant now);  // poll_transmit's choice
  void note_ack_sent() { ack_pending_ = false; }

  // connection_timers.cc
  void on_retransmit_timeout(Instant now);
  void on_close_timeout(Instant now);
  void on_persist_timeout(Instant now);  // the give-up rules; Sender::on_persist_timeout
  void give_up(std::errc err, std::string_view cause, std::string_view rfc, Instant now);
  // connection_keepalive.cc — keepalive (RFC 9293 §3.8.4) and user timeout (RFC 5482).
  static bool keepalive_state(State s);  // keepalive watches the peer in this state
  void note_peer_alive(Instant now);     // an acceptable segment arrived
  void arm_keepalive(Instant now);
  void on_keepalive_timeout(Instant now);
  // connection_info.cc — TCP_INFO counters.
  void note_segment_in(const TcpSegment& seg);      // an acceptable segment
  void note_delivered(std::size_t n, Instant now);  // n data bytes newly ACKed

  SharedConfig cfg_;  // the stack's, copied on the first option set here
  TraceSink* sink_;
  std::uint64_t id_;
  StoredTuple tuple_;
  State state_ = State::kClosed;
  std::optional<std::errc> error_;
  std::uint32_t keepalive_probes_ = 0;  // unanswered keepalive probes
  // The parts: the TCB variables read like RFC 9293 §3.3.1 in them
  // (sender_.snd.una, receiver_.rcv.nxt …).
  Sender sender_;      // SND.*, retransmission queue, RTT/RTO, cwnd, loss recovery, persist
  Receiver receiver_;  // RCV.*, receive buffer, advertised window, delayed ACK, SACK blocks
  // options negotiated
  // RFC 9293 MUST-15: without the peer's MSS option, send MSS 536 (IPv4; no IPv6 here).
  std::uint16_t peer_mss_ = 536;
  std::uint8_t snd_wscale_ = 0;
  std::uint8_t rcv_wscale_ = 0;
  std::uint32_t ts_recent_ = 0;  // TS.Recent (RFC 7323 §4.3)
  Instant ts_recent_age_{};      // when TS.Recent was last set (RFC 7323 §5.5 24-day rule)
  SeqNum last_ack_sent_;         // Last.ACK.sent: SEG.ACK of our latest ACK (RFC 7323 §4.3)
  SeqNum ecn_recover_;           // SND.NXT at the last ECN cut
  std::optional<std::errc> soft_error_;         // last ICMP soft error (connection_icmp.cc)
  OutOfLine<std::vector<TcpSegment>> control_;  // RSTs with their own seq/ack (kMaxControl)
  static constexpr std::size_t kMaxControl = 4;
  // timers (the sender's retransmission and persist timers and the receiver's
  // delayed ACK are theirs)
  Instant close_deadline_ = kNever;      // TIME-WAIT 2·MSL or FIN-WAIT-2 timeout
  Instant handshake_deadline_ = kNever;  // Config::connect_timeout
  Instant keepalive_deadline_ = kNever;  // keepalive (RFC 9293 §3.8.4)
  Instant last_rcv_{};                   // last acceptable segment from the peer
  // RFC 5961 challenge-ACK limiter (per connection)
  Instant challenge_window_start_{};
  std::uint32_t challenge_count_ = 0;
  // flags, one bit each (bit-fields: the TCB stays small)
  bool ecn_ok_ : 1 = false;       // ECN negotiated (RFC 3168 §6.1.1)
  bool ece_pending_ : 1 = false;  // CE seen: our ACKs carry ECE until the peer's CWR
  bool cwr_pending_ : 1 = false;  // cwnd cut for an ECE: CWR on the next new data
  bool ecn_cut_ : 1 = false;      // a cut happened; the next only once ecn_recover_ is acked
  bool last_tx_ect_ : 1 = false;  // the segment last returned is new data sent ECT(0)
  bool wscale_ok_ : 1 = false;
  bool sack_ok_ : 1 = false;
  bool ts_ok_ : 1 = false;
  bool passive_ : 1 = false;  // came from LISTEN (a Listener's SYN queue)
  bool detached_ : 1 = false;
  bool syn_pending_ : 1 = false;  // SYN or SYN-ACK to (re)send
  bool ack_pending_ : 1 = false;
  bool challenge_pending_ : 1 = false;  // the pending ACK is an RFC 5961 challenge ACK
  bool keepalive_probe_pending_ : 1 = false;
  LazyDropCounters drops_;  // out of line from the first drop
  InfoCounters stats_;      // TCP_INFO (connection_info.cc)
};

}  // namespace synack::tcp
