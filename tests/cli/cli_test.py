#!/usr/bin/env python3
"""The synack CLI's conventions, end to end (docs/README.md, `synack --help`):
exit status 0/1/2, one-line errors "synack COMMAND: PROBLEM", unit parsing,
atomic output files, progress only on a terminal.

    cli_test.py SYNACK            # the unit cases (no root needed); the generated
                                  # completions and man pages beside SYNACK in cli-docs/
    cli_test.py SYNACK --interop  # the TUN cases (root: namespaces, TUN devices)
"""
import hashlib
import os
import pty
import re
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import unittest

SYNACK = ""
CLI_DOCS = ""
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
GOLDEN_RUN = os.path.join(ROOT, "tests", "golden", "viz", "handshake-data-close.json")
DRILL_DIR = os.path.join(ROOT, "tests", "conformance", "freebsd", "snd-syn")


def run(*args, stdin=subprocess.DEVNULL, cwd=None, env=None):
    return subprocess.run([SYNACK, *args], stdin=stdin, capture_output=True, text=True,
                          cwd=cwd, env=env, timeout=300)


def run_on_tty(*args, env=None):
    """Runs synack with stderr on a pseudo-terminal; returns (status, stderr bytes)."""
    return spawn_on_tty(*args, env=env)()


class CliCase(unittest.TestCase):
    def assert_one_line_error(self, r, status, prefix, *fragments):
        self.assertEqual(r.returncode, status, r.stderr)
        lines = r.stderr.splitlines()
        self.assertEqual(len(lines), 1, f"not one line: {r.stderr!r}")
        self.assertTrue(lines[0].startswith(prefix), lines[0])
        for f in fragments:
            self.assertIn(f, lines[0])


