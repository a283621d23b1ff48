// SPDX-License-Identifier: Apache-2.0
#include "tcp/config.hpp"

namespace synack::tcp {

Config Config::linux_defaults() {
  Config c;
  c.time_wait_rfc1337 = false;  // net.ipv4.tcp_rfc1337 = 0
  // DEVIATION(linux): net.ipv4.tcp_syn_retries 6 gives up a SYN after 127 s, short
  // of RFC 9293 MUST-23's 3 minutes (the engine default, 7, waits 247 s).
  c.syn_retries = 6;
  c.option_layout = OptionLayout::kLinux;
  c.sndbuf_doubling = true;
  c.cwnd_growth_when_limited = true;  // tcp_cong_avoid: only when tcp_is_cwnd_limited  //
                                      // sock_setsockopt(SO_SNDBUF): min(val, wmem_max) * 2
  return c;
}

Config Config::freebsd_defaults() {
  Config c;
  c.rcv_buf = 65536;                      // net.inet.tcp.recvspace
  c.snd_buf = 32768;                      // net.inet.tcp.sendspace
  c.window_scale = 6;                     // kern.ipc.maxsockbuf 2 MiB → shift 6
  c.delayed_ack = milliseconds(40);       // net.inet.tcp.delacktime
  c.rexmit_slop = milliseconds(200);      // net.inet.tcp.rexmit_slop
  c.min_rto = milliseconds(30);           // net.inet.tcp.rexmit_min
  c.max_rto = seconds(64);                // TCPTV_REXMTMAX
  c.syn_retries = 12;                     // TCP_MAXRXTSHIFT; keepinit ends it first
  c.synack_retries = 3;                   // net.inet.tcp.syncache.rexmtlimit
  c.max_retransmissions = 12;             // TCP_MAXRXTSHIFT
  c.connect_timeout = seconds(75);        // net.inet.tcp.keepinit
  c.fin_wait_2_timeout = seconds(60);     // net.inet.tcp.finwait2_timeout
  c.time_wait_rfc1337 = true;             // tcp_twcheck drops RSTs
  c.insecure_rst = false;                 // net.inet.tcp.insecure_rst
  c.insecure_syn = false;                 // net.inet.tcp.insecure_syn
  c.drop_synfin = true;                   // net.inet.tcp.drop_synfin
  c.syn_cookies = SynCookies::kWhenFull;  // net.inet.tcp.syncookies 1
  c.option_layout = OptionLayout::kFreeBsd;
  c.rcvbuf_round_to_mss = true;    // tcp_mss(): sb_hiwat rounded up to t_maxseg
  c.rcv_wnd_from_buffer = true;    // tcp_input: rcv_wnd = sbspace
  c.ack_resends_fin = true;        // tcp_output: FIN again while unacknowledged
  c.time_wait_twcheck = true;      // tcp_twcheck()
  c.listen_drop_synack = true;     // rcv-syn-ack-listen: no RST
  c.paws_ack_only_data = true;     // tcp_input: PAWS drop → dropafterack only if tlen
  c.nagle_minshall = false;        // tcp_output: classic Nagle (idle = snd_max == snd_una)
  c.receiver_sws = false;          // tcp_output: recwin = sbspace (see Config::receiver_sws)
  c.window_update_on_read = true;  // tcp_output after soreceive: window update
  c.min_pmtu = 256;                // net.inet.tcp.minmss 216 + 40
  c.ecn_syn_retries = 1;           // net.inet.tcp.ecn.maxretries
  return c;
}

}  // namespace synack::tcp
