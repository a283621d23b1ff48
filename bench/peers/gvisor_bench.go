// SPDX-License-Identifier: Apache-2.0

// gvisor_bench: gVisor's netstack (Debian's golang-gvisor-gvisor-dev, built in
// GOPATH mode with Debian's Go, no downloads) beside synack: the patterns of
// bulk_bench, lifecycle_bench and latency_bench between two netstack
// instances in one process, GOMAXPROCS=1 (one core, as synack).
//
// The stacks are joined by a zero-delay in-memory link of the same kind as
// bench::Link: each has a channel link endpoint; one goroutine moves packets
// in wire order — one FIFO per direction, delivered alternately one packet at
// a time, yielding after each so netstack's TCP processor goroutine answers
// (its ACK) before the sender's next segment is delivered. Each packet is
// copied once on the way (ToView), as the lwIP harness does. The applications
// use gonet (net.Conn over netstack, what Go programs embedding netstack use):
// data is copied in by Write and out by Read; every checksum is computed and
// verified (channel endpoints offload nothing). Time is netstack's real clock.
//
// Buffers: 4 MiB send and receive (as synack's bulk_bench). TIME-WAIT lasts
// 1 s (netstack's default is 60 s, which with a real clock would exhaust the
// ephemeral ports within seconds; synack's lifecycle keeps ~16k entries).
//
// Usage: gvisor_bench [--quick]; one JSON row per line (bench/bench_rows.hpp):
// bulk.gvisor.{1500,9000,65535}, lifecycle.gvisor, pingpong.gvisor.{p50,p99}.
package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"runtime"
	"sort"
	"syscall"
	"time"

	"gvisor.dev/gvisor/pkg/bufferv2"
	"gvisor.dev/gvisor/pkg/tcpip"
	"gvisor.dev/gvisor/pkg/tcpip/adapters/gonet"
	"gvisor.dev/gvisor/pkg/tcpip/link/channel"
	"gvisor.dev/gvisor/pkg/tcpip/network/ipv4"
	"gvisor.dev/gvisor/pkg/tcpip/stack"
	"gvisor.dev/gvisor/pkg/tcpip/transport/tcp"
)

var (
	addrA = tcpip.Address("\x0a\x00\x00\x01")
	addrB = tcpip.Address("\x0a\x00\x00\x02")
)

// row prints one result row: {"id": ..., "value": ..., "unit": ..., extra}.
func row(id string, value float64, unit string, extra map[string]any) {
	if extra == nil {
		extra = map[string]any{}
	}
	extra["id"], extra["value"], extra["unit"] = id, value, unit
	b, _ := json.Marshal(extra)
	fmt.Println(string(b))
}

func skipped(id, why string) {
	b, _ := json.Marshal(map[string]any{"id": id, "value": nil, "unit": "", "note": why})
	fmt.Println(string(b))
}

// cpuSeconds is the CPU time of this process (all threads, user + system):
// the rows carry it beside the wall time, as bench/bench_rows.hpp.
func cpuSeconds() float64 {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return float64(ru.Utime.Nano()+ru.Stime.Nano()) / 1e9
}

func pattern(n int) []byte {
	v := make([]byte, n)
	for i := range v {
		v[i] = byte(i*131 + 7)
	}
	return v
}

// wire is one direction of the link.
type wire struct {
	from, to      *channel.Endpoint
	packets, data uint64 // all packets, those with TCP payload
}

// moveOne delivers the oldest packet of this direction; false if none.
func (w *wire) moveOne() bool {
	pkt := w.from.Read()
	if pkt.IsNil() {
		return false
	}
	v := pkt.ToView() // the one copy on the way
	pkt.DecRef()
	b := v.AsSlice()
	ihl := int(b[0]&0x0f) * 4
	total := int(b[2])<<8 | int(b[3])
	if total-ihl-int(b[ihl+12]>>4)*4 > 0 {
		w.data++
	}
	w.packets++
	in := stack.NewPacketBuffer(stack.PacketBufferOptions{Payload: bufferv2.MakeWithView(v)})
	w.to.InjectInbound(ipv4.ProtocolNumber, in)
	in.DecRef()
	return true
}

type notifier chan struct{}

func (n notifier) WriteNotify() {
	select {
	case n <- struct{}{}:
	default:
	}
}

// link: two netstack instances, A (10.0.0.1) and B (10.0.0.2), and the
// goroutine that moves packets between them until stop is closed.
type link struct {
	a, b   *stack.Stack
	ab, ba wire
	wake   notifier
	stop   chan struct{}
	done   chan struct{}
}