class Conventions(CliCase):
    def test_bare_synack_lists_the_commands(self):
        r = run()
        self.assertEqual(r.returncode, 0, r.stderr)
        for cmd in ["demo", "sim", "drill", "draw", "serve", "fetch", "connect", "forward", "states"]:
            self.assertRegex(r.stdout, rf"\n\s+{cmd}\s")
        self.assertEqual(r.stderr, "")

    def test_help_documents_the_exit_status(self):
        for args in (["--help"], ["sim", "--help"], ["fetch", "--help"]):
            r = run(*args)
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertIn("Exit status:\n  0  success\n  1  failure at run time", r.stdout)
            self.assertIn("  2  usage error", r.stdout)

    def test_unknown_command_names_the_closest(self):
        self.assert_one_line_error(run("fetc"), 2, "synack: ", '"fetc"', 'did you mean "fetch"')
        self.assert_one_line_error(run("smi", "--bytes", "1K"), 2, "synack: ", '"sim"')
        r = run("frobnicate")
        self.assert_one_line_error(r, 2, "synack: ", '"frobnicate"', "commands: demo")

    def test_unknown_option_is_one_line_with_a_suggestion(self):
        self.assert_one_line_error(run("sim", "--bytez", "1M"), 2, "synack sim: ", "--bytez",
                                   "did you mean --bytes?")

    def test_cli11_errors_are_one_line_exit_2(self):
        self.assert_one_line_error(run("fetch"), 2, "synack fetch: ", "url")
        self.assert_one_line_error(run("sim", "--conns", "0"), 2, "synack sim: ", "--conns")
        self.assert_one_line_error(run("sim", "--seed", "x"), 2, "synack sim: ", "--seed")
        self.assert_one_line_error(run("states", "--format", "png"), 2, "synack states: ")
        self.assert_one_line_error(run("serve", "--create-netns"), 2, "synack serve: ", "--netns")

    def test_version_and_help_exit_0(self):
        r = run("--version")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertRegex(r.stdout, r"^synack \d+\.\d+\.\d+\nfeatures: ")
        self.assertRegex(run("--help").stdout, r"\n  --version +\S")  # listed in --help
        for args in (["-h"], ["draw", "-h"], ["drill", "--help"]):
            r = run(*args)
            self.assertEqual(r.returncode, 0, args)
            self.assertIn("Exit status:", r.stdout)

    def test_every_kind_of_cli11_error_is_one_line_exit_2(self):
        """Each CLI11 exception class the commands can raise (its own exit
        codes are 101..115) is mapped to status 2 with the command's prefix."""
        cases = [
            (["--bogus"], "synack: ", "--bogus"),                            # ExtrasError, top level
            (["sim", "stray"], "synack sim: ", "stray"),                     # ExtrasError, positional
            (["sim", "--bytes"], "synack sim: ", "--bytes"),                 # ArgumentMismatch
            (["sim", "--conns", "many"], "synack sim: ", "--conns"),         # ConversionError
            (["sim", "--conns", "0"], "synack sim: ", "--conns"),            # ValidationError (range)
            (["fetch"], "synack fetch: ", "url"),                            # RequiredError
            (["serve", "--create-netns"], "synack serve: ", "--netns"),      # RequiresError
            (["serve", "--http", "/no/such/dir"], "synack serve: ", "/no/such/dir"),  # ExistingDirectory
            (["serve", "--echo", "--mtu", "10"], "synack serve: ", "--mtu"),   # Range
            (["serve", "--echo", "--addr", "10.0.0.1/33"], "synack serve: ",  # own validator
             '--addr: "10.0.0.1/33": expected a.b.c.d/len'),
            (["fetch", "--tun", "a-very-long-device-name", "http://10.0.0.1/"], "synack fetch: ",
             '--tun: "a-very-long-device-name": a device name is 1..15 characters'),
            (["draw", "-f", "png", GOLDEN_RUN], "synack draw: ", "png"),      # own check, usage
        ]
        for args, prefix, fragment in cases:
            with self.subTest(args=args):
                self.assert_one_line_error(run(*args), 2, prefix, fragment)

        self.assert_one_line_error(run("demo", "no-such-scenario"), 2, "synack demo: ",
                                   '"no-such-scenario"')
        self.assert_one_line_error(run("demo", "lost-third-ak"), 2, "synack demo: ",
                                   'did you mean "lost-third-ack"')
        self.assert_one_line_error(run("fetch", "ftp://x/"), 2, "synack fetch: ", "http://")
        self.assert_one_line_error(run("connect", "nowhere"), 2, "synack connect: ", "a.b.c.d:port")
        self.assert_one_line_error(run("serve"), 2, "synack serve: ", "--echo")
        self.assert_one_line_error(run("forward", "--socks5", "nowhere"), 2, "synack forward: ",
                                   "a.b.c.d:port")
        self.assert_one_line_error(run("forward", "--egress-netns", "a", "--mark", "1"), 2,
                                   "synack forward: ", "excludes")
        self.assert_one_line_error(run("drill", "/no/such/dir"), 2, "synack drill: ", "/no/such/dir")

    def test_drill_that_finds_no_scripts_fails(self):
        with tempfile.TemporaryDirectory() as d:
            self.assert_one_line_error(run("drill", d), 1, "synack drill: ", "no .pkt scripts", d)

    def test_run_time_failure_exits_1(self):
        r = run("sim", "--bytes", "1M", "--time-limit", "100ms")
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertRegex(r.stderr, r"^synack sim: 1 of 1 connections failed")
        self.assert_one_line_error(run("draw", "/no/such/run.json"), 1, "synack draw: ",
                                   "/no/such/run.json")
        self.assert_one_line_error(run("sim", "--bytes", "1K", "--pcap", "/no/such/dir/x.pcap"), 1,
                                   "synack sim: ", "/no/such/dir/x.pcap")
        self.assert_one_line_error(run("demo", "-o", "/no/such/dir/x.txt"), 1, "synack demo: ",
                                   "/no/such/dir/x.txt")


