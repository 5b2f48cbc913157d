// The simulated phone: who is holding it, what it sends, and the chat it shows.
// The chat always comes from the server (rebuilt from the database), never from this page's memory.
"use strict";
(() => {
  const R = window.LoketRender;
  const phone = document.getElementById("phone");
  const API = phone.dataset.api, WAIT = Number(phone.dataset.poll), MAX_FILES = Number(phone.dataset.maxFiles);
  const $ = (id) => document.getElementById(id);
  const chat = $("chat"), waInput = $("wa_id"), nameInput = $("name"), errorBox = $("error");
  const WA_ID = /^[0-9]{8,15}$/;
  const names = JSON.parse(localStorage.getItem("loket-sim-names") || "{}");
  let version = "", generation = 0, stick = true;
  const shown = new Map();  // item key -> row element
  const pending = [];  // bubbles sent but not yet in the server's chat: {row, wamids}

  const wa = () => waInput.value.trim();
  const randomNumber = () => "62812" + String(Math.floor(Math.random() * 1e8)).padStart(8, "0");
  const defaultName = (number) => "Warga " + number.slice(-4);

  // --- who holds the phone: the number is in the URL (one per tab), the name belongs to it ---
  function choose(number, {keepName = false} = {}) {
    waInput.value = number;
    if (!keepName) nameInput.value = names[number] || defaultName(number);
    const url = new URL(location.href);
    url.searchParams.set("wa", number);
    history.replaceState(null, "", url);
    localStorage.setItem("loket-sim-wa", number);
    chat.replaceChildren(); shown.clear(); pending.length = 0; version = "";
    errorBox.textContent = "";
    generation += 1;
    if (WA_ID.test(number)) poll(generation);
    loadResidents();
  }

  // Several loads can be in flight (a send, a change of number): only the latest one draws.
  let residentsAsked = 0;
  async function loadResidents() {
    const asked = ++residentsAsked;
    const r = await fetch(`${API}/residents`).catch(() => null);
    if (!r || !r.ok) return;
    const items = (await r.json()).items;
    if (asked !== residentsAsked) return;
    const list = $("known-residents");
    list.replaceChildren(...items.map((p) => {
      const option = document.createElement("option");
      option.value = p.wa_id;
      option.label = p.name || p.wa_id;
      return option;
    }));
  }

  // --- the chat: long-poll the server's view and draw what changed ---
  function apply(screen) {
    if (screen.wa_id !== wa()) return;
    version = screen.version;
    if (screen.name && document.activeElement !== nameInput) {
      nameInput.value = screen.name;
      names[screen.wa_id] = screen.name;
      localStorage.setItem("loket-sim-names", JSON.stringify(names));
    }
    const atBottom = chat.scrollHeight - chat.scrollTop - chat.clientHeight < 120;
    const first = shown.size === 0;
    const keys = new Set();
    let added = 0;
    for (const it of screen.items) {
      keys.add(it.key);
      let row = shown.get(it.key);
      if (!row) {
        row = R.item(API, it, actions); shown.set(it.key, row); added += 1;
        // A photo gets its height when it loads: stay at the bottom if the reader was there.
        row.querySelectorAll("img").forEach((img) => img.addEventListener("load", () => { if (stick) chat.scrollTop = chat.scrollHeight; }));
      }
      else R.setStatus(row, it.status);
      chat.appendChild(row);  // appending an existing node moves it: the server's order wins
    }
    for (const [key, row] of shown) if (!keys.has(key)) { row.remove(); shown.delete(key); }
    for (let i = pending.length - 1; i >= 0; i--) {
      if (pending[i].wamids.length && pending[i].wamids.every((w) => keys.has("in:" + w))) {
        pending[i].row.remove(); pending.splice(i, 1);
      } else chat.appendChild(pending[i].row);
    }
    $("typing").hidden = !screen.typing;
    if (added && (atBottom || first)) { chat.scrollTop = chat.scrollHeight; stick = true; }
  }

  async function fetchChat(wait) {
    const number = wa();
    const r = await fetch(`${API}/chat?wa_id=${encodeURIComponent(number)}&since=${version}&wait=${wait}`);
    if (!r.ok) throw new Error(String(r.status));
    return r.json();
  }

  async function poll(gen) {
    while (gen === generation) {
      try { const screen = await fetchChat(WAIT); if (gen === generation) apply(screen); }
      catch (e) { await new Promise((ok) => setTimeout(ok, 1000)); }  // server restarting: retry
    }
  }

  const refresh = () => fetchChat(0).then(apply).catch(() => {});

  // --- sending: a pending bubble until the server's chat holds the message ---
  function pendingBubble(html) {
    const row = R.el("div", "row row-me pending");
    const bubble = R.el("div", "msg me", `<div class="content">${html}</div>`);
    bubble.appendChild(R.el("span", "stamp", '<span class="ticks">…</span>'));
    row.appendChild(bubble);
    chat.appendChild(row);
    chat.scrollTop = chat.scrollHeight;
    const entry = {row, wamids: []};
    pending.push(entry);
    return entry;
  }

  async function failed(entry, response) {
    entry.row.remove();
    pending.splice(pending.indexOf(entry), 1);
    let reason = "Pesan tidak terkirim. Periksa nomor (8–15 angka) lalu coba lagi.";
    try { const detail = (await response.json()).detail; if (typeof detail === "string") reason = detail; } catch (e) { /* keep */ }
    errorBox.textContent = reason;
  }

  async function post(path, init, html) {
    errorBox.textContent = "";
    const entry = pendingBubble(html);
    const response = await fetch(`${API}/${path}`, init).catch(() => null);
    if (!response || !response.ok) return failed(entry, response);
    const data = await response.json();
    entry.wamids = data.wamids || [data.wamid];
    names[wa()] = nameInput.value.trim();
    localStorage.setItem("loket-sim-names", JSON.stringify(names));
    refresh(); loadResidents();
  }

  function sendJson(payload, html) {
    const body = JSON.stringify({wa_id: wa(), name: nameInput.value.trim() || defaultName(wa()), ...payload});
    return post("messages", {method: "POST", headers: {"content-type": "application/json"}, body}, html);
  }

  function sendFiles(kind, files, caption) {
    const form = new FormData();
    form.append("wa_id", wa());
    form.append("name", nameInput.value.trim() || defaultName(wa()));
    form.append("kind", kind);
    form.append("caption", caption || "");
    for (const file of files) form.append("files", file, file.name || "rekaman.webm");
    const what = kind === "voice" ? "pesan suara" : `${files.length} ${kind === "photo" ? "foto" : "dokumen"}`;
    return post("media", {method: "POST", body: form}, `<span class="meta">Mengirim ${R.escapeHtml(what)}…</span>`);
  }

  // A completed Flow: the server delivered the nfm_reply; show it pending until the chat has it.
  function flowSent(wamid) {
    const entry = pendingBubble(`<span class="flow-sent">${R.ICON.form}Sent</span>`);
    entry.wamids = [wamid];
    refresh();
  }
  const flowPhone = {frame: phone, office: phone.dataset.office, wa, name: () => nameInput.value.trim() || defaultName(wa()), sent: flowSent};

  const actions = {
    openFlow(item) { errorBox.textContent = ""; window.LoketFlow.open(API, item, flowPhone); },
    tap(reply, item) {
      const context_id = item.wamid || undefined;
      if (reply.kind === "button") return sendJson({button: {payload: reply.payload, text: reply.title}, context_id}, R.escapeHtml(reply.title));
      return sendJson({choice: {id: reply.id, title: reply.title, kind: reply.kind}, context_id}, R.escapeHtml(reply.title));
    },
    openList(interactive, tap) {
      $("list-title").textContent = interactive.action.button;
      const rows = $("list-rows");
      rows.replaceChildren();
      for (const section of interactive.action.sections) {
        if (section.title) rows.appendChild(R.el("h3", "", R.escapeHtml(section.title)));
        for (const row of section.rows) {
          const b = R.el("button", "list-row", R.escapeHtml(row.title) + (row.description ? `<span class="desc">${R.escapeHtml(row.description)}</span>` : ""));
          b.type = "button";
          b.dataset.id = row.id;
          b.addEventListener("click", () => { closeSheets(); tap(row); });
          rows.appendChild(b);
        }
      }
      openSheet("list-sheet");
    },
  };

  // --- sheets: the attach menu, the file preview, the location form, an open list ---
  function openSheet(id) { closeSheets(); $(id).hidden = false; $("shade").hidden = false; }
  function closeSheets() { document.querySelectorAll(".sheet").forEach((s) => { s.hidden = true; }); $("shade").hidden = true; }
  document.querySelectorAll(".sheet .cancel, #shade").forEach((b) => b.addEventListener("click", closeSheets));

  let chosen = {kind: "photo", files: []};
  function preview(kind, files) {
    if (!files.length) return;
    if (files.length > MAX_FILES) { errorBox.textContent = `Paling banyak ${MAX_FILES} berkas sekaligus.`; return; }
    chosen = {kind, files};
    $("preview-title").textContent = kind === "voice" ? "Kirim sebagai pesan suara" : `${files.length} ${kind === "photo" ? "foto" : "dokumen"}`;
    const box = $("preview-files");
    box.replaceChildren(...files.map((file) => {
      if (kind === "photo" && file.type.startsWith("image/")) {
        const img = R.el("img", "thumb"); img.src = URL.createObjectURL(file); img.alt = file.name; return img;
      }
      return R.el("div", "file-chip", R.escapeHtml(file.name));
    }));
    $("caption").value = "";
    $("caption").hidden = kind === "voice";
    openSheet("preview");
  }
  $("preview").addEventListener("submit", (e) => {
    e.preventDefault(); closeSheets();
    sendFiles(chosen.kind, chosen.files, $("caption").value.trim());
  });
  for (const kind of ["photo", "document", "voice"]) {
    const input = $("pick-" + kind);
    input.addEventListener("change", () => { const files = [...input.files]; input.value = ""; preview(kind, files); });
  }
  $("attach").addEventListener("click", () => openSheet("attach-menu"));
  document.querySelectorAll("[data-pick]").forEach((b) => b.addEventListener("click", () => { closeSheets(); $("pick-" + b.dataset.pick).click(); }));
  $("open-location").addEventListener("click", () => openSheet("location-form"));
  $("location-form").addEventListener("submit", (e) => {
    e.preventDefault(); closeSheets();
    const loc = {latitude: Number($("loc-lat").value), longitude: Number($("loc-lng").value), name: $("loc-name").value.trim() || null, address: $("loc-address").value.trim() || null};
    sendJson({location: loc}, `${R.ICON.pin} ${R.escapeHtml(loc.name || "Lokasi")}`);
  });

  // --- a voice note: recorded with MediaRecorder where the browser allows, else picked ---
  let recorder = null;
  $("record").addEventListener("click", async () => {
    if (recorder) { recorder.stop(); return; }
    if (!navigator.mediaDevices || !window.MediaRecorder) { $("pick-voice").click(); return; }
    let stream;
    try { stream = await navigator.mediaDevices.getUserMedia({audio: true}); } catch (e) { $("pick-voice").click(); return; }
    const parts = [];
    recorder = new MediaRecorder(stream);
    recorder.addEventListener("dataavailable", (e) => { if (e.data.size) parts.push(e.data); });
    recorder.addEventListener("stop", () => {
      stream.getTracks().forEach((t) => t.stop());
      const type = (recorder.mimeType || "audio/webm").split(";")[0];
      recorder = null;
      $("record").classList.remove("recording");
      const blob = new Blob(parts, {type});
      if (blob.size) sendFiles("voice", [new File([blob], "pesan-suara.webm", {type})], "");
    });
    recorder.start();
    $("record").classList.add("recording");
  });

  $("composer").addEventListener("submit", (e) => {
    e.preventDefault();
    const input = $("text"), text = input.value.trim();
    if (!text) return;
    input.value = "";
    sendJson({text}, R.escapeHtml(text));
  });
  chat.addEventListener("scroll", () => { stick = chat.scrollHeight - chat.scrollTop - chat.clientHeight < 120; });
  waInput.addEventListener("change", () => choose(wa()));
  nameInput.addEventListener("change", () => { names[wa()] = nameInput.value.trim(); localStorage.setItem("loket-sim-names", JSON.stringify(names)); });
  $("new-resident").addEventListener("click", () => choose(randomNumber()));

  const fromUrl = new URL(location.href).searchParams.get("wa");
  choose(fromUrl && WA_ID.test(fromUrl) ? fromUrl : (localStorage.getItem("loket-sim-wa") || randomNumber()));
})();
