#!/usr/bin/env python3
"""The synack CLI's conventions, end to end (docs/README.md, `synack --help`):
exit status 0/1/2, one-line errors "synack COMMAND: PROBLEM", unit parsing,
atomic output files, progress only on a terminal.

    cli_test.py SYNACK            # the unit cases (no root needed); the generated
                                  # completions and man pages beside SYNACK in cli-docs/
    cli_test.py SYNACK --interop  # the TUN cases (root: namespaces, TUN devices)
"""
import os
import pty
import re
import select
import signal
import subprocess
import sys
import tempfile
import time
import unittest

SYNACK = ""
CLI_DOCS = ""


def run(*args, stdin=subprocess.DEVNULL, cwd=None, env=None):
    return subprocess.run([SYNACK, *args], stdin=stdin, capture_output=True, text=True,
                          cwd=cwd, env=env, timeout=300)


def run_on_tty(*args, env=None):
    """Runs synack with stderr on a pseudo-terminal; returns (status, stderr bytes)."""
    master, slave = pty.openpty()
    p = subprocess.Popen([SYNACK, *args], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                         stderr=slave, env=env)
    os.close(slave)
    out = b""
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
        out += chunk
    os.close(master)
    return p.wait(timeout=60), out


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
        for cmd in ["demo", "sim", "drill", "draw", "serve", "fetch", "connect", "states"]:
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

    def test_own_usage_errors_exit_2(self):
        self.assert_one_line_error(run("demo", "no-such-scenario"), 2, "synack demo: ",
                                   '"no-such-scenario"')
        self.assert_one_line_error(run("demo", "lost-third-ak"), 2, "synack demo: ",
                                   'did you mean "lost-third-ack"')
        self.assert_one_line_error(run("fetch", "ftp://x/"), 2, "synack fetch: ", "http://")
        self.assert_one_line_error(run("connect", "nowhere"), 2, "synack connect: ", "a.b.c.d:port")
        self.assert_one_line_error(run("serve"), 2, "synack serve: ", "--echo")
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


class Generated(CliCase):
    """The completions and man pages generated at build time (scripts/gen_cli_docs.py)."""

    def test_man_pages_render_without_warnings(self):
        man = os.path.join(CLI_DOCS, "man")
        pages = sorted(os.listdir(man))
        self.assertIn("synack.1", pages)
        for cmd in ["demo", "sim", "drill", "draw", "serve", "fetch", "connect", "states"]:
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


class Interop(CliCase):
    """Needs root: creates a network namespace and a TUN device."""

    def test_failed_fetch_leaves_no_file_and_create_netns_cleans_up(self):
        ns = f"synack-cli-{os.getpid()}"
        with tempfile.TemporaryDirectory() as d:
            r = run("fetch", "--netns", ns, "--create-netns", "--tun", "sbcli0", "--addr",
                    "10.79.0.2/24", "--max-time", "5s", "-o", "got.bin",
                    "http://10.79.0.1:9/x", cwd=d)
            self.assertEqual(r.returncode, 1, r.stderr)
            self.assertRegex(r.stderr, r"synack fetch: http://10.79.0.1:9/x: ")
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