class Units(CliCase):
    def test_sizes_rates_durations_percentages(self):
        r = run("sim", "--bytes", "64KiB", "--rtt", "2ms", "--bandwidth", "1Gbit",
                "--loss", "0.5%", "--reorder", "0.01", "--time-limit", "1min", "--seed", "3")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("bytes 65536 x1", r.stdout)
        self.assertIn("65536 B delivered of 65536 B", r.stdout)
        for size in ("64K", "64KiB", "65536", "65536B"):
            r = run("sim", "--bytes", size, "--rtt", "1ms")
            self.assertIn("65536 B delivered of 65536 B", r.stdout, size)

    def test_rates_are_decimal_and_equal_spellings_run_alike(self):
        """The simulation is deterministic, so equal values give the same report
        (all but the header, which echoes the options as typed)."""
        def report(bandwidth="10Mbit", rtt="20ms", loss="1%", limit="1min"):
            r = run("sim", "--bytes", "256K", "--seed", "3", "--bandwidth", bandwidth, "--rtt",
                    rtt, "--loss", loss, "--time-limit", limit)
            self.assertEqual(r.returncode, 0, r.stderr)
            return r.stdout.split("\n", 1)[1]

        ten = report()
        self.assertIn("262144 B delivered of 262144 B", ten)
        for same in ("10000kbit", "10000000bit", "10Mbit/s", "10Mbps", "0.01Gbit"):
            self.assertEqual(report(bandwidth=same), ten, same)
        self.assertNotEqual(report(bandwidth="10485760bit"), ten)  # 10 Mbit is not 10 x 2^20
        for same in ("20000us", "20000µs", "0.02s", "20000000ns"):
            self.assertEqual(report(rtt=same), ten, same)
        self.assertNotEqual(report(rtt="21ms"), ten)
        self.assertEqual(report(loss="0.01"), ten)
        self.assertNotEqual(report(loss="2%"), ten)
        self.assertEqual(report(limit="60s"), ten)

    def test_bad_values_name_the_field_and_the_forms(self):
        self.assert_one_line_error(run("sim", "--bytes", "1Q"), 2, "synack sim: ",
                                   '--bytes: "1Q": unknown unit "Q"', "64K = 64KiB")
        self.assert_one_line_error(run("sim", "--bytes", "1MB"), 2, "synack sim: ", "ambiguous")
        self.assert_one_line_error(run("sim", "--rtt", "50"), 2, "synack sim: ",
                                   '--rtt: "50": needs a unit', "50ms")
        self.assert_one_line_error(run("sim", "--bandwidth", "10MB/s"), 2, "synack sim: ",
                                   "--bandwidth", "bits")
        self.assert_one_line_error(run("sim", "--loss", "5x"), 2, "synack sim: ", "--loss",
                                   "percentage 5%")
        self.assert_one_line_error(run("serve", "--echo", "--delay", "1h"), 2, "synack serve: ",
                                   '--delay: "1h"')
        self.assert_one_line_error(run("serve", "--http-bytes", "1GB"), 2, "synack serve: ",
                                   "--http-bytes", "1G = 1GiB")
        self.assert_one_line_error(run("fetch", "--max-time", "soon", "http://10.0.0.1/"), 2,
                                   "synack fetch: ", "--max-time")


