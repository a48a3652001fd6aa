"use strict";
// Records a guide section in the browser (MediaRecorder) and puts the recording into the
// row's own file input, so it is saved with the form and checked exactly as an uploaded file
// (schools/audio.py). The recorder markup comes from the server, translated and hidden; this
// script only shows it where the browser can record. Without it staff upload a file.
(function () {
  if (!window.MediaRecorder || !window.DataTransfer || !navigator.mediaDevices) return;
  // Chromium writes WebM/Opus, Firefox Ogg/Opus, Safari MP4/AAC: all pass schools/audio.py.
  const TYPES = ["audio/webm;codecs=opus", "audio/ogg;codecs=opus", "audio/mp4", "audio/webm"];
  const EXTENSIONS = { "audio/webm": "webm", "audio/ogg": "ogg", "audio/mp4": "m4a" };
  let active = null; // the one recording under way: { box, recorder }

  function part(box, name) {
    return box.querySelector(".recorder-" + name);
  }
  function say(box, key) {
    part(box, "status").textContent = key ? box.dataset[key] : "";
    box.classList.toggle("is-recording", key === "recording");
  }

  async function record(box) {
    if (active) active.recorder.stop();
    let stream;
    try {
      stream = await navigator.mediaDevices.getUserMedia({ audio: true });
    } catch (error) {
      say(box, "failed");
      return;
    }
    const type = TYPES.find(function (t) { return MediaRecorder.isTypeSupported(t); });
    const recorder = new MediaRecorder(stream, type ? { mimeType: type } : {});
    const chunks = [];
    recorder.addEventListener("dataavailable", function (event) {
      if (event.data.size) chunks.push(event.data);
    });
    recorder.addEventListener("stop", function () {
      stream.getTracks().forEach(function (track) { track.stop(); });
      if (active && active.recorder === recorder) active = null;
      box.recording = new Blob(chunks, { type: (recorder.mimeType || type || "audio/webm").split(";")[0] });
      const preview = part(box, "preview");
      if (preview.src) URL.revokeObjectURL(preview.src);
      preview.src = URL.createObjectURL(box.recording);
      preview.hidden = false;
      part(box, "record").hidden = false;
      part(box, "stop").hidden = true;
      part(box, "use").hidden = false;
      say(box, "listen");
      preview.focus(); // a key press plays it: listen before using it
    });
    recorder.start();
    active = { box: box, recorder: recorder };
    part(box, "record").hidden = true;
    part(box, "stop").hidden = false;
    part(box, "use").hidden = true;
    part(box, "preview").hidden = true;
    say(box, "recording");
    part(box, "stop").focus();
  }

  function stop(box) {
    if (active && active.box === box) active.recorder.stop();
  }

  function use(box) {
    const input = box.parentElement.querySelector("input[type=file]");
    if (!input || !box.recording) return;
    const name = "recording." + (EXTENSIONS[box.recording.type] || "webm");
    const transfer = new DataTransfer();
    transfer.items.add(new File([box.recording], name, { type: box.recording.type }));
    input.files = transfer.files;
    // A new recording replaces the current one: "clear" as well would be refused.
    const clear = box.parentElement.querySelector("input[type=checkbox][name$='-clear']");
    if (clear) clear.checked = false;
    input.dispatchEvent(new Event("change", { bubbles: true }));
    part(box, "use").hidden = true;
    say(box, "ready");
  }

  function start() {
    // The empty row that "Add another" copies is shown too, so its copies work as well.
    document.querySelectorAll(".recorder").forEach(function (box) { box.hidden = false; });
    document.addEventListener("click", function (event) {
      const button = event.target.closest(".recorder button");
      if (!button) return;
      const box = button.closest(".recorder");
      if (button.classList.contains("recorder-record")) record(box);
      else if (button.classList.contains("recorder-stop")) stop(box);
      else if (button.classList.contains("recorder-use")) use(box);
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
