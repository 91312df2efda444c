#!/usr/bin/python3
"""Opens tcpsim reports in headless Chromium (Debian's chromium + chromium-driver, driven
by python3-selenium) and checks what a reader would see: the page loads with no console
error, one arrow per captured frame, stepping moves the cursor and the highlighted
transition of the state diagram, a click shows the packet's fields.

Usage: report_browser.py TCPSIM OUTDIR [--screenshots DIR] [--large]
Runs the built-in scenarios below through `TCPSIM run ... --pcap --report` and checks each
page; with --screenshots, saves one PNG per page there (docs/images/ keeps them); with
--large, also a 100 MB bulk transfer (about 105,000 segments), printing how long the page
took to load and to step (figures to read, not limits the test sets).
"""
import json
import os
import subprocess
import sys
import time

from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By

# (name, extra run arguments): the pages the docs show and the tests check.
CASES = [
    ("handshake", []),
    ("syn-loss", []),
    ("bulk-loss", ["bulk", "--set", "bytes=2MB", "--set", "link.loss=0.01"]),
    ("two-flows", ["dumbbell", "--set", "flows=2", "--set", "bytes=4MB"]),
    ("polling-vs-websocket", []),
]
LARGE = ("bulk-100MB", ["bulk", "--set", "bytes=100MB"])
# Pages `tcpsim inspect CAPTURE --report` writes from a capture alone (states inferred).
INSPECTED = ["handshake", "polling-vs-websocket"]


def fail(msg):
    print("FAIL: " + msg)
    sys.exit(1)


def browser():
    opts = Options()
    opts.binary_location = "/usr/bin/chromium"
    for a in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
              "--window-size=1400,1800", "--allow-file-access-from-files"):
        opts.add_argument(a)
    opts.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    return webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=opts)


def frame_count(pcap):
    # Wireshark's capinfos counts independently of tcpsim's own reader (and reads a
    # 100,000-frame capture in a fraction of a second, where a dissecting tshark takes
    # over a minute).
    out = subprocess.run(["capinfos", "-c", "-M", "-T", "-r", pcap],
                         capture_output=True, text=True, check=True).stdout
    return int(out.split()[-1])


def errors_in(driver):
    return [e for e in driver.get_log("browser") if e["level"] in ("SEVERE", "ERROR")]


def check_page(driver, name, html, frames, shots):
    start = time.monotonic()
    driver.get("file://" + os.path.abspath(html))
    for _ in range(600):
        if driver.execute_script("return document.body.dataset.ready === '1'"):
            break
        time.sleep(0.1)
    else:
        fail(f"{name}: the page never finished drawing; console: {driver.get_log('browser')}")
    loaded = time.monotonic() - start
    errs = errors_in(driver)
    if errs:
        fail(f"{name}: console errors: {errs}")
    r = "return window.tcpsimReport."
    driver.execute_script("window.tcpsimReport.showConnection(-1)")
    arrows = driver.execute_script(r + "ladderArrows()")
    segs = driver.execute_script(r + "segments()")
    if arrows != frames or segs != frames:
        fail(f"{name}: {arrows} arrows and {segs} segments for {frames} frames in the capture")
    # A short run fits on the screen: every frame is an arrow actually drawn on the canvas.
    drawn = driver.execute_script(r + "drawnArrows()")
    if frames <= 12 and drawn != frames:
        fail(f"{name}: {drawn} arrows drawn on the ladder for {frames} frames")
    # Stepping: the cursor moves forward and back.
    c0 = driver.execute_script(r + "cursor()")
    start = time.monotonic()
    driver.find_element(By.ID, "btn-fwd").click()
    stepped = time.monotonic() - start
    c1 = driver.execute_script(r + "cursor()")
    driver.find_element(By.ID, "btn-back").click()
    c2 = driver.execute_script(r + "cursor()")
    if not (c1 > c0 and c2 == c0):
        fail(f"{name}: stepping moved the cursor {c0} -> {c1} -> {c2}")
    # Next state change: the highlighted transition follows the cursor.
    seen = []
    for _ in range(6):
        driver.find_element(By.ID, "btn-next-state").click()
        seen.append(driver.execute_script(r + "highlightedTransition()"))
    highlighted = driver.find_elements(By.CSS_SELECTOR, "#diagram .edge.current")
    if not seen[0] or len(highlighted) != 1:
        fail(f"{name}: no highlighted transition after 'next state change': {seen}")
    if len(set(seen)) < 2:
        fail(f"{name}: the highlighted transition did not change while stepping: {seen}")
    # Clicking a segment shows its fields as a packet dissector would.
    driver.execute_script("window.tcpsimReport.selectSegment(0)")
    details = driver.execute_script(r + "details()")
    for want in ("Transmission Control Protocol", "Sequence Number: 0", "Flags:"):
        if want not in details:
            fail(f"{name}: the first segment's details lack '{want}': {details[:400]}")
    errs = errors_in(driver)
    if errs:
        fail(f"{name}: console errors after stepping: {errs}")
    if name == "polling-vs-websocket":  # the simulated run's page (the trace has messages)
        check_messages(driver)
    if shots:
        save_screenshots(driver, name, shots)
    print(f"ok {name}: {frames} frames, {arrows} arrows, transitions {seen[:3]}; "
          f"page ready in {loaded:.2f} s, one step in {stepped * 1000:.0f} ms, "
          f"{os.path.getsize(html) / 1e6:.1f} MB")


