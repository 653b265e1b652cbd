#!/usr/bin/env python3
"""shots.py PORT LOG — sign in to the staff console of a `make run` server and screenshot every console page.

Runs headless on the system Chromium (/usr/bin/chromium); creates its own venv (tools/newcomer/.venv-shots, with
Playwright but no downloaded browser) on first run and re-executes itself in it. LOG is the server's
stdout+stderr: the staff phone ("sign in as ... with +91...") and the console SMS codes are read from it.
Run after walk.sh, so the console has members, events, orders and a campaign to show.

A page fails on: a document or sub-request answered >= 400, a console error or page error, any request to a
host other than this server (the console must need no internet; such requests are blocked and counted), or no
stylesheet applied. Screenshots go to /tmp/shots/<name>.png. Prints one line per page and "N pages, K failed";
exits 1 when any page failed.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

VENV = Path(__file__).resolve().parent / ".venv-shots"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
SHOTS = Path(os.environ.get("SHOTS_DIR", "/tmp/shots"))
LOCAL_HOSTS = {"127.0.0.1", "localhost", "[::1]", "::1"}


def ensure_venv() -> None:
    """Re-run inside the private venv, creating it (pip install playwright, no browser download) if needed."""
    python = VENV / "bin" / "python"
    if Path(sys.prefix).resolve() == VENV.resolve():
        return
    if not python.exists() or subprocess.run([python, "-c", "import playwright"], capture_output=True).returncode:
        print(f"creating {VENV} (playwright, system chromium)", flush=True)
        env = dict(os.environ, PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD="1")
        uv = shutil.which("uv") or next(
            (str(p) for p in (Path(__file__).resolve().parents[2] / ".tools/bin/uv",) if os.access(p, os.X_OK)),
            None,
        )
        if uv:
            subprocess.run([uv, "venv", "-q", "--allow-existing", str(VENV)], check=True, env=env)
            subprocess.run(
                [uv, "pip", "install", "-q", "--python", str(python), "playwright"], check=True, env=env
            )
        else:
            subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
            subprocess.run([python, "-m", "pip", "install", "-q", "playwright"], check=True, env=env)
    os.execv(str(python), [str(python), __file__, *sys.argv[1:]])


def staff_phone(log: Path) -> str:
    found = re.findall(r"sign in as (?:staff|a superuser) with (\+\d+)", log.read_text(errors="replace"))
    return found[-1] if found else "+919000000001"


def code_after(log: Path, phone: str, offset: int, timeout: float = 15) -> str:
    """The newest console-SMS code to PHONE printed after byte OFFSET of the log (it masks all but 2 digits)."""
    pattern = re.compile(r"\[console-sms\] to \+\d*\**" + re.escape(phone[-2:]) + r": .*?code is (\d{4})")
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with log.open("rb") as fh:
            fh.seek(offset)
            codes = pattern.findall(fh.read().decode(errors="replace"))
        if codes:
            return codes[-1]
        time.sleep(0.25)
    raise SystemExit(f"no SMS code for {phone} in {log} after sign-in was asked")


def walk_env() -> dict[str, str]:
    env: dict[str, str] = {}
    path = Path("/tmp/walk.env")
    if path.exists():
        for line in path.read_text().splitlines():
            if "=" in line:
                key, value = line.split("=", 1)
                env[key] = value
    return env


def main() -> int:
    if len(sys.argv) != 3:
        print(__doc__)
        return 2
    ensure_venv()
    from playwright.sync_api import sync_playwright

    port, log = sys.argv[1], Path(sys.argv[2])
    base = f"http://127.0.0.1:{port}"
    phone = staff_phone(log)
    SHOTS.mkdir(parents=True, exist_ok=True)
    env = walk_env()
    results: list[tuple[str, str, list[str]]] = []

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox"])
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        problems: list[str] = []

        def outside(route, request) -> None:  # type: ignore[no-untyped-def]
            host = re.sub(r":\d+$", "", request.url.split("/")[2]) if "://" in request.url else ""
            if request.url.startswith(("data:", "blob:", "about:")) or host in LOCAL_HOSTS:
                route.continue_()
            else:
                problems.append(f"request to a non-local host: {request.url}")
                route.abort()

        context.route("**/*", outside)
        page = context.new_page()
        page.on("console", lambda m: problems.append(f"console {m.type}: {m.text}") if m.type == "error" else None)
        page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
        page.on(
            "response",
            lambda r: problems.append(f"HTTP {r.status} {r.request.method} {r.url}") if r.status >= 400 else None,
        )

        def shoot(name: str, path: str, expect: str | None = None) -> None:
            problems.clear()
            try:
                response = page.goto(base + path, wait_until="networkidle")
                if response is None:
                    problems.append("no response")
                styled = page.evaluate(
                    "() => [...document.styleSheets]"
                    ".some(s => { try { return s.cssRules.length > 0 } catch (e) { return false } })"
                )
                if not styled:
                    problems.append("no stylesheet applied")
                if expect and expect not in page.url:
                    problems.append(f"landed on {page.url}")
                page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)
            except Exception as exc:
                problems.append(f"{type(exc).__name__}: {str(exc).splitlines()[0]}")
            status = "FAILED" if problems else "ok"
            results.append((name, status, list(problems)))
            print(f"{status:6} {name:22} {path}" + "".join(f"\n         {p}" for p in problems), flush=True)

        # -- sign in: phone, then the code printed by the console SMS (the resend rule may ask us to wait)
        shoot("login", "/admin/login")
        for attempt in range(4):
            offset = log.stat().st_size
            page.goto(base + "/admin/login")
            page.fill("input[name=phone_number]", phone)
            page.click("[data-testid=send-code]")
            page.wait_for_load_state("networkidle")
            if "/admin/login/code" in page.url:
                break
            error = page.locator("[data-testid=error]")
            text = error.inner_text() if error.count() else page.inner_text("body")[:200]
            wait = re.search(r"(\d+)\s*seconds?", text)
            if not wait or attempt == 3:
                raise SystemExit(f"staff sign-in refused: {text}")
            print(f"       (sign-in: {text.strip()} — waiting)", flush=True)
            time.sleep(int(wait.group(1)) + 1)
        page.fill("input[name=otp_code]", code_after(log, phone, offset))
        page.click("[data-testid=verify-code]")
        page.wait_for_load_state("networkidle")
        if "/admin/login" in page.url:
            raise SystemExit(f"staff sign-in failed: {page.inner_text('body')[:300]}")
        print(f"       signed in to the console as {phone}", flush=True)

        def first_link(list_path: str, pattern: str) -> str | None:
            page.goto(base + list_path, wait_until="networkidle")
            for href in page.eval_on_selector_all("a[href]", "els => els.map(e => e.getAttribute('href'))"):
                if href and re.fullmatch(pattern, href.split("?")[0]):
                    return href
            return None

        def shoot_or_skip(name: str, path: str | None, expect: str, why: str) -> None:
            if path:
                shoot(name, path, expect)
            else:
                print(f"skip   {name:22} ({why})")

        # -- every screen of the console (routes of src/loopin/entrypoints/admin/*.py)
        shoot("dashboard", "/admin", "/admin")
        shoot("members", "/admin/members", "/admin/members")
        shoot("members_search", "/admin/members?q=Asha", "/admin/members")
        member = first_link("/admin/members", r"/admin/members/\d+")
        shoot("member", member or "/admin/members/1", "/admin/members/")
        shoot("events", "/admin/events", "/admin/events")
        event = first_link("/admin/events", r"/admin/events/\d+")
        if env.get("PAID_EVENT"):
            event = f"/admin/events/{env['PAID_EVENT']}"
        shoot("event", event or "/admin/events/1", "/admin/events/")
        shoot("orders", "/admin/orders", "/admin/orders")
        order = first_link("/admin/orders", r"/admin/orders/[A-Za-z0-9]+")
        if not order and env.get("ORDER_TXNID"):
            order = f"/admin/orders/{env['ORDER_TXNID']}"
        shoot_or_skip("order", order, "/admin/orders/", "no order: run walk.sh first")
        shoot("payouts", "/admin/payouts", "/admin/payouts")
        shoot("payouts_all", "/admin/payouts?status=all", "/admin/payouts")
        payout = first_link("/admin/payouts?status=all", r"/admin/payouts/\d+")
        shoot_or_skip("payout", payout, "/admin/payouts/", "no payout: walk.sh pays the demo host's out")
        shoot("campaigns", "/admin/campaigns", "/admin/campaigns")
        shoot("campaign_new", "/admin/campaigns/new", "/admin/campaigns/new")
        shoot("campaign_templates", "/admin/campaigns/templates", "/admin/campaigns/templates")
        campaign = first_link("/admin/campaigns", r"/admin/campaigns/\d+")
        shoot_or_skip("campaign", campaign, "/admin/campaigns/", "no campaign: run walk.sh first")
        shoot("fee", "/admin/fee", "/admin/fee")
        shoot("audit", "/admin/audit", "/admin/audit")
        shoot("audit_filtered", "/admin/audit?action=payment_order.", "/admin/audit")
        shoot("leads", "/admin/leads", "/admin/leads")
        shoot("step_up", "/admin/step-up?next=/admin/fee", "/admin/")
        # a phone-sized view of the busiest page
        page.set_viewport_size({"width": 390, "height": 844})
        shoot("event_phone", event or "/admin/events/1", "/admin/events/")
        # -- hostile console URLs: each must be refused or shown, never a 5xx (counted as pages)
        big = "9" * 30
        probes = [
            ("GET", "/admin/members/9223372036854775808", "404"),
            ("GET", "/admin/events/-1", "404"),
            ("GET", f"/admin/payouts/{big}", "404"),
            ("GET", "/admin/campaigns/0", "404"),
            ("GET", "/admin/orders/" + "A" * 5000, "404|422"),
            ("GET", "/admin/orders/LP%00X", "404|422"),
            ("GET", "/admin/members?q=%00", "400|422"),
            ("GET", "/admin/members?q=%ff%fe", "400|422"),
            ("GET", f"/admin/members?page={big}", "200|400|422"),
            ("GET", "/admin/members?page=-1&sort=nonsense&status=bogus", "200|400|422"),
            ("GET", f"/admin/events?q={'x' * 3000}", "200|400|422"),
            ("GET", f"/admin/audit?before={big}", "200|400|422"),
            ("GET", "/admin/audit?action=%00", "400|422"),
            ("GET", "/admin/payouts?status=bogus", "200|400|422"),
            ("GET", f"/admin/orders?event={big}", "200|400|422"),
            ("GET", "/admin/campaigns/new?template=no_such_template", "200|400|404|422"),
            ("POST", "/admin/fee/change", "403"),
            ("POST", "/admin/members/admit", "403"),
        ]
        for method, path, expected in probes:
            try:
                answer = context.request.fetch(base + path, method=method, max_redirects=0)
                status = str(answer.status)
            except Exception as exc:
                status = f"error {type(exc).__name__}"
            bad = status not in expected.split("|") or status.startswith("5")
            results.append((f"probe {method} {path[:60]}", "FAILED" if bad else "ok", [] if not bad else [status]))
            print(
                f"{'FAILED' if bad else 'ok':6} {'probe':22} {method} {path[:80]} exp={expected} got={status}",
                flush=True,
            )
        browser.close()

    pages = [r for r in results if not r[0].startswith("probe ")]
    probes = [r for r in results if r[0].startswith("probe ")]
    failed_pages = [r for r in pages if r[1] != "ok"]
    failed_probes = [r for r in probes if r[1] != "ok"]
    print(f"\n{len(probes)} hostile console probes, {len(failed_probes)} failed")
    print(f"{len(pages)} pages, {len(failed_pages)} failed (screenshots in {SHOTS})")
    return 1 if failed_pages or failed_probes else 0


if __name__ == "__main__":
    sys.exit(main())
