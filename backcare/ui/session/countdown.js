// The guided session's focus view: a countdown drawn in the browser from the step's end time.
//
// The kernel (backcare/ui/session/app.py) owns the session: steps, pause, skip, the record.
// It sends the timeline once (`plan`) and a message at each change (`run`: which step, how
// long is left, on the kernel's monotonic clock). This view turns the kernel's end time into
// its own clock (offset measured from the heartbeats it sends, like NTP: the sample with the
// shortest round trip wins), draws the ring and the number ~25 times a second, moves on to the
// next step by itself at the end time, and speaks the cues the kernel planned. No message
// per second crosses the network.
//
// It also reports heartbeats and visibility (so the kernel can pause when no view is left),
// holds a screen wake lock while a session runs, and turns keys into actions:
// Space pause/resume, Right skip, Left back, Escape stop (asks first).

const BC_FRAME_MS = 40;
const BC_BEAT_MS = 1000;
const BC_STALE_CUE_S = 1.0;

// The whole session's time left, as the planner writes lengths: seconds under a minute,
// then whole minutes (rounded up, so "about 1 min" never hides 80 seconds).
function leftText(seconds) {
  return seconds < 60 ? `${Math.ceil(seconds)} s left` : `about ${Math.ceil(seconds / 60)} min left`;
}

function bcNow() {
  return performance.now() / 1000;
}

function bcClock(seconds) {
  const s = Math.max(0, Math.floor(seconds));
  const m = Math.floor(s / 60);
  const r = s % 60;
  return m ? `${m}:${String(r).padStart(2, "0")}` : String(r);
}

function bcEl(tag, cls, parent, text) {
  const node = document.createElement(tag);
  if (cls) node.className = cls;
  if (text !== undefined) node.textContent = text;
  if (parent) parent.appendChild(node);
  return node;
}

function bcTyping(target) {
  if (!target || !target.closest) return false;
  return Boolean(target.closest("input, textarea, select, [contenteditable=''], " +
    "[contenteditable='true'], .cm-editor, .CodeMirror"));
}