class AtomicOutput(CliCase):
    def test_interrupted_run_leaves_no_file(self):
        with tempfile.TemporaryDirectory() as d:
            p = subprocess.Popen([SYNACK, "sim", "--bytes", "100M", "--pcap", "x.pcap"], cwd=d,
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            for _ in range(300):  # until the temporary exists (bounded: 30 s)
                if os.listdir(d):
                    break
                time.sleep(0.1)
            self.assertTrue(os.listdir(d)[0].startswith("x.pcap.tmp-"), os.listdir(d))
            p.send_signal(signal.SIGINT)
            self.assertEqual(p.wait(timeout=60), -signal.SIGINT)
            self.assertEqual(os.listdir(d), [])  # neither x.pcap nor the temporary

    def test_failed_run_leaves_no_file_and_keeps_an_old_one(self):
        with tempfile.TemporaryDirectory() as d:
            with open(os.path.join(d, "old.svg"), "w") as f:
                f.write("old")
            r = run("draw", "/no/such/run.json", "-o", "old.svg", cwd=d)
            self.assertEqual(r.returncode, 1)
            self.assertEqual(os.listdir(d), ["old.svg"])
            with open(os.path.join(d, "old.svg")) as f:
                self.assertEqual(f.read(), "old")

    def test_successful_run_renames_into_place(self):
        with tempfile.TemporaryDirectory() as d:
            self.assertEqual(run("demo", "-f", "svg", "-o", "run.svg", "--pcap", "run.pcap",
                                 cwd=d).returncode, 0)
            self.assertEqual(sorted(os.listdir(d)), ["run.pcap", "run.svg"])
            self.assertGreater(os.path.getsize(os.path.join(d, "run.pcap")), 24)
            mode = os.stat(os.path.join(d, "run.svg")).st_mode & 0o777
            self.assertEqual(mode, 0o666 & ~current_umask())


def current_umask():
    mask = os.umask(0)
    os.umask(mask)
    return mask


class Progress(CliCase):
    ARGS = ("sim", "--bytes", "4M", "--rtt", "1ms", "--seed", "2")

    def test_progress_on_a_terminal_only(self):
        env = {k: v for k, v in os.environ.items() if k != "SYNACK_PROGRESS"}
        status, tty = run_on_tty(*self.ARGS, env=env)
        self.assertEqual(status, 0)
        self.assertIn(b"\r\x1b[Ksynack sim: ", tty)  # the redrawn line
        status, quiet = run_on_tty(*self.ARGS, "--quiet", env=env)
        self.assertEqual(status, 0)
        self.assertNotIn(b"\r", quiet)
        r = run(*self.ARGS, env=env)  # piped: no progress, the summary as always
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertNotIn("\r", r.stderr + r.stdout)
        self.assertIn("1 of 1 connections byte-exact both ways", r.stdout)


    def test_drill_progress_on_a_terminal_only(self):
        env = {k: v for k, v in os.environ.items() if k != "SYNACK_PROGRESS"}
        status, tty = run_on_tty("drill", DRILL_DIR, env=env)
        self.assertIn(status, (0, 1))
        self.assertIn(b"\r\x1b[Ksynack drill: 0 of ", tty)  # due at once, then every 200 ms
        status, quiet = run_on_tty("drill", "--quiet", DRILL_DIR, env=env)
        self.assertNotIn(b"\r", quiet)
        r = run("drill", DRILL_DIR, env=env)
        self.assertNotIn("\r", r.stderr + r.stdout)
        self.assertRegex(r.stdout, r"\n\d+ passed, \d+ failed, \d+ skipped\n$")

    def test_draw_progress_on_a_terminal_only_and_a_summary_for_a_file(self):
        env = {k: v for k, v in os.environ.items() if k != "SYNACK_PROGRESS"}
        with tempfile.TemporaryDirectory() as d:
            svg = os.path.join(d, "x.svg")
            status, tty = run_on_tty("draw", GOLDEN_RUN, "-f", "svg", "-o", svg, env=env)
            self.assertEqual(status, 0)
            self.assertIn(b"\r\x1b[Ksynack draw: reading ", tty)
            self.assertIn(b"\r\x1b[Ksynack draw: drawing 9 packets", tty)
            self.assertIn(f"synack draw: {svg}: 9 packets, ".encode(), tty)  # the summary
            status, quiet = run_on_tty("draw", GOLDEN_RUN, "--quiet", "-f", "svg", "-o", svg,
                                       env=env)
            self.assertEqual(status, 0)
            self.assertNotIn(b"\x1b[K", quiet)  # (the terminal's own \r\n ends the summary)
            self.assertIn(f"synack draw: {svg}: 9 packets, ".encode(), quiet)
            r = run("draw", GOLDEN_RUN, "-f", "svg", "-o", svg, env=env)  # piped
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertRegex(r.stderr, rf"^synack draw: {re.escape(svg)}: 9 packets, \d+ events "
                             rf"drawn, {os.path.getsize(svg)} bytes written\n$")
        r = run("draw", GOLDEN_RUN, env=env)  # the drawing on stdout is the whole output
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stderr, "")

    def test_draw_of_a_capture_shows_progress_on_a_terminal_only(self):
        env = {k: v for k, v in os.environ.items() if k != "SYNACK_PROGRESS"}
        capture = os.path.join(ROOT, "tests", "capture", "data", "lo.pcap")
        with tempfile.TemporaryDirectory() as d:
            svg = os.path.join(d, "x.svg")
            args = ("draw", capture, "--stream", "0", "-f", "svg", "-o", svg)
            status, tty = run_on_tty(*args, env=env)
            self.assertEqual(status, 0, tty)
            self.assertIn(f"\r\x1b[Ksynack draw: reading {capture}: ".encode(), tty)
            self.assertIn(b"\r\x1b[Ksynack draw: drawing 10 packets", tty)
            r = run(*args, env=env)
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertRegex(r.stderr, rf"^synack draw: {re.escape(svg)}: 10 packets, \d+ events "
                             rf"drawn, {os.path.getsize(svg)} bytes written\n$")


