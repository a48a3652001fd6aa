"use strict";
// The event admin's live text counter: how many SMS segments the reminder takes in each
// language while staff type the title or the short title. It counts like
// messaging/segments.py (tests/events/test_segment_counter.py runs both on the same texts);
// the alphabets, the replacements and the part sizes come from the server in #sms-rules,
// so only the counting itself is written twice. Without this script the change page still
// shows each language's reminder as saved, with its count.
(function () {
  function makeCounter(rules) {
    const basic = new Set(Array.from(rules.basic));
    const extended = new Set(Array.from(rules.extended));
    const plain = new Map(Object.entries(rules.plain));
    const guillemets = new RegExp(rules.guillemets, "g");

    function isGsm(text) {
      for (const ch of text) {
        if (!basic.has(ch) && !extended.has(ch)) return false;
      }
      return true;
    }
    // The same text in the GSM alphabet when only typography keeps it out.
    function gsmFriendly(text) {
      let out = "";
      for (const ch of text.replace(guillemets, '"')) out += plain.has(ch) ? plain.get(ch) : ch;
      return isGsm(out) ? out : text;
    }
    // A two-unit character (an escape and its character, or a surrogate pair) is never
    // split over two parts: the network moves it whole to the next part.
    function parts(sizes, limits) {
      const single = limits[0];
      const part = limits[1];
      const total = sizes.reduce(function (a, b) { return a + b; }, 0);
      if (total <= single) return 1;
      let count = 1;
      let used = 0;
      for (const size of sizes) {
        if (used + size > part) {
          count += 1;
          used = 0;
        }
        used += size;
      }
      return count;
    }
    // for…of walks code points, as Python does: an emoji is one character of two units.
    function count(text) {
      const chars = Array.from(text);
      if (isGsm(text)) {
        return {
          segments: parts(chars.map(function (ch) { return extended.has(ch) ? 2 : 1; }),
            rules.limits["GSM-7"]),
          encoding: "GSM-7",
          characters: chars.length,
        };
      }
      return {
        segments: parts(chars.map(function (ch) { return ch.codePointAt(0) > 0xffff ? 2 : 1; }),
          rules.limits["UCS-2"]),
        encoding: "UCS-2",
        characters: chars.length,
      };
    }
    return { count: count, gsmFriendly: gsmFriendly, isGsm: isGsm };
  }

  if (typeof module !== "undefined" && module.exports) {
    module.exports = { makeCounter: makeCounter };
    return;
  }

  function phrase(words, n) {
    const index = words.index[n < words.index.length ? n : 100 + (n % 100)];
    return words.forms[index].replace("%(count)s", String(n));
  }

  function build() {
    const data = document.getElementById("sms-rules");
    if (!data) return;
    const rules = JSON.parse(data.textContent);
    const counter = makeCounter(rules);
    function field(name, language) {
      return document.getElementById("id_" + name + "_" + language.replace("-", "_"));
    }
    document.querySelectorAll("[data-sms-template]").forEach(function (row) {
      const language = row.dataset.language;
      const template = row.dataset.smsTemplate;
      const title = field("title", language);
      const short = field("short_title", language);
      const fallback = field("title", "en");
      if (!title || !short) return;
      const outputs = [title, short].map(function (input) {
        const out = document.createElement("p");
        out.className = "segment-counter";
        out.setAttribute("aria-live", "polite");
        (input.closest(".form-row, .fieldBox") || input.parentElement).appendChild(out);
        return out;
      });
      function update() {
        // The server's choice: staff's short title in this language when there is one,
        // else the full title (English when this language has none). The template's other
        // parts are already as short as the server makes them before it cuts the title.
        // split/join, not replace: a title with "$'" or "$&" must be counted as typed.
        const fill = function (t) { return template.split("%(title)s").join(t); };
        const usesShort = Boolean(short.value.trim());
        const chosen = usesShort ? short.value : title.value.trim() ? title.value : fallback.value;
        const text = counter.gsmFriendly(fill(chosen.trim()));
        const result = counter.count(text);
        const parts = [phrase(rules.words.segments, result.segments), result.encoding,
          phrase(rules.words.characters, result.characters)];
        // Staff who typed a short title see whether it is the one sent.
        if (usesShort) parts.push(rules.words.short_title);
        const over = result.segments > rules.max_segments;
        if (over) parts.push(rules.words.over);
        // Each part isolated, so "UCS-2" and the numbers keep their order in Arabic and Urdu.
        const line = parts.map(function (p) { return "\u2068" + p + "\u2069"; }).join(" · ");
        outputs.forEach(function (out) {
          out.textContent = line;
          out.classList.toggle("segment-counter-over", over);
        });
      }
      title.addEventListener("input", update);
      short.addEventListener("input", update);
      fallback.addEventListener("input", update);
      update();
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", build);
  else build();
})();
