// Turns one chat item (app/simulator/chat.py) into a bubble, as WhatsApp draws it on a phone.
// `actions.tap(reply, item)` is called for a reply button, a list row or a template button.
"use strict";
window.LoketRender = (() => {
  const escapeHtml = (s) => String(s ?? "").replace(/[&<>"']/g, (c) => ({"&": "&amp;", "<": "&lt;", ">": "&gt;", "\"": "&quot;", "'": "&#39;"}[c]));
  // WhatsApp's own markup: *bold*, _italic_, ~strike~.
  const markup = (s) => escapeHtml(s)
    .replace(/\*([^*\n]+)\*/g, "<b>$1</b>")
    .replace(/(^|\W)_([^_\n]+)_(?=\W|$)/g, "$1<i>$2</i>")
    .replace(/~([^~\n]+)~/g, "<s>$1</s>");

  function el(tag, className, html) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (html !== undefined) node.innerHTML = html;
    return node;
  }

  // Inline icons: a phone draws these itself, the page must not depend on an emoji font.
  const ICON = {
    doc: '<svg class="ico" viewBox="0 0 24 24" aria-hidden="true"><path d="M6 2h8l5 5v15H6z" fill="#7f66ff"/><path d="M14 2v5h5" fill="#c9bfff"/></svg>',
    mic: '<svg class="ico" viewBox="0 0 24 24" aria-hidden="true"><rect x="9" y="3" width="6" height="11" rx="3" fill="#25d366"/><path d="M5.5 11a6.5 6.5 0 0 0 13 0M12 17.5V21" fill="none" stroke="#25d366" stroke-width="1.8"/></svg>',
    pin: '<svg class="ico" viewBox="0 0 24 24" aria-hidden="true"><path d="M12 2a7 7 0 0 0-7 7c0 5 7 13 7 13s7-8 7-13a7 7 0 0 0-7-7z" fill="#e53935"/><circle cx="12" cy="9" r="2.5" fill="#fff"/></svg>',
  };
  ICON.form = '<svg class="ico" viewBox="0 0 24 24" aria-hidden="true"><rect x="5" y="3" width="14" height="18" rx="2" fill="none" stroke="currentColor" stroke-width="1.8"/><path d="M8.5 8h7M8.5 12h7M8.5 16h4" stroke="currentColor" stroke-width="1.8" stroke-linecap="round"/></svg>';
  ICON.list = '<svg class="ico" viewBox="0 0 24 24" aria-hidden="true"><path d="M4 6h16M4 12h16M4 18h16" stroke="currentColor" stroke-width="2" stroke-linecap="round"/></svg>';
  const clock = (iso) => new Date(iso).toLocaleTimeString("id-ID", {hour: "2-digit", minute: "2-digit"});
  const TICKS = {sent: "✓", delivered: "✓✓", read: "✓✓"};

  function mediaUrl(api, media) {
    if (media.link) return media.link;
    return media.id ? `${api}/media/${encodeURIComponent(media.id)}` : null;
  }

  function attachment(api, type, media) {
    const url = mediaUrl(api, media || {});
    if (type === "image" || type === "sticker") {
      const img = el("img", "photo");
      img.alt = media.caption || "foto";
      img.loading = "lazy";
      if (url) img.src = url;
      return img;
    }
    if (type === "audio" || type === "video") {
      const box = el("div", type === "audio" ? "voice" : "video", type === "audio" ? ICON.mic : "");
      const player = el(type);
      player.controls = true;
      player.preload = "metadata";
      if (url) player.src = url;
      box.appendChild(player);
      return box;
    }
    const card = el("a", "doc-card", `<span class="doc-icon">${ICON.doc}</span><span class="doc-name">${escapeHtml(media.filename || "Dokumen")}</span>`);
    if (url) { card.href = url; card.target = "_blank"; card.rel = "noopener"; }
    return card;
  }

  function location(loc) {
    const lat = Number(loc.latitude), lng = Number(loc.longitude);
    const link = el("a", "location", `${ICON.pin}<b>${escapeHtml(loc.name || "Lokasi")}</b>`
      + (loc.address ? `<br>${escapeHtml(loc.address)}` : "")
      + `<br><span class="coords">${lat.toFixed(5)}, ${lng.toFixed(5)}</span>`);
    link.href = `https://www.openstreetmap.org/?mlat=${lat}&mlon=${lng}#map=17/${lat}/${lng}`;
    link.target = "_blank";
    link.rel = "noopener";
    return link;
  }

  function buttonRow(replies, onTap, className) {
    const box = el("div", "choices " + (className || ""));
    for (const reply of replies) {
      const b = el("button", "choice", escapeHtml(reply.title));
      b.type = "button";
      b.dataset.id = reply.id || reply.payload;
      b.addEventListener("click", () => onTap(reply));
      box.appendChild(b);
    }
    return box;
  }

  // What the resident sent: the content of the message object Meta delivered.
  function mine(api, message) {
    const type = message.type;
    const box = el("div", "content");
    if (type === "text") box.innerHTML = markup(message.text.body);
    else if (type === "interactive" && message.interactive.type === "nfm_reply") {
      box.innerHTML = `<span class="flow-sent">${ICON.form}${escapeHtml(message.interactive.nfm_reply.body || "Sent")}</span>`;
    } else if (type === "interactive") {
      const reply = message.interactive[message.interactive.type] || {};
      box.innerHTML = escapeHtml(reply.title || reply.id);
    } else if (type === "button") box.innerHTML = escapeHtml(message.button.text || message.button.payload);
    else if (type === "location") box.appendChild(location(message.location));
    else if (message[type] && typeof message[type] === "object") {
      box.appendChild(attachment(api, type, message[type]));
      if (message[type].caption) box.appendChild(el("div", "caption", markup(message[type].caption)));
    } else box.innerHTML = `<span class="meta">[${escapeHtml(type)}]</span>`;
    return box;
  }

  // What Loket sent: text, buttons, a list behind its button, a template, an attachment.
  function theirs(api, item, actions) {
    const body = item.message;
    const box = el("div", "content");
    const extras = [];
    if (body.type === "text") box.innerHTML = markup(body.text.body);
    else if (body.type === "interactive") {
      const it = body.interactive;
      if (it.header && it.header.text) box.appendChild(el("div", "header", markup(it.header.text)));
      box.appendChild(el("div", "body", markup(it.body.text)));
      if (it.footer) box.appendChild(el("div", "footer", escapeHtml(it.footer.text)));
      const tap = (reply) => actions.tap({kind: it.type === "list" ? "list_reply" : "button_reply", id: reply.id, title: reply.title}, item);
      if (it.type === "button") extras.push(buttonRow(it.action.buttons.map((b) => b.reply), tap));
      if (it.type === "flow") {
        const open = el("button", "flow-open", ICON.form + " " + escapeHtml(it.action.parameters.flow_cta));
        open.type = "button";
        open.addEventListener("click", () => actions.openFlow(item));
        const row = el("div", "choices");
        row.appendChild(open);
        extras.push(row);
      }
      if (it.type === "list") {
        const open = el("button", "list-open", ICON.list + " " + escapeHtml(it.action.button));
        open.type = "button";
        open.addEventListener("click", () => actions.openList(it, tap));
        const row = el("div", "choices");
        row.appendChild(open);
        extras.push(row);
      }
    } else if (body.type === "template") {
      const t = item.template;
      box.classList.add("template");
      if (t.header) box.appendChild(el("div", "header", markup(t.header)));
      box.appendChild(el("div", "body", markup(t.body)));
      if (t.footer) box.appendChild(el("div", "footer", escapeHtml(t.footer)));
      const tap = (button) => actions.tap({kind: "button", payload: button.payload, title: button.title}, item);
      if (t.buttons.length) extras.push(buttonRow(t.buttons, tap, "template-buttons"));
      if (t.flow) {  // a FLOW button: opens the form the template carries
        const open = el("button", "flow-open", ICON.form + " " + escapeHtml(t.flow.title));
        open.type = "button";
        open.addEventListener("click", () => actions.openFlow(item));
        const row = el("div", "choices");
        row.appendChild(open);
        extras.push(row);
      }
    } else if (body[body.type] && typeof body[body.type] === "object") {
      box.appendChild(attachment(api, body.type, body[body.type]));
      if (body[body.type].caption) box.appendChild(el("div", "caption", markup(body[body.type].caption)));
    } else box.innerHTML = `<span class="meta">[${escapeHtml(body.type)}]</span>`;
    return [box, extras];
  }

  function item(api, it, actions) {
    const wrap = el("div", "row " + (it.from === "me" ? "row-me" : "row-bot"));
    const bubble = el("div", "msg " + (it.from === "me" ? "me" : "bot"));
    bubble.dataset.key = it.key;
    if (it.wamid) bubble.dataset.wamid = it.wamid;
    bubble.dataset.type = it.message.type;
    let extras = [];
    if (it.from === "me") bubble.appendChild(mine(api, it.message));
    else { const [box, more] = theirs(api, it, actions); bubble.appendChild(box); extras = more; }
    const stamp = el("span", "stamp", escapeHtml(clock(it.at)));
    if (it.from === "me") stamp.appendChild(el("span", "ticks"));
    bubble.appendChild(stamp);
    wrap.appendChild(bubble);
    for (const extra of extras) wrap.appendChild(extra);
    setStatus(wrap, it.status);
    return wrap;
  }

  function setStatus(wrap, status) {
    const ticks = wrap.querySelector(".ticks");
    if (!ticks || !status) return;
    ticks.textContent = TICKS[status] || "✓";
    ticks.className = "ticks " + status;
  }

  return {item, setStatus, escapeHtml, el, ICON};
})();
