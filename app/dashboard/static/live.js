// Live updates for the dashboard (see app/dashboard/live.py). When the server says the page's
// data changed, fetch the page again and swap every element marked data-live (matched by id),
// except one the operator is typing in. No framework: EventSource, fetch and DOMParser.
(function () {
  "use strict";
  var body = document.body;
  var url = body.dataset.liveUrl;
  if (!url || !window.EventSource) { return; }
  var version = body.dataset.liveVersion || "";
  var page = body.dataset.livePage || window.location.href;

  function notice() {
    var note = document.getElementById("live-notice");
    if (!note) { return; }
    note.hidden = false;
    window.clearTimeout(notice.timer);
    notice.timer = window.setTimeout(function () { note.hidden = true; }, 4000);
  }

  function refresh() {
    return fetch(page, { credentials: "same-origin", cache: "no-store" })
      .then(function (response) {
        if (!response.ok) { throw new Error("refresh failed: " + response.status); }
        return response.text();
      })
      .then(function (html) {
        var fresh = new DOMParser().parseFromString(html, "text/html");
        var swapped = 0;
        document.querySelectorAll("[data-live][id]").forEach(function (old) {
          var next = fresh.getElementById(old.id);
          if (!next || old.contains(document.activeElement)) { return; }
          if (old.innerHTML !== next.innerHTML) { old.innerHTML = next.innerHTML; swapped += 1; }
        });
        if (swapped) { notice(); }
      });
  }

  function connect() {
    var separator = url.indexOf("?") === -1 ? "?" : "&";
    var source = new EventSource(url + separator + "since=" + encodeURIComponent(version));
    source.addEventListener("changed", function (event) {
      version = event.data;
      refresh().catch(function () { /* the next change tries again */ });
    });
    source.addEventListener("gone", function () { source.close(); });
  }

  connect();
})();