func newStack(ep *channel.Endpoint, addr tcpip.Address) *stack.Stack {
	s := stack.New(stack.Options{
		NetworkProtocols:   []stack.NetworkProtocolFactory{ipv4.NewProtocol},
		TransportProtocols: []stack.TransportProtocolFactory{tcp.NewProtocol},
	})
	const buf = 4 << 20
	sack := tcpip.TCPSACKEnabled(true)
	tw := tcpip.TCPTimeWaitTimeoutOption(time.Second)
	for _, o := range []tcpip.SettableTransportProtocolOption{
		&tcpip.TCPSendBufferSizeRangeOption{Min: 4096, Default: buf, Max: buf},
		&tcpip.TCPReceiveBufferSizeRangeOption{Min: 4096, Default: buf, Max: buf},
		&sack, &tw,
	} {
		if err := s.SetTransportProtocolOption(tcp.ProtocolNumber, o); err != nil {
			fmt.Fprintf(os.Stderr, "gvisor_bench: option %T: %v\n", o, err)
			os.Exit(1)
		}
	}
	if err := s.CreateNIC(1, ep); err != nil {
		fmt.Fprintf(os.Stderr, "gvisor_bench: CreateNIC: %v\n", err)
		os.Exit(1)
	}
	pa := tcpip.ProtocolAddress{Protocol: ipv4.ProtocolNumber,
		AddressWithPrefix: tcpip.AddressWithPrefix{Address: addr, PrefixLen: 24}}
	if err := s.AddProtocolAddress(1, pa, stack.AddressProperties{}); err != nil {
		fmt.Fprintf(os.Stderr, "gvisor_bench: AddProtocolAddress: %v\n", err)
		os.Exit(1)
	}
	subnet, _ := tcpip.NewSubnet(tcpip.Address("\x0a\x00\x00\x00"), tcpip.AddressMask("\xff\xff\xff\x00"))
	s.SetRouteTable([]tcpip.Route{{Destination: subnet, NIC: 1}})
	return s
}

func newLink(mtu uint32) *link {
	ea, eb := channel.New(4096, mtu, ""), channel.New(4096, mtu, "")
	l := &link{wake: make(notifier, 1), stop: make(chan struct{}), done: make(chan struct{})}
	l.a, l.b = newStack(ea, addrA), newStack(eb, addrB)
	l.ab = wire{from: ea, to: eb}
	l.ba = wire{from: eb, to: ea}
	ea.AddNotify(l.wake)
	eb.AddNotify(l.wake)
	go l.run()
	return l
}

func (l *link) run() {
	defer close(l.done)
	for {
		moved := l.ab.moveOne()
		if moved {
			runtime.Gosched() // let the receiver answer first (wire order)
		}
		if l.ba.moveOne() {
			moved = true
			runtime.Gosched()
		}
		if moved {
			continue
		}
		select {
		case <-l.wake:
		case <-l.stop:
			return
		}
	}
}

func (l *link) close() {
	close(l.stop)
	<-l.done
	l.a.Close()
	l.b.Close()
}

// connect dials B:port from A and accepts on ln; returns both ends.
func connect(l *link, ln *gonet.TCPListener, port uint16) (client, server *gonet.TCPConn, err error) {
	accepted := make(chan *gonet.TCPConn, 1)
	go func() {
		c, err := ln.Accept()
		if err != nil {
			accepted <- nil
			return
		}
		accepted <- c.(*gonet.TCPConn)
	}()
	client, err = gonet.DialTCP(l.a, tcpip.FullAddress{NIC: 1, Addr: addrB, Port: port}, ipv4.ProtocolNumber)
	server = <-accepted
	if err == nil && server == nil {
		err = fmt.Errorf("accept failed")
	}
	return client, server, err
}

func bulk(mtu uint32, total int64, limit time.Duration) {
	id := fmt.Sprintf("bulk.gvisor.%d", mtu)
	l := newLink(mtu)
	defer l.close()
	ln, err := gonet.ListenTCP(l.b, tcpip.FullAddress{NIC: 1, Addr: addrB, Port: 5001}, ipv4.ProtocolNumber)
	if err != nil {
		skipped(id, err.Error())
		return
	}
	defer ln.Close()
	client, server, err := connect(l, ln, 5001)
	if err != nil {
		skipped(id, "connection did not open: "+err.Error())
		return
	}
	src := pattern(256 * 1024)
	data0, acks0 := l.ab.data, l.ba.packets
	start, cpu0 := time.Now(), cpuSeconds()
	deadline := start.Add(limit)
	go func() {
		for sent := int64(0); sent < total && time.Now().Before(deadline); {
			n := int64(len(src))
			if total-sent < n {
				n = total - sent
			}
			w, err := client.Write(src[:n])
			if err != nil {
				break
			}
			sent += int64(w)
		}
		client.Close()
	}()
	dst := make([]byte, 256*1024)
	var received int64
	for received < total {
		n, err := server.Read(dst)
		received += int64(n)
		if err == io.EOF || err != nil && n == 0 {
			break
		}
	}
	secs := time.Since(start).Seconds()
	segs, acks := l.ab.data-data0, l.ba.packets-acks0
	server.Close()
	row(id, float64(received)*8/secs/1e9, "Gbit/s", map[string]any{
		"bytes": received, "seconds": secs, "cpu_seconds": cpuSeconds() - cpu0,
		"segments": segs, "acks": acks,
		"segments_per_ack": float64(segs) / float64(max64(acks, 1)),
		"ns_per_segment":   secs * 1e9 / float64(max64(segs, 1)),
		"complete":         received >= total})
}

