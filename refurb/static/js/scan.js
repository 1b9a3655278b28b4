// refurb — scanning labels with the camera. The BarcodeDetector API where the browser has it,
// the vendored jsQR decoder otherwise. Typed codes and keyboard-wedge scanners use the form,
// which works without this file.
"use strict";

(function () {
  const root = document.querySelector("[data-scanner]");
  if (!root) return;
  const video = root.querySelector("video");
  const startButton = root.querySelector("[data-start-camera]");
  const status = root.querySelector("[data-status]");
  const bulkList = document.querySelector("[data-scanned-list]");
  const mode = root.dataset.scanner; // "single" or "bulk"
  let stream = null;
  let detector = null;
  let canvas = null;
  let lastCode = "";
  let lastAt = 0;

  function say(text) { status.textContent = text; }

  function tagFrom(text) {
    // A label's QR code reads HTTPS://HOST/T/GN-… (upper case); a typed URL may read /t/.
    const path = /\/t\//i.test(text) ? text.split(/\/t\//i).pop() : text;
    return decodeURIComponent(path.split(/[?#]/)[0]).trim();
  }

  function found(text) {
    const tag = tagFrom(text);
    const now = Date.now();
    if (!tag || (tag === lastCode && now - lastAt < 2500)) return;
    lastCode = tag;
    lastAt = now;
    if (navigator.vibrate) navigator.vibrate(80);
    if (mode === "bulk" && bulkList) {
      const lines = bulkList.value.split("\n").map((l) => l.trim()).filter(Boolean);
      if (!lines.includes(tag)) {
        lines.push(tag);
        bulkList.value = lines.join("\n") + "\n";
      }
      say(root.dataset.addedText.replace("%s", tag) + " (" + lines.length + ")");
    } else {
      stop();
      say(root.dataset.openingText.replace("%s", tag));
      window.location.assign(root.dataset.target.replace("__TAG__", encodeURIComponent(tag)));
    }
  }

  function loadJsQR() {
    return new Promise((resolve, reject) => {
      if (window.jsQR) return resolve();
      const script = document.createElement("script");
      script.src = root.dataset.jsqr;
      script.onload = resolve;
      script.onerror = reject;
      document.head.appendChild(script);
    });
  }

  async function decodeFrame() {
    if (!stream) return;
    try {
      if (detector) {
        const codes = await detector.detect(video);
        if (codes.length) found(codes[0].rawValue);
      } else if (window.jsQR && video.videoWidth) {
        canvas = canvas || document.createElement("canvas");
        canvas.width = video.videoWidth;
        canvas.height = video.videoHeight;
        const context = canvas.getContext("2d", { willReadFrequently: true });
        context.drawImage(video, 0, 0);
        const image = context.getImageData(0, 0, canvas.width, canvas.height);
        const code = window.jsQR(image.data, image.width, image.height, { inversionAttempts: "dontInvert" });
        if (code) found(code.data);
      }
    } catch (error) {
      // a frame that cannot be read: try the next one
    }
    if (stream) window.setTimeout(decodeFrame, 150);
  }

  function stop() {
    if (stream) stream.getTracks().forEach((track) => track.stop());
    stream = null;
  }

  async function start() {
    if (!navigator.mediaDevices || !window.isSecureContext) {
      say(root.dataset.httpsText);
      return;
    }
    try {
      if ("BarcodeDetector" in window) {
        const formats = await window.BarcodeDetector.getSupportedFormats();
        if (formats.includes("qr_code")) detector = new window.BarcodeDetector({ formats: ["qr_code"] });
      }
      if (!detector) await loadJsQR();
      stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" }, audio: false });
      video.srcObject = stream;
      video.hidden = false;
      await video.play();
      say(root.dataset.aimText);
      startButton.hidden = true;
      decodeFrame();
    } catch (error) {
      say(root.dataset.deniedText);
    }
  }

  startButton.hidden = false;
  startButton.addEventListener("click", start);
  window.addEventListener("pagehide", stop);
})();