class Generated(CliCase):
    """The completions and man pages generated at build time (scripts/gen_cli_docs.py)."""

    def test_man_pages_render_without_warnings(self):
        man = os.path.join(CLI_DOCS, "man")
        pages = sorted(os.listdir(man))
        self.assertIn("synack.1", pages)
        for cmd in ["demo", "sim", "drill", "draw", "serve", "fetch", "connect", "forward", "states"]:
            self.assertIn(f"synack-{cmd}.1", pages)
        for page in pages:
            r = subprocess.run(["groff", "-man", "-Tutf8", "-ww", os.path.join(man, page)],
                               capture_output=True, text=True)
            self.assertEqual(r.returncode, 0, page)
            self.assertEqual(r.stderr, "", page)
        r = subprocess.run(["groff", "-man", "-Tutf8", os.path.join(man, "synack-sim.1")],
                           capture_output=True, text=True)
        text = re.sub(r".\x08", "", r.stdout)
        self.assertIn("--bytes", text)
        self.assertIn("EXIT STATUS", text)

    def test_bash_completion_completes_commands_options_and_choices(self):
        script = os.path.join(CLI_DOCS, "bash", "synack")

        def complete(*words):
            cmd = (f"source {script}; COMP_WORDS=(synack {' '.join(words)}); "
                   f"COMP_CWORD={len(words)}; _synack; echo \"${{COMPREPLY[@]}}\"")
            return subprocess.run(["bash", "-c", cmd], capture_output=True, text=True).stdout.split()

        self.assertEqual(complete("si"), ["sim"])
        self.assertEqual(complete("sim", "--by"), ["--bytes"])
        self.assertEqual(complete("states", "--format", "''"), ["text", "dot"])
        self.assertIn("--create-netns", complete("serve", "--cr"))

    def test_zsh_completion_completes_commands_options_and_choices(self):
        if shutil.which("zsh") is None:
            self.skipTest("zsh not installed (scripts/install-deps.sh installs it)")
        got = zsh_complete(os.path.join(CLI_DOCS, "zsh"),
                           ["synack si", "synack sim --by", "synack states --format ",
                            "synack serve --cr", "synack dr"])
        self.assertEqual(got[0], ["sim"])
        self.assertEqual(got[1], ["--bytes"])
        self.assertEqual(sorted(got[2]), ["dot", "text"])
        self.assertIn("--create-netns", got[3])
        self.assertEqual(sorted(got[4]), ["draw", "drill"])


ZSH_SETUP = r"""
PROMPT='> '
unsetopt beep
fpath=({fpath} $fpath)
autoload -Uz compinit && compinit -u -D
# Every match the completion offers, one per line in {out}: compadd is the
# primitive all completion functions end in (_describe, _arguments, _files).
compadd() {{
  if [[ ${{@[1,(i)(-|--)]}} == *-(O|A|D)\ * ]]; then builtin compadd "$@"; return; fi
  local -a __m
  builtin compadd -A __m "$@"
  (( $#__m )) && print -rl -- $__m >> {out}
  builtin compadd "$@"
}}
# ^T: complete (as Tab does), then end the group of matches and say so on the
# terminal, so the test types nothing while completion runs.
__complete_and_mark() {{
  zle complete-word
  print -r -- '--' >> {out}
  zle -M "COMP""LETED"
}}
zle -N __complete_and_mark
bindkey '^T' __complete_and_mark
print -r -- RE''ADY
"""