func max64(a, b uint64) uint64 {
	if a > b {
		return a
	}
	return b
}

func lifecycle(count int, limit time.Duration) {
	l := newLink(1500)
	defer l.close()
	ln, err := gonet.ListenTCP(l.b, tcpip.FullAddress{NIC: 1, Addr: addrB, Port: 80}, ipv4.ProtocolNumber)
	if err != nil {
		skipped("lifecycle.gvisor", err.Error())
		return
	}
	defer ln.Close()
	// The server: accept, read the 1-byte request, answer, read EOF, close.
	served := make(chan bool, 1)
	go func() {
		buf := make([]byte, 16)
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			n, _ := c.Read(buf)
			ok := n == 1
			if _, err := c.Write(buf[:1]); err != nil {
				ok = false
			}
			n, err = c.Read(buf)
			ok = ok && n == 0 && err == io.EOF
			c.Close()
			served <- ok
		}
	}()
	req := []byte{'?'}
	buf := make([]byte, 16)
	done, failed := 0, 0
	packets0 := l.ab.packets + l.ba.packets
	start, cpu0 := time.Now(), cpuSeconds()
	for done < count && failed < 100 {
		c, err := gonet.DialTCP(l.a, tcpip.FullAddress{NIC: 1, Addr: addrB, Port: 80}, ipv4.ProtocolNumber)
		if err != nil {
			failed++
			continue
		}
		_, err = c.Write(req)
		ok := err == nil
		n, _ := c.Read(buf)
		ok = ok && n == 1
		c.Close() // client first: the client keeps the TIME-WAIT
		ok = <-served && ok
		if !ok {
			failed++
		}
		done++
		if done&255 == 0 && time.Since(start) > limit {
			break
		}
	}
	secs := time.Since(start).Seconds()
	row("lifecycle.gvisor", float64(done)/secs, "conn/s", map[string]any{
		"connections": done, "failed": failed, "seconds": secs, "cpu_seconds": cpuSeconds() - cpu0,
		"packets": l.ab.packets + l.ba.packets - packets0})
}

func pingpong(rounds int) {
	l := newLink(1500)
	defer l.close()
	ln, err := gonet.ListenTCP(l.b, tcpip.FullAddress{NIC: 1, Addr: addrB, Port: 7}, ipv4.ProtocolNumber)
	if err != nil {
		skipped("pingpong.gvisor.p50", err.Error())
		return
	}
	defer ln.Close()
	client, server, err := connect(l, ln, 7)
	if err != nil {
		skipped("pingpong.gvisor.p50", "connection did not open: "+err.Error())
		return
	}
	go func() { // echo one byte at a time
		b := make([]byte, 16)
		for {
			if n, err := server.Read(b); err != nil || n != 1 {
				server.Close()
				return
			}
			if _, err := server.Write(b[:1]); err != nil {
				return
			}
		}
	}()
	one := []byte{1}
	buf := make([]byte, 16)
	ns := make([]float64, 0, rounds)
	bad := 0
	for i := 0; i < rounds+rounds/10; i++ {
		t0 := time.Now()
		if _, err := client.Write(one); err != nil {
			bad++
		}
		if n, err := client.Read(buf); err != nil || n != 1 {
			bad++
		}
		if i >= rounds/10 {
			ns = append(ns, float64(time.Since(t0).Nanoseconds()))
		}
	}
	client.Close()
	sort.Float64s(ns)
	pct := func(p float64) float64 { return ns[int(p*float64(len(ns)-1))] }
	row("pingpong.gvisor.p50", pct(0.50), "ns", map[string]any{"rounds": rounds, "errors": bad})
	row("pingpong.gvisor.p99", pct(0.99), "ns", map[string]any{"rounds": rounds, "errors": bad})
}

func main() {
	runtime.GOMAXPROCS(1)
	quick := false
	for _, a := range os.Args[1:] {
		if a != "--quick" {
			fmt.Fprintf(os.Stderr, "gvisor_bench: unknown argument '%s' (usage: gvisor_bench [--quick])\n", a)
			os.Exit(2)
		}
		quick = true
	}
	// Bulk stops after 10 s per MTU (netstack moves ~0.1-2 Gbit/s here: the
	// row then says how far it got); ping-pong runs 100k rounds (~20 µs each).
	total, limit := int64(1)<<30, 10*time.Second
	conns, climit, rounds := 1000000, 8*time.Second, 100000
	if quick {
		total, limit, conns, climit, rounds = 32<<20, 5*time.Second, 5000, 3*time.Second, 20000
	}
	for _, mtu := range []uint32{1500, 9000, 65535} {
		bulk(mtu, total, limit)
	}
	lifecycle(conns, climit)
	pingpong(rounds)
}
