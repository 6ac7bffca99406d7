#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""A two-port Ethernet bridge in user space that impairs one direction the
way Linux's netem qdisc would.  For kernels built without sch_netem.

Usage (as root, inside the namespace that holds both interfaces):

    netem_bridge.py IF_A IF_B --impair-from IF_B --seed 1 \\
        --delay-ms 10 --reorder 25 --reorder-corr 50 --duplicate 2 [--loss 0]

Every frame received on IF_A is sent out of IF_B at once, and vice versa,
byte for byte (AF_PACKET raw sockets; the bridge's own transmissions are
ignored).  Frames received on the --impair-from interface get netem's
treatment before they are sent on:

* --loss P: dropped with probability P percent;
* --duplicate P: sent twice with probability P percent (the copy gets its
  own reorder decision, as netem re-enqueues its clone);
* --delay-ms D: held for D milliseconds, in arrival order;
* --reorder P [--reorder-corr C]: as `netem delay D reorder P% C%` (gap 1):
  with probability P percent (correlated C percent with the previous
  decision, netem's get_crandom) a frame is *not* delayed but sent at once,
  overtaking the frames still held.

Decisions come from random.Random(--seed), so for the same sequence of
frames they are the same on every run.  The interfaces should have no
addresses and IPv6 off, so the bridge's namespace adds no traffic of its
own.  Prints "ready" on stdout once both sockets are bound; on SIGTERM or
SIGINT it sends nothing more, prints its counters on stdout and exits 0.
Standard library only.
"""

import argparse
import heapq
import random
import select
import signal
import socket
import sys
import time

ETH_P_ALL = 0x0003
PACKET_OUTGOING = 4
PACKET_IGNORE_OUTGOING = 23     # <linux/if_packet.h>, Linux 4.20+
SOL_PACKET = 263


class Correlated:
    """netem's get_crandom(): next = (1 - rho) * U + rho * last."""

    def __init__(self, rng, corr_percent):
        self.rng, self.rho, self.last = rng, corr_percent / 100.0, None

    def __call__(self):
        u = self.rng.random()
        if self.rho == 0.0 or self.last is None:
            value = u
        else:
            value = (1.0 - self.rho) * u + self.rho * self.last
        self.last = value
        return value


def open_port(ifname):
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
    try:
        s.setsockopt(SOL_PACKET, PACKET_IGNORE_OUTGOING, 1)
    except OSError:
        pass                    # older kernel: the pkttype check below does it
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 4 << 20)
    s.bind((ifname, ETH_P_ALL))
    s.setblocking(False)
    return s


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("if_a")
    ap.add_argument("if_b")
    ap.add_argument("--impair-from", required=True,
                    help="frames received on this interface are impaired")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--delay-ms", type=float, default=0.0)
    ap.add_argument("--reorder", type=float, default=0.0, help="percent")
    ap.add_argument("--reorder-corr", type=float, default=0.0, help="percent")
    ap.add_argument("--duplicate", type=float, default=0.0, help="percent")
    ap.add_argument("--loss", type=float, default=0.0, help="percent")
    args = ap.parse_args()
    if args.impair_from not in (args.if_a, args.if_b):
        ap.error("--impair-from must be IF_A or IF_B")
    if args.reorder and args.delay_ms <= 0:
        ap.error("reordering needs a delay (as with netem)")

    rng = random.Random(args.seed)
    reorder_rnd = Correlated(rng, args.reorder_corr)
    ports = {args.if_a: open_port(args.if_a), args.if_b: open_port(args.if_b)}
    peer = {args.if_a: ports[args.if_b], args.if_b: ports[args.if_a]}
    by_fd = {s.fileno(): name for name, s in ports.items()}
    delay = args.delay_ms / 1000.0

    stats = {"passed": 0, "impaired_in": 0, "lost": 0, "duplicated": 0,
             "delayed": 0, "sent_early": 0, "send_errors": 0}
    held = []                   # heap of (due, order, socket, frame)
    order = 0
    stop = []

    def on_signal(signum, frame):
        stop.append(signum)

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)

    def send(sock, frame):
        try:
            sock.send(frame)
        except OSError:
            stats["send_errors"] += 1

    print("ready", flush=True)
    while not stop:
        now = time.monotonic()
        while held and held[0][0] <= now:
            _, _, sock, frame = heapq.heappop(held)
            send(sock, frame)
        timeout = max(0.0, held[0][0] - now) if held else 0.2
        try:
            readable, _, _ = select.select(list(by_fd), [], [], timeout)
        except InterruptedError:
            continue
        for fd in readable:
            name = by_fd[fd]
            sock = ports[name]
            while True:
                try:
                    frame, addr = sock.recvfrom(65535)
                except BlockingIOError:
                    break
                if addr[2] == PACKET_OUTGOING:
                    continue
                out = peer[name]
                if name != args.impair_from:
                    stats["passed"] += 1
                    send(out, frame)
                    continue
                stats["impaired_in"] += 1
                copies = 1
                if args.duplicate and rng.random() * 100.0 < args.duplicate:
                    copies += 1
                    stats["duplicated"] += 1
                if args.loss and rng.random() * 100.0 < args.loss:
                    copies -= 1
                    stats["lost"] += 1
                now = time.monotonic()
                for _ in range(copies):
                    if args.reorder and reorder_rnd() * 100.0 < args.reorder:
                        stats["sent_early"] += 1
                        send(out, frame)
                    elif delay > 0:
                        stats["delayed"] += 1
                        order += 1
                        heapq.heappush(held, (now + delay, order, out, frame))
                    else:
                        send(out, frame)
    print(" ".join("%s=%d" % kv for kv in stats.items())
          + " still_held=%d" % len(held), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