def save_screenshots(driver, name, shots):
    """The top of the page with the cursor on the third state change; for the message
    scenario also the messages panel. 1400x1000 pixels, as the docs show them."""
    driver.set_window_size(1400, 1000)
    time.sleep(0.3)
    driver.execute_script("const r = window.tcpsimReport; r.setCursor(0);"
                          "for (let i = 0; i < 3; i++) r.nextStateChange(); window.scrollTo(0, 0)")
    time.sleep(0.2)
    driver.save_screenshot(os.path.join(shots, f"report-{name}.png"))
    if name == "polling-vs-websocket":
        driver.execute_script("document.getElementById('msgs-table').scrollIntoView()")
        time.sleep(0.2)
        driver.save_screenshot(os.path.join(shots, f"report-{name}-messages.png"))
    driver.set_window_size(1400, 1800)


def check_messages(driver):
    """The page answers "why is polling slower than WebSocket": the events reach the poller
    later, and the time goes to waiting for the next poll (the "request" part)."""
    spans = driver.execute_script("return window.tcpsimReport.messageSpans()")
    groups = {g["key"]: g for g in driver.execute_script("return window.tcpsimReport.messageGroups()")}
    parts = driver.execute_script("return JSON.parse(document.getElementById('tcpsim-data').textContent).parts")
    poll = groups.get("server → poller (http)")
    push = groups.get("server → wsclient (websocket)")
    if not spans or not poll or not push:
        fail(f"polling-vs-websocket: message spans {spans}, groups {sorted(groups)}")
    req = parts.index("request")
    if not (poll["mean"] > 10 * push["mean"] and poll["parts"][req] > poll["mean"] / 2
            and push["parts"][req] == 0):
        fail(f"polling-vs-websocket: poller {poll}, websocket {push}")
    print(f"   messages: {spans} spans; to the poller {poll['mean'] / 1e6:.1f} ms "
          f"({poll['parts'][req] / 1e6:.1f} ms waiting for a request), "
          f"pushed {push['mean'] / 1e6:.1f} ms")


def main():
    if len(sys.argv) < 3:
        print(__doc__)
        sys.exit(2)
    tcpsim, outdir = sys.argv[1], sys.argv[2]
    rest = sys.argv[3:]
    shots = rest[rest.index("--screenshots") + 1] if "--screenshots" in rest else None
    cases = CASES + ([LARGE] if "--large" in rest else [])
    os.makedirs(outdir, exist_ok=True)
    driver = browser()
    try:
        for name, extra in cases:
            args = extra if extra else [name]
            pcap = os.path.join(outdir, name + ".pcap")
            html = os.path.join(outdir, name + ".html")
            subprocess.run([tcpsim, "run", *args, "--quiet", "--pcap", pcap, "--report", html],
                           check=True, stdout=subprocess.DEVNULL)
            check_page(driver, name, html, frame_count(pcap), shots)
        for name in INSPECTED:
            pcap = os.path.join(outdir, name + ".pcap")
            html = os.path.join(outdir, "inspected-" + name + ".html")
            subprocess.run([tcpsim, "inspect", pcap, "--quiet", "--report", html],
                           check=True, stdout=subprocess.DEVNULL)
            check_page(driver, "inspected " + name, html, frame_count(pcap), None)
    finally:
        driver.quit()


if __name__ == "__main__":
    main()
