"""Serve the platform with its background worker and periodic-job runner (``make run``).

Ctrl-C stops all three.
"""

import os
import signal
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
ADDRESS = os.environ.get("HUUNGHI_ADDRESS", "127.0.0.1:8000")


def main() -> int:
    os.chdir(ROOT)
    commands = {
        "worker": [PYTHON, "manage.py", "db_worker", "--queue-name", "*", "--no-reload"],
        "periodic": [PYTHON, "manage.py", "run_periodic", "--loop"],
        "web": [PYTHON, "manage.py", "runserver", ADDRESS],
    }
    processes = {name: subprocess.Popen(cmd) for name, cmd in commands.items()}  # noqa: S603
    print(f"Hữu Nghị: http://{ADDRESS}/admin/  (Ctrl-C để dừng / to stop)", flush=True)
    try:
        while True:
            for name, proc in processes.items():
                code = proc.poll()
                if code is not None:
                    print(f"{name} stopped with exit code {code}", file=sys.stderr)
                    return code
            try:
                processes["web"].wait(timeout=1)
            except subprocess.TimeoutExpired:
                continue
    except KeyboardInterrupt:
        return 0
    finally:
        for proc in processes.values():
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        for proc in processes.values():
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()


if __name__ == "__main__":
    sys.exit(main())
