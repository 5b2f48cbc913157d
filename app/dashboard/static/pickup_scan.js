// "Pindai kode": read the pickup QR on the resident's phone with the operator's camera.
// The QR says LOKET1:<ticket>:<code> (app/requests/pickup_qr.py). A scan fills the code of the
// completion form and stops the camera; the operator still presses the button to complete.
// BarcodeDetector when the browser has one that reads QR codes, else the vendored jsQR (loaded
// only when needed). No inline script (CSP script-src 'self'); texts come from data attributes.
(function () {
  "use strict";
  var PAYLOAD = /^LOKET1:([A-Z0-9-]{1,40}):(\d{6})$/;
  var panel = document.getElementById("scan-panel");
  if (!panel) { return; }
  var video = panel.querySelector("video");
  var status = document.getElementById("scan-status");
  var stream = null;
  var target = null; // the form whose code input a scan fills
  var detect = null; // frame -> Promise of the decoded texts

  function say(key, values) {
    var text = panel.dataset[key] || "";
    Object.keys(values || {}).forEach(function (name) { text = text.replace("{" + name + "}", values[name]); });
    status.textContent = text;
  }

  function loadJsQR() {
    if (window.jsQR) { return Promise.resolve(window.jsQR); }
    return new Promise(function (resolve, reject) {
      var script = document.createElement("script");
      script.src = panel.dataset.jsqr;
      script.onload = function () { resolve(window.jsQR); };
      script.onerror = reject;
      document.head.appendChild(script);
    });
  }

  function decoder() {
    if ("BarcodeDetector" in window) {
      return window.BarcodeDetector.getSupportedFormats().then(function (formats) {
        if (formats.indexOf("qr_code") === -1) { throw new Error("no qr_code"); }
        var detector = new window.BarcodeDetector({ formats: ["qr_code"] });
        return function (source) {
          return detector.detect(source).then(function (found) {
            return found.map(function (code) { return code.rawValue; });
          });
        };
      }).catch(canvasDecoder);
    }
    return canvasDecoder();
  }

  function canvasDecoder() {
    var canvas = document.createElement("canvas");
    var context = canvas.getContext("2d", { willReadFrequently: true });
    return loadJsQR().then(function (jsQR) {
      return function (source) {
        canvas.width = source.videoWidth;
        canvas.height = source.videoHeight;
        context.drawImage(source, 0, 0, canvas.width, canvas.height);
        var frame = context.getImageData(0, 0, canvas.width, canvas.height);
        var found = jsQR(frame.data, frame.width, frame.height, { inversionAttempts: "dontInvert" });
        return Promise.resolve(found ? [found.data] : []);
      };
    });
  }

  function stop() {
    if (stream) { stream.getTracks().forEach(function (track) { track.stop(); }); }
    stream = null;
    video.srcObject = null;
    panel.hidden = true;
  }

  function accept(text) {
    var match = PAYLOAD.exec((text || "").trim());
    if (!match) { say("msgUnknown"); return false; }
    if (match[1] !== target.dataset.ticket) { say("msgOther", { ticket: match[1] }); return false; }
    var input = target.querySelector("input[name=code]");
    input.value = match[2];
    stop();
    var result = document.getElementById("scan-result-" + target.id);
    if (result) {
      result.textContent = (panel.dataset.msgRead || "").replace("{code}", match[2]);
      result.hidden = false;
    }
    target.querySelector("button[type=submit]").focus();
    return true;
  }

  function tick() {
    if (!stream) { return; }
    if (video.readyState < 2 || !video.videoWidth) { window.setTimeout(tick, 150); return; }
    detect(video).then(function (texts) {
      for (var i = 0; i < texts.length; i += 1) { if (accept(texts[i])) { return; } }
      window.setTimeout(tick, 200);
    }, function () { window.setTimeout(tick, 400); });
  }

  function start(form) {
    target = form;
    panel.hidden = false;
    say("msgStarting");
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) { say("msgNoCamera"); return; }
    var ready = detect ? Promise.resolve(detect) : decoder().then(function (fn) { detect = fn; return fn; });
    ready.then(function () {
      return navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" }, audio: false });
    }).then(function (media) {
      stream = media;
      video.srcObject = media;
      return video.play();
    }).then(function () {
      say("msgLooking");
      tick();
    }).catch(function () { say("msgNoCamera"); });
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-scan]");
    if (button) {
      event.preventDefault();
      start(button.closest("form"));
      return;
    }
    if (event.target.closest("[data-scan-close]")) { event.preventDefault(); stop(); }
  });
})();