function render({ model, el }) {
  const viewId = Math.random().toString(36).slice(2);
  const sounds = new BcSounds();
  const clock = { offset: null, rtt: Infinity, samples: [] };
  let anchor = null; // {index, entry, state, end, start, remaining, elapsed}
  let shown = { index: -1, entry: -1 };
  const fired = new Set();
  let firstCueSpokenAt = -Infinity;
  let confirmOpen = false;
  let timers = [];
  let wakeAt = null;
  let wakeTimer = null;

  // -- the page ---------------------------------------------------------------------------
  el.classList.add("bc-host");
  const root = bcEl("div", "bc-focus", el);
  root.tabIndex = -1;
  root.setAttribute("data-lm-suppress-shortcuts", "true");
  const figure = bcEl("div", "bc-figure", root);
  const ringBox = bcEl("div", "bc-ring", root);
  ringBox.innerHTML =
    '<svg viewBox="0 0 100 100" aria-hidden="true">' +
    '<circle class="bc-ring-track" cx="50" cy="50" r="45"></circle>' +
    '<circle class="bc-ring-fill" cx="50" cy="50" r="45" transform="rotate(-90 50 50)">' +
    "</circle></svg>";
  const ringFill = ringBox.querySelector(".bc-ring-fill");
  const RING = 2 * Math.PI * 45;
  ringFill.style.strokeDasharray = `${RING}`;
  const face = bcEl("div", "bc-face", ringBox);
  const number = bcEl("div", "bc-number", face, "–");
  number.setAttribute("role", "timer");
  number.setAttribute("aria-live", "off");
  const label = bcEl("div", "bc-label", face, "");
  const info = bcEl("div", "bc-info", root);
  const title = bcEl("div", "bc-title", info);
  const where = bcEl("div", "bc-where", info);
  const rep = bcEl("div", "bc-rep", info);
  const next = bcEl("div", "bc-next", info);
  const detail = bcEl("div", "bc-detail", info);
  const bar = bcEl("div", "bc-bar", info);
  const barFill = bcEl("div", "bc-bar-fill", bar);
  const progressText = bcEl("div", "bc-progress-text", info);
  const notice = bcEl("div", "bc-notice", info);
  notice.setAttribute("role", "status");
  const tools = bcEl("div", "bc-tools", root);
  const fullButton = bcEl("button", "bc-full", tools, "Full screen");
  fullButton.type = "button";
  fullButton.title = "Show the session on the whole screen (Esc leaves)";
  const confirmBox = bcEl("div", "bc-confirm", root);
  bcEl("span", "bc-confirm-text", confirmBox,
    "Stop the session? What you have done so far is kept.");
  const confirmStop = bcEl("button", "bc-confirm-stop", confirmBox, "Stop (Enter)");
  const confirmKeep = bcEl("button", "bc-confirm-keep", confirmBox, "Keep going (Esc)");
  confirmStop.type = confirmKeep.type = "button";

  const app = () => el.closest(".backcare-session");

  // -- talking to the kernel --------------------------------------------------------------
  const send = (message) => {
    try { model.send(message); } catch (error) { /* the kernel is gone */ }
  };
  // A heartbeat a second; the kernel answers with its clock only when asked: often at first,
  // then every half minute (the clocks drift apart slowly), so it sends nothing per second.
  let lastSync = -Infinity;
  const beat = () => {
    const now = bcNow();
    const sync = clock.samples.length < 8 || now - lastSync > 30;
    if (sync) lastSync = now;
    send({ type: "beat", view: viewId, t: now, sync,
      visible: document.visibilityState === "visible" });
  };
  const notes = { wake: "", voice: "" };
  const showNotes = () => {
    const text = [notes.wake, notes.voice].filter(Boolean).join(" ");
    if (notice.textContent !== text) notice.textContent = text;
  };
  const wake = new BcWakeLock((status, why) => {
    send({ type: "wake", status, detail: why });
    root.dataset.wake = status;
    if (status === "refused" || status === "unsupported") {
      notes.wake = "The browser did not keep the screen on (" + why + "): " +
        "tap the screen now and then, or lengthen the screen-off time in your settings.";
    } else if (status === "held") {
      notes.wake = "";
    }
    showNotes();
  });

  const onMessage = (message) => {
    if (!message || message.type !== "clock") return;
    const now = bcNow();
    const rtt = now - message.t;
    if (rtt < 0 || rtt > 5) return;
    clock.samples.push({ rtt, offset: message.k - (message.t + now) / 2 });
    if (clock.samples.length > 20) clock.samples.shift();
    const best = clock.samples.reduce((a, b) => (b.rtt < a.rtt ? b : a));
    const first = clock.offset === null;
    clock.offset = best.offset;
    clock.rtt = best.rtt;
    if (first) setAnchor(); // re-read the end time on the better clock
  };
  model.on("msg:custom", onMessage);

  // -- the timeline in the browser --------------------------------------------------------
  const plan = () => model.get("plan") || { steps: [] };
  const steps = () => plan().steps || [];
  const settings = () => model.get("settings") || {};

  function setAnchor() {
    const run = model.get("run") || {};
    const list = steps();
    if (!list.length || run.index === undefined || run.index === null) {
      anchor = null;
      return;
    }
    const step = list[run.index];
    const receivedAt = bcNow();
    // The kernel's time `k` on this page's clock; before the first heartbeat comes back,
    // the moment the message arrived stands in for the moment it was sent.
    const toPage = (k) => (clock.offset === null ? receivedAt + (k - run.k_now) : k - clock.offset);
    anchor = {
      index: run.index,
      entry: run.entry || 0,
      state: run.state,
      run: run.run_id || 0,
      remaining: run.remaining || 0,
      elapsed: run.elapsed || 0,
      end: step && !step.self_paced ? toPage(run.k_now + (run.remaining || 0)) : null,
      start: toPage(run.k_now - (run.elapsed || 0)),
    };
  }

  // Where the session is now, on this page's clock: the step, its time left and elapsed.
  function where_now(now) {
    if (!anchor) return null;
    const list = steps();
    let { index, entry, end, start } = anchor;
    if (anchor.state !== "running") {
      return { index, entry, remaining: anchor.remaining, elapsed: anchor.elapsed };
    }
    // Run on by itself past the end time, as the kernel will, until told otherwise.
    while (end !== null && now >= end && index + 1 < list.length) {
      index += 1;
      entry += 1;
      start = end;
      const step = list[index];
      if (step.kind === "done" || step.self_paced) {
        end = step.kind === "done" ? start : null;
        break;
      }
      end = start + step.seconds;
    }
    const step = list[index];
    if (step.kind === "done") return { index, entry, remaining: 0, elapsed: 0, done: true };
    const elapsed = Math.max(0, now - start);
    const remaining = end === null ? Math.max(0, step.seconds - elapsed) : Math.max(0, end - now);
    return { index, entry, remaining, elapsed, end };
  }

  // -- drawing ----------------------------------------------------------------------------
  function showStep(step, run) {
    const over = run.state === "finished";
    root.dataset.kind = step.kind;
    title.textContent = over && run.headline ? run.headline : step.title;
    where.textContent = over ? "" : step.where || "";
    next.textContent = over || !step.next ? "" : "Next: " + step.next;
    detail.textContent = over ? run.note || "" : step.detail || "";
    const picture = step.figure ? (plan().figures || {})[step.figure] || "" : "";
    if (figure.dataset.key !== (step.figure || "")) {
      figure.innerHTML = picture; // our own drawing (backcare.figures), never user text
      figure.dataset.key = step.figure || "";
    }
    figure.classList.toggle("bc-mirror", Boolean(step.mirror));
    figure.classList.toggle("bc-still", run.state !== "running"); // a moving picture waits
    // The picture's place is kept for every step once the plan has pictures (no jump).
    root.classList.toggle("bc-has-figure", steps().some((s) => Boolean(s.figure)));
  }

  function draw() {
    const run = model.get("run") || {};
    const list = steps();
    root.dataset.state = run.state || "ready";
    root.classList.toggle("bc-paused", run.state === "paused");
    if (!list.length) return;
    const now = bcNow();
    const at = where_now(now) || { index: 0, entry: 0, remaining: list[0].seconds, elapsed: 0 };
    at.index = Math.max(0, Math.min(list.length - 1, at.index));
    const step = list[at.index];
    if (at.index !== shown.index || at.entry !== shown.entry || run.state !== shown.state ||
        run.seq !== shown.seq) {
      const changed = at.index !== shown.index || at.entry !== shown.entry;
      shown = { index: at.index, entry: at.entry, state: run.state, seq: run.seq };
      root.dataset.step = String(at.index);
      showStep(step, run);
      if (changed && shown.state === "running") flash();
    }
    const finished = run.state === "finished" || Boolean(at.done);
    let fraction;
    number.classList.toggle("bc-word", Boolean(finished && run.stopped));
    if (finished) {
      number.textContent = run.stopped ? "Stopped" : "✓";
      label.textContent = run.stopped ? "" : "finished";
      fraction = run.stopped ? 0 : 1;
    } else if (step.self_paced) {
      number.textContent = bcClock(at.elapsed);
      label.textContent = "press Done";
      fraction = step.seconds ? Math.min(1, at.elapsed / step.seconds) : 0;
    } else {
      number.textContent = bcClock(Math.ceil(at.remaining - 1e-6));
      label.textContent = run.state === "paused" ? "paused" : step.label || "";
      fraction = step.seconds ? 1 - at.remaining / step.seconds : 0;
    }
    ringFill.style.strokeDashoffset = `${RING * (1 - Math.max(0, Math.min(1, fraction)))}`;
    rep.textContent = finished ? "" : repText(step, at.elapsed);
    const total = plan().total || 0;
    const done = finished && !run.stopped ? total
      : (step.before || 0) + Math.min(step.seconds, at.elapsed);
    barFill.style.width = `${total ? Math.min(100, (100 * done) / total) : 0}%`;
    progressText.textContent = finished ? "" :
      `Step ${at.index + 1} of ${list.length} · ${leftText(Math.max(0, total - done))}`;
    if (run.state === "running" && !finished) {
      speak(step, at);
      // Wake exactly at the step's end (the frame timer alone could be up to a frame late).
      if (at.end !== undefined && at.end !== null && at.end !== wakeAt) {
        wakeAt = at.end;
        clearTimeout(wakeTimer);
        wakeTimer = setTimeout(draw, Math.max(0, (at.end - bcNow()) * 1000));
      }
    }
    if (finished && run.state === "running") speak(step, at); // the end, before the kernel says
  }

  function repText(step, elapsed) {
    if (step.kind !== "reps" || !step.reps) return "";
    if (step.self_paced) return `${step.reps} reps at your own pace: press Done when the set is finished`;
    const per = step.rep_seconds || 1;
    const done = Math.floor(elapsed / per);
    const n = Math.min(step.reps, done + 1);
    let into = done < step.reps ? elapsed - done * per : per;
    let phase = "";
    for (const [length, word] of step.phases || []) {
      if (into < length) { phase = word; break; }
      into -= length;
    }
    if (!phase && step.phases && step.phases.length) phase = step.phases[step.phases.length - 1][1];
    return `Rep ${n} of ${step.reps}` + (phase ? `: ${phase}` : "");
  }

  function flash() {
    root.classList.remove("bc-flash");
    void root.offsetWidth; // restart the animation
    root.classList.add("bc-flash");
  }

  // -- voice and sound --------------------------------------------------------------------
  function speak(step, at) {
    const cues = step.cues || [];
    const options = settings();
    const volume = (options.volume ?? 80) / 100;
    const voice = options.voice !== false && bcHasVoice();
    const beeps = options.beeps !== false;
    const elapsed = at.done ? 0 : at.elapsed;
    cues.forEach((cue, i) => {
      const key = `${anchor ? anchor.run : 0}:${at.entry}:${i}`;
      if (fired.has(key) || cue.at > elapsed + 0.02) return;
      fired.add(key);
      if (cue.at < elapsed - BC_STALE_CUE_S) return; // passed while nobody was here
      if (at.entry === 0 && i === 0 && bcNow() - firstCueSpokenAt < 6) return; // said on click
      // Sound and speech in a task of their own, so the new step is drawn first.
      setTimeout(() => {
        if (cue.sound && beeps) sounds.play(cue.sound, volume);
        if (voice) bcSay(cue.say, volume);
        else if (beeps && !cue.sound && /^[0-9]+$/.test(cue.say)) sounds.play("tick", volume);
      }, 0);
    });
    notes.voice = options.voice !== false && !bcHasVoice()
      ? "No voice is available in this browser, so the cues are beeps and flashes." : "";
    showNotes();
  }

  // The first words start inside the Start click: browsers refuse speech and sound before a
  // gesture, and allow them for the rest of the page's life after one.
  const onStartClick = () => {
    sounds.unlock();
    const run = model.get("run") || {};
    if (run.state === "running" || run.state === "paused") return;
    const first = steps()[0];
    const cue = first && first.cues && first.cues[0];
    if (!cue) return;
    const options = settings();
    const volume = (options.volume ?? 80) / 100;
    if (cue.sound && options.beeps !== false) sounds.play(cue.sound, volume);
    if (options.voice !== false && bcSay(cue.say, volume)) firstCueSpokenAt = bcNow();
    else firstCueSpokenAt = bcNow();
  };
  let startButtons = [];
  const hookStart = () => {
    const container = app();
    if (!container) return;
    for (const button of container.querySelectorAll("button.backcare-start, button.backcare-resume-partial")) {
      if (startButtons.includes(button)) continue;
      button.addEventListener("click", onStartClick, true);
      startButtons.push(button);
    }
  };

  // -- keys -------------------------------------------------------------------------------
  const openConfirm = (open) => {
    confirmOpen = open;
    root.classList.toggle("bc-confirming", open);
    if (open) confirmStop.focus({ preventScroll: true });
  };
  confirmStop.addEventListener("click", () => { openConfirm(false); send({ type: "key", action: "stop" }); });
  confirmKeep.addEventListener("click", () => openConfirm(false));

  const onKey = (event) => {
    if (!el.isConnected || el.offsetParent === null) return; // a hidden notebook tab
    const state = (model.get("run") || {}).state;
    const active = state === "running" || state === "paused";
    if (!active && !confirmOpen) return;
    if (bcTyping(event.target)) return;
    let action = null;
    if (confirmOpen) {
      if (event.key === "Enter") action = "stop";
      if (event.key === "Escape" || event.key === "Enter") openConfirm(false);
      else return;
    } else if (event.key === " " || event.code === "Space") action = "pause";
    else if (event.key === "ArrowRight") action = "skip";
    else if (event.key === "ArrowLeft") action = "back";
    else if (event.key === "Escape") {
      openConfirm(true);
    } else return;
    event.preventDefault();
    event.stopPropagation();
    if (action) send({ type: "key", action });
  };
  const swallowKeyUp = (event) => {
    // A focused button would also "click" on the Space key coming up.
    if (event.key === " " && !bcTyping(event.target)) {
      const state = (model.get("run") || {}).state;
      if (state === "running" || state === "paused") event.preventDefault();
    }
  };
  window.addEventListener("keydown", onKey, true);
  window.addEventListener("keyup", swallowKeyUp, true);

  // -- full screen ------------------------------------------------------------------------
  fullButton.addEventListener("click", async () => {
    const container = app() || el;
    try {
      if (document.fullscreenElement) await document.exitFullscreen();
      else await container.requestFullscreen();
    } catch (error) {
      notes.wake = "Full screen is not allowed here: use the browser's own (F11).";
      showNotes();
    }
  });
  const onFullscreen = () => {
    fullButton.textContent = document.fullscreenElement ? "Leave full screen" : "Full screen";
    reserve();
  };
  document.addEventListener("fullscreenchange", onFullscreen);

  // -- no layout jump: the text block keeps the height of its tallest step -----------------
  function reserve() {
    const list = steps();
    if (!list.length || !info.isConnected) return;
    const keep = [title.textContent, where.textContent, rep.textContent, next.textContent,
      detail.textContent];
    info.style.minHeight = "";
    let tallest = 0;
    for (const step of list) {
      title.textContent = step.title;
      where.textContent = step.where || "";
      rep.textContent = step.kind === "reps" ? repText(step, 0) + " lower" : "";
      next.textContent = step.next ? "Next: " + step.next : "";
      detail.textContent = step.detail || "";
      tallest = Math.max(tallest, info.scrollHeight);
    }
    [title.textContent, where.textContent, rep.textContent, next.textContent,
      detail.textContent] = keep;
    info.style.minHeight = `${Math.ceil(tallest)}px`;
  }

  // -- life cycle -------------------------------------------------------------------------
  const onVisibility = () => {
    beat();
    if (document.visibilityState === "visible") wake.acquire();
  };
  const onPageHide = () => send({ type: "gone", view: viewId });
  document.addEventListener("visibilitychange", onVisibility);
  window.addEventListener("pagehide", onPageHide);

  let lastState = null;
  const onRun = () => {
    setAnchor();
    const run = model.get("run") || {};
    // A short record of what the kernel said and when it arrived (for a look in the console).
    const log = (window.backcareRuns = window.backcareRuns || []);
    log.push({ ...run, received: performance.timeOrigin / 1000 + bcNow() });
    if (log.length > 500) log.shift();
    const options = settings();
    wake.want(run.state === "running" && options.keep_awake !== false);
    if (run.state !== lastState) {
      if (run.state === "running" && (lastState === "ready" || lastState === "finished")) {
        keepInView(false);
      }
      if (run.state === "finished" && lastState && lastState !== "finished") {
        timers.push(setTimeout(() => keepInView(true), 200));
      }
      lastState = run.state;
    }
    hookStart();
    draw();
  };
  const onPlan = () => { shown = { index: -1, entry: -1 }; reserve(); setAnchor(); draw(); };
  const onSettings = () => onRun();
  const onSounds = () => sounds.load(model.get("sounds"));

  // Bring the session's screen into view: the countdown and the buttons (after the end, the
  // check-in) without scrolling by hand.
  function keepInView(after) {
    const container = app();
    if (!container) return;
    const target = after ? container.querySelector(".backcare-after") : root;
    const controls = container.querySelector(".backcare-controls");
    const bottom = (controls || root).getBoundingClientRect().bottom;
    if (after && target && target.offsetParent !== null) {
      target.scrollIntoView({ block: "nearest" });
    } else if (root.getBoundingClientRect().top < 0 || bottom > window.innerHeight) {
      (after ? root : container).scrollIntoView({ block: "start" });
      if ((controls || root).getBoundingClientRect().bottom > window.innerHeight) {
        root.scrollIntoView({ block: "start" });
      }
    }
  }

  model.on("change:run", onRun);
  model.on("change:plan", onPlan);
  model.on("change:settings", onSettings);
  model.on("change:sounds", onSounds);
  onSounds();
  lastState = (model.get("run") || {}).state || "ready";
  timers.push(setInterval(draw, BC_FRAME_MS));
  timers.push(setInterval(beat, BC_BEAT_MS));
  beat();
  timers.push(setTimeout(() => { reserve(); hookStart(); onRun(); keepInView(false); }, 50));
  let lastWidth = 0;
  const resize = new ResizeObserver(() => {
    const width = el.getBoundingClientRect().width;
    if (Math.abs(width - lastWidth) > 0.5) { lastWidth = width; reserve(); }
  });
  resize.observe(el);

  return () => {
    send({ type: "gone", view: viewId });
    for (const t of timers) { clearInterval(t); clearTimeout(t); }
    clearTimeout(wakeTimer);
    timers = [];
    resize.disconnect();
    wake.want(false);
    for (const button of startButtons) button.removeEventListener("click", onStartClick, true);
    window.removeEventListener("keydown", onKey, true);
    window.removeEventListener("keyup", swallowKeyUp, true);
    window.removeEventListener("pagehide", onPageHide);
    document.removeEventListener("visibilitychange", onVisibility);
    document.removeEventListener("fullscreenchange", onFullscreen);
    model.off("change:run", onRun);
    model.off("change:plan", onPlan);
    model.off("change:settings", onSettings);
    model.off("change:sounds", onSounds);
    model.off("msg:custom", onMessage);
  };
}

export default { render };