def zsh_complete(fpath, lines):
    """Loads the generated _synack into an interactive zsh on a pseudo-terminal
    and completes after each of `lines` (complete-word, Tab's widget); returns
    the matches offered for each."""
    with tempfile.TemporaryDirectory() as d:
        out = os.path.join(d, "matches")
        setup = os.path.join(d, "setup.zsh")
        with open(setup, "w") as f:
            f.write(ZSH_SETUP.format(fpath=fpath, out=out))
        master, slave = pty.openpty()
        env = dict(os.environ, TERM="xterm", HOME=d, ZDOTDIR=d)
        p = subprocess.Popen(["zsh", "-f", "-i"], stdin=slave, stdout=slave, stderr=slave,
                             env=env, cwd=d, start_new_session=True)
        os.close(slave)
        seen = b""

        def expect(marker):
            nonlocal seen
            while marker not in seen:
                ready, _, _ = select.select([master], [], [], 30)
                if not ready:
                    raise AssertionError(f"zsh: no {marker!r} in {seen[-500:]!r}")
                seen += os.read(master, 65536)
            seen = seen[seen.index(marker) + len(marker):]

        try:
            os.write(master, f"source {setup}\n".encode())
            expect(b"READY")
            for line in lines:  # ^T completes; ^U clears the line for the next
                os.write(master, line.encode() + b"\x14")
                expect(b"COMPLETED")
                os.write(master, b"\x15")
            os.write(master, b"exit\n")
            p.wait(timeout=30)
        finally:
            if p.poll() is None:
                p.kill()
                p.wait()
            os.close(master)
        with open(out) as f:
            text = f.read()
        groups = [[]]
        for match in text.splitlines():
            if match == "--":
                groups.append([])
            elif match not in groups[-1]:
                groups[-1].append(match)
        return groups[:len(lines)]


def spawn_on_tty(*args, env=None):
    """Starts synack with stderr on a pseudo-terminal; collect() waits for it
    and returns (status, stderr bytes)."""
    master, slave = pty.openpty()
    p = subprocess.Popen([SYNACK, *args], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                         stderr=slave, env=env)
    os.close(slave)
    out = []

    def collect():
        while True:
            ready, _, _ = select.select([master], [], [], 300)
            if not ready:
                p.kill()
                break
            try:
                chunk = os.read(master, 65536)
            except OSError:  # EIO: the child closed the terminal
                break
            if not chunk:
                break
            out.append(chunk)
        os.close(master)
        return p.wait(timeout=60), b"".join(out)

    return collect


def wait_for_device(ns, kernel_addr):
    """Until synack's TUN device in `ns` has the kernel's address (bounded: 10 s)."""
    for _ in range(100):
        r = subprocess.run(["ip", "-n", ns, "addr", "show"], capture_output=True, text=True)
        if kernel_addr in r.stdout:
            return
        time.sleep(0.1)
    raise AssertionError(f"no device with {kernel_addr} in {ns}")


