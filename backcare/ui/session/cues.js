// The guided session's voice, sounds and screen wake lock (browser side).
// Joined in front of countdown.js into one ES module (see front.py); plain functions only.
// What is said when comes from the kernel (backcare/cues.py); this file only says it.

function bcSpeechAvailable() {
  return typeof window.speechSynthesis !== "undefined" &&
    typeof window.SpeechSynthesisUtterance !== "undefined";
}

// Say `words` now at `volume` (0-1). Returns false when the browser cannot speak.
function bcSay(words, volume) {
  if (!words || !bcSpeechAvailable()) return false;
  try {
    const utterance = new SpeechSynthesisUtterance(words);
    utterance.volume = Math.max(0, Math.min(1, volume));
    utterance.rate = 1.0;
    utterance.lang = document.documentElement.lang || "en";
    // A short cue must come on time: an older phrase still being spoken gives way.
    if (window.speechSynthesis.speaking || window.speechSynthesis.pending) {
      window.speechSynthesis.cancel();
    }
    window.speechSynthesis.speak(utterance);
    return true;
  } catch (error) {
    return false;
  }
}

// Whether the browser has any voice to speak with (a headless browser may have none).
function bcHasVoice() {
  if (!bcSpeechAvailable()) return false;
  try {
    const voices = window.speechSynthesis.getVoices();
    return Boolean(voices && voices.length > 0);
  } catch (error) {
    return false;
  }
}

// Sounds: the WAV tones the kernel made once (backcare/sound.py), as data URLs.
class BcSounds {
  constructor() {
    this.urls = {};
    this.players = {};
  }

  load(urls) {
    this.urls = urls || {};
    this.players = {};
  }

  // Call inside a click: browsers let a page play sound only after a user gesture.
  unlock() {
    for (const [name, url] of Object.entries(this.urls)) {
      if (!this.players[name]) this.players[name] = new Audio(url);
    }
  }

  play(name, volume) {
    const url = this.urls[name];
    if (!url) return false;
    let player = this.players[name];
    if (!player) player = this.players[name] = new Audio(url);
    try {
      player.volume = Math.max(0, Math.min(1, volume));
      player.currentTime = 0;
      const started = player.play();
      if (started && started.catch) started.catch(() => {});
      (window.bcPlayed = window.bcPlayed || []).push(name);
      return true;
    } catch (error) {
      return false;
    }
  }
}

// Screen Wake Lock: held while a session runs, asked again when the page shows again.
class BcWakeLock {
  constructor(report) {
    this.report = report; // (status, detail) => void
    this.sentinel = null;
    this.wanted = false;
    this.pending = false;
    this.status = "released";
  }

  async want(on) {
    this.wanted = on;
    if (on) await this.acquire();
    else await this.release();
  }

  async acquire() {
    if (!this.wanted || this.sentinel || this.pending) return;
    if (document.visibilityState !== "visible") return; // asked again when shown
    if (!navigator.wakeLock || !navigator.wakeLock.request) {
      this.set("unsupported", "this browser has no screen wake lock");
      return;
    }
    this.pending = true;
    try {
      const sentinel = await navigator.wakeLock.request("screen");
      this.pending = false;
      if (!this.wanted) { // paused while the request was on its way
        await sentinel.release();
        return;
      }
      this.sentinel = sentinel;
      if (sentinel.addEventListener) {
        sentinel.addEventListener("release", () => {
          if (this.sentinel === sentinel) this.sentinel = null;
        });
      }
      this.set("held", "");
    } catch (error) {
      this.pending = false;
      this.set("refused", (error && (error.message || error.name)) || "refused");
    }
  }

  async release() {
    const sentinel = this.sentinel;
    this.sentinel = null;
    if (sentinel) {
      try { await sentinel.release(); } catch (error) { /* already released */ }
      this.set("released", "");
    }
  }

  set(status, detail) {
    this.status = status;
    this.report(status, detail);
  }
}
