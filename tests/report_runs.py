"""Real runs and a comparison of them, shared by the report test modules (tables, plots, pages)."""
from __future__ import annotations

import base64
import fcntl
import json
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from conftest import cli, needs

CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--hide-scrollbars"]           # the same layout in the window and in a full-page screenshot


def run_and_compare(results: Path, runs: dict[str, list[str]], samples: int, *data: str) -> tuple[Path, str]:
    """Each of ``runs`` (name -> overrides) run with the rules extractor, then compared into results/comparison
    with ``samples`` resamples of the paired test, on ``data`` (an override such as data=all, if any)."""
    for name, overrides in runs.items():
        done = cli("run", "extractor=rules", f"run_name={name}", f"results_dir={results}", "print_table=false",
                   *overrides)
        assert done.returncode == 0, done.stderr
    out = results / "comparison"
    folders = sorted(p.parent for p in results.glob("*/*/scores.json") if not p.parent.name.startswith("."))
    done = cli("compare", *map(str, folders), f"results_dir={results}", *data, "--out", str(out),
               "--samples", str(samples))
    assert done.returncode == 0, done.stderr
    return out, done.stdout


def scores_of(out: Path, name: str) -> dict:
    """The scores.json of the compared run ``name``."""
    [path] = (out.parent / name).glob("*/scores.json")
    return json.loads(path.read_text(encoding="utf-8"))


def chromium() -> str:
    path = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
    needs(path is not None, "the HTML report tests need Chromium: apt-get install chromium")
    return path


class Browser:
    """Headless Chromium driven over its DevTools pipe (no network, no extra package): open a page,
    evaluate JavaScript in it, take a full-page screenshot."""

    def __init__(self, width: int = 1400):
        self._profile = tempfile.TemporaryDirectory()
        chrome_in, self._send = os.pipe()
        self._receive, chrome_out = os.pipe()

        def as_fds_3_and_4():          # where --remote-debugging-pipe expects them
            high = [fcntl.fcntl(fd, fcntl.F_DUPFD, 10) for fd in (chrome_in, chrome_out)]
            os.dup2(high[0], 3)
            os.dup2(high[1], 4)

        self._process = subprocess.Popen(
            [chromium(), *CHROMIUM_FLAGS, f"--user-data-dir={self._profile.name}", "--remote-debugging-pipe",
             "about:blank"], preexec_fn=as_fds_3_and_4, close_fds=False,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os.close(chrome_in)
        os.close(chrome_out)
        self._pending, self._last_id, self.width = b"", 0, width
        target = self._call("Target.createTarget", url="about:blank")["targetId"]
        self._session = self._call("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]
        self._call("Page.enable", session=True)
        self._call("Emulation.setDeviceMetricsOverride", session=True, width=width, height=1000,
                   deviceScaleFactor=1, mobile=False)

    def _message(self) -> dict:
        while b"\0" not in self._pending:
            chunk = os.read(self._receive, 1 << 20)
            if not chunk:
                raise RuntimeError("Chromium closed its DevTools pipe")
            self._pending += chunk
        message, self._pending = self._pending.split(b"\0", 1)
        return json.loads(message)

    def _call(self, method: str, session: bool = False, **params) -> dict:
        self._last_id += 1
        message = {"id": self._last_id, "method": method, "params": params}
        if session:
            message["sessionId"] = self._session
        os.write(self._send, json.dumps(message).encode() + b"\0")
        while (reply := self._message()).get("id") != self._last_id:
            pass
        if "error" in reply:
            raise RuntimeError(f"{method}: {reply['error']}")
        return reply["result"]

    def open(self, page: Path) -> None:
        self._call("Page.navigate", session=True, url=page.as_uri())
        while self._message().get("method") != "Page.loadEventFired":
            pass

    def evaluate(self, expression: str):
        """The value of a JavaScript expression in the open page."""
        result = self._call("Runtime.evaluate", session=True, expression=expression, returnByValue=True,
                            awaitPromise=True)
        if "exceptionDetails" in result:
            raise RuntimeError(f"{expression}: {result['exceptionDetails']}")
        return result["result"].get("value")

    def screenshot(self, path: Path) -> Path:
        """The whole page, not only the window, as PNG: the window is made as tall as the page first."""
        height = 0
        after_layout = ("new Promise(done => requestAnimationFrame(() => requestAnimationFrame(() => "
                        "done(document.documentElement.scrollHeight))))")
        while height != (height := self.evaluate(after_layout)):
            self._call("Emulation.setDeviceMetricsOverride", session=True, width=self.width, height=height,
                       deviceScaleFactor=1, mobile=False)
        shot = self._call("Page.captureScreenshot", session=True, format="png")
        path.write_bytes(base64.b64decode(shot["data"]))
        return path

    def close(self) -> None:
        self._process.terminate()
        self._process.wait(timeout=30)
        os.close(self._send)
        os.close(self._receive)
        self._profile.cleanup()