class Interop(CliCase):
    """Needs root: creates a network namespace and a TUN device."""

    def test_serve_and_fetch_status_lines_on_a_terminal_only(self):
        # --delay makes each transfer outlast the status line's 1 s tick.
        env = {k: v for k, v in os.environ.items() if k != "SYNACK_PROGRESS"}
        ns = f"synack-cli-s{os.getpid()}"
        collect = spawn_on_tty("serve", "--netns", ns, "--create-netns", "--tun", "sbcli1",
                               "--addr", "10.79.1.2/24", "--http-bytes", "256KiB", "--delay",
                               "300ms", "--connections", "1", "--max-time", "60s", env=env)
        wait_for_device(ns, "10.79.1.1")
        curl = subprocess.run(["ip", "netns", "exec", ns, "curl", "-sS", "--retry", "5",
                               "--retry-connrefused", "-o", "/dev/null", "-w", "%{size_download}",
                               "http://10.79.1.2/"], capture_output=True, text=True, timeout=120)
        status, tty = collect()
        self.assertEqual(curl.stdout, "262144", curl.stderr)
        self.assertEqual(status, 0, tty)
        self.assertIn(b"\r\x1b[Kconns est ", tty)
        self.assertIn(b"synack serve: done \xe2\x80\x94 1 connections finished", tty)
        self.assertFalse(os.path.exists(f"/var/run/netns/{ns}"))

        ns = f"synack-cli-f{os.getpid()}"
        subprocess.run(["ip", "netns", "add", ns], check=True)
        with tempfile.TemporaryDirectory() as d:
            page = os.urandom(256 * 1024)
            with open(os.path.join(d, "page.bin"), "wb") as f:
                f.write(page)
            web = subprocess.Popen(["ip", "netns", "exec", ns, "python3", "-m", "http.server",
                                    "8000", "--directory", d], stdout=subprocess.DEVNULL,
                                   stderr=subprocess.DEVNULL)
            try:
                for _ in range(100):  # until it listens (bounded: 10 s)
                    ss = subprocess.run(["ip", "netns", "exec", ns, "ss", "-ltn"],
                                        capture_output=True, text=True).stdout
                    if ":8000 " in ss:
                        break
                    time.sleep(0.1)
                fetch = ("fetch", "--netns", ns, "--tun", "sbcli2", "--addr", "10.79.2.2/24",
                         "--delay", "300ms", "--max-time", "60s", "-o",
                         os.path.join(d, "got.bin"), "http://10.79.2.1:8000/page.bin")
                status, tty = spawn_on_tty(*fetch, env=env)()
                self.assertEqual(status, 0, tty)
                self.assertIn(b"\r\x1b[Ksynack fetch: ", tty)
                self.assertIn("synack fetch: HTTP 200 \u2014 262144 bytes in ".encode(), tty)
                r = run(*fetch, "--quiet", env=env)  # piped and quiet: the summary only
                self.assertEqual(r.returncode, 0, r.stderr)
                self.assertNotIn("\r", r.stderr + r.stdout)
                self.assertRegex(r.stderr, r"synack fetch: HTTP 200 \u2014 262144 bytes in [\d.]+ s "
                                 rf"\([\d.]+ Mbit/s\), sha256 {hashlib.sha256(page).hexdigest()}\n$")
                with open(os.path.join(d, "got.bin"), "rb") as a, \
                        open(os.path.join(d, "page.bin"), "rb") as b:
                    self.assertEqual(a.read(), b.read())
            finally:
                web.kill()
                web.wait()
                subprocess.run(["ip", "netns", "del", ns], check=True)

    def test_failed_fetch_leaves_no_file_and_create_netns_cleans_up(self):
        ns = f"synack-cli-{os.getpid()}"
        with tempfile.TemporaryDirectory() as d:
            r = run("fetch", "--netns", ns, "--create-netns", "--tun", "sbcli0", "--addr",
                    "10.79.0.2/24", "--max-time", "5s", "-o", "got.bin",
                    "http://10.79.0.1:9/x", cwd=d)
            self.assertEqual(r.returncode, 1, r.stderr)
            self.assertRegex(r.stderr, r"synack fetch: http://10.79.0.1:9/x: ")
            self.assertNotIn("\r", r.stderr)  # piped: no status line
            self.assertEqual(os.listdir(d), [])
        self.assertFalse(os.path.exists(f"/var/run/netns/{ns}"))
        subprocess.run(["ip", "netns", "add", ns], check=True)
        try:
            self.assert_one_line_error(
                run("fetch", "--netns", ns, "--create-netns", "http://10.79.0.1/"), 1,
                "synack fetch: ", "exists already")
        finally:
            subprocess.run(["ip", "netns", "del", ns], check=True)


if __name__ == "__main__":
    SYNACK = os.path.abspath(sys.argv[1])
    CLI_DOCS = os.path.join(os.path.dirname(SYNACK), "cli-docs")
    interop = "--interop" in sys.argv
    loader = unittest.defaultTestLoader
    suite = unittest.TestSuite()
    for case in ([Interop] if interop else [Conventions, Units, AtomicOutput, Progress, Generated]):
        suite.addTests(loader.loadTestsFromTestCase(case))
    ok = unittest.TextTestRunner(verbosity=2).run(suite).wasSuccessful()
    sys.exit(0 if ok else 1)
