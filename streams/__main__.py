"""`python -m streams <command>`: the stream processes' commands in one place.

    python -m streams rebuild      count every aggregate again from the events topic, then switch
    python -m streams consumer     the aggregator (also `python -m streams.consumer`)
    python -m streams recorder     the recorder (also `python -m streams.recorder`)
    python -m streams notifier     the notifier (also `python -m streams.notifier`)

Exit status of rebuild: 0 switched, 1 failed or stopped (the live aggregates as they were for every
school not switched), 2 bad use."""
from __future__ import annotations

import argparse
import sys

PROCESSES = {"consumer": "streams.consumer", "recorder": "streams.recorder", "notifier": "streams.notifier"}


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] in PROCESSES:  # the long-running processes keep their own arguments
        import importlib

        importlib.import_module(PROCESSES[argv[0]]).main(argv[1:])
        return 0
    parser = argparse.ArgumentParser(prog="python -m streams", description="校园事件流 · the stream processes")
    commands = parser.add_subparsers(dest="command", required=True)
    for name in PROCESSES:
        commands.add_parser(name, help=f"run the {name} (python -m {PROCESSES[name]})")
    rebuild = commands.add_parser("rebuild", help="count every aggregate again from the events topic, then switch")
    rebuild.add_argument("--switch-timeout", type=float, default=300.0,
                         help="seconds to keep trying to switch once read to the end (default 300)")
    rebuild.add_argument("--log-level", type=str.upper, default=None)
    args = parser.parse_args(argv)
    return rebuild_command(args.switch_timeout, args.log_level)


def rebuild_command(switch_timeout: float, log_level: str | None = None) -> int:
    import signal
    import threading

    from kernel import logs
    from kernel.settings import Settings, SettingsError
    from streams.rebuild import Rebuild, RebuildFailed

    try:
        settings = Settings.from_env()
    except SettingsError as problem:
        print(f"python -m streams rebuild: {problem}", file=sys.stderr)
        return 2
    logs.setup("rebuild", settings, level=log_level)
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    try:
        Rebuild(settings).run(stop, switch_timeout_s=switch_timeout)
    except RebuildFailed as exc:
        print(f"\n重建失败：{exc.zh}（未切换的学校保留原有实时数据）\nrebuild failed: {exc} (schools not switched "
              "keep their live aggregates)", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
