"""Start-up: ``detector --help`` lists every command without importing them (or pandas/Numba)."""

from __future__ import annotations

import os
import subprocess
import sys

import click
import pytest
from click.testing import CliRunner

from detector import cli


def test_static_help_matches_imported_command() -> None:
    """The one-line help read from source is the one click derives from the imported command."""
    limit = 45
    for name, module in cli._command_modules().items():
        text = cli._static_help(module)
        assert text is not None, f"{name}: help not readable from source"
        imported = cli.main.get_command(click.Context(cli.main), name)
        static = click.Command(name, help=text).get_short_help_str(limit)
        assert static == imported.get_short_help_str(limit), name


def test_help_lists_every_command() -> None:
    out = CliRunner().invoke(cli.main, ["--help"])
    assert out.exit_code == 0
    for name in cli._command_modules():
        assert f"  {name} " in out.output


def test_help_and_version_import_no_heavy_module() -> None:
    code = (
        "import sys\n"
        "from detector.cli import main\n"
        "for args in (['--help'], ['--version']):\n"
        "    try:\n"
        "        main(args)\n"
        "    except SystemExit:\n"
        "        pass\n"
        "heavy = sorted(m for m in ('pandas', 'numba', 'numpy', 'pyarrow', 'igraph') if m in sys.modules)\n"
        "print('HEAVY=' + ','.join(heavy))\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "HEAVY=\n" in proc.stdout or proc.stdout.rstrip().endswith("HEAVY="), proc.stdout


@pytest.mark.parametrize("source", ["def command():\n    '''Doc.'''\n", "x = 1\n"])
def test_static_help_needs_a_click_decorator(tmp_path, monkeypatch, source) -> None:
    """A module whose ``command`` is not a decorated function falls back to importing."""
    (tmp_path / "cmd_fake.py").write_text(source, encoding="utf-8")
    monkeypatch.setattr(cli, "__file__", str(tmp_path / "__init__.py"))
    assert cli._static_help("detector.cli.cmd_fake") is None


def _program(argv: list[str], before: str = "") -> subprocess.CompletedProcess:
    """Run ``detector ARGV`` as the console script does (arguments from sys.argv)."""
    code = f"import sys\n{before}from detector.cli import main\nsys.argv = ['detector', *{argv!r}]\nmain()\n"
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)


def test_program_exit_keeps_status_output_and_atexit_handlers() -> None:
    """The fast exit (no interpreter teardown) still runs atexit handlers, flushes and keeps the status."""
    handler = "import atexit\natexit.register(lambda: print('HANDLER RAN', flush=True))\n"
    ok = _program(["--version"], handler)
    assert ok.returncode == 0 and "detector, version" in ok.stdout and ok.stdout.rstrip().endswith("HANDLER RAN")
    usage = _program(["hashtag"], handler)
    assert usage.returncode == 2 and "Missing argument 'TAG'" in usage.stderr and "HANDLER RAN" in usage.stdout


def test_program_exit_status_of_a_message_and_a_live_thread() -> None:
    assert cli._exit_status(None) == 0 and cli._exit_status(3) == 3 and cli._exit_status(256 + 1) == 1
    # a non-daemon thread still running: the normal exit, which waits for it
    waiter = (
        "import threading, time\n"
        "threading.Thread(target=lambda: (time.sleep(0.3), print('THREAD DONE', flush=True))).start()\n"
    )
    proc = _program(["--version"], waiter)
    assert proc.returncode == 0 and "THREAD DONE" in proc.stdout


def test_scan_path_leaves_unused_libraries_unimported() -> None:
    """A quiet scan's modules do not import networkx (only ``to_networkx`` needs it) or tqdm (bars are off)."""
    code = (
        "import sys\n"
        "import detector.cli.cmd_hashtag, detector.cli.cmd_account, detector.pipeline, detector.officials\n"
        "from detector import progress\n"
        "progress.set_quiet(True)\n"
        "assert list(progress.progress(range(2), desc='x')) == [0, 1]\n"
        "with progress.stage('a', ('a',)):\n"
        "    pass\n"
        "print('LOADED=' + ','.join(sorted(m for m in ('networkx', 'tqdm', 'asyncio') if m in sys.modules)))\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert proc.stdout.rstrip().endswith("LOADED="), proc.stdout


def test_frozen_imports_only_in_the_program(monkeypatch) -> None:
    """In-process runs (tests, scripts) never freeze or stop the collector; the program gets it back on."""
    import gc

    before = gc.get_freeze_count()
    monkeypatch.setattr(cli, "_PROGRAM", False)
    with cli.frozen_imports():
        assert gc.isenabled()
    assert gc.get_freeze_count() == before
    code = (
        "import gc\nfrom detector import cli\ncli._PROGRAM = True\n"
        "with cli.frozen_imports():\n    off = not gc.isenabled()\n    junk = [[] for _ in range(1000)]\n"
        "print('OK' if off and gc.isenabled() and gc.get_freeze_count() > 0 else 'BAD')\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert proc.stdout.strip() == "OK", proc.stdout


def test_program_environment_defaults_keep_a_given_value() -> None:
    """The program sets OMP_WAIT_POLICY=PASSIVE for its kernels unless the user set it."""
    show = "import atexit, os\natexit.register(lambda: print('POLICY=' + os.environ.get('OMP_WAIT_POLICY', '')))\n"
    env = {k: v for k, v in os.environ.items() if k != "OMP_WAIT_POLICY"}
    code = f"import sys\n{show}from detector.cli import main\nsys.argv = ['detector', '--version']\nmain()\n"
    default = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env)
    assert default.stdout.rstrip().endswith("POLICY=PASSIVE"), default.stdout
    given = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env={**env, "OMP_WAIT_POLICY": "ACTIVE"}
    )
    assert given.stdout.rstrip().endswith("POLICY=ACTIVE"), given.stdout
