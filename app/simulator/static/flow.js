// A WhatsApp Flow, opened full-screen in the phone from a flow message's button.
// It renders the Flow JSON the server answers (app/simulator/flow_routes.py) one screen at a time:
// text, inputs, choices, dates, opt-ins, photo and document pickers (real file inputs), If and
// Switch, and the Footer's navigate / complete actions. Bindings: ${data.x}, ${form.x},
// ${screen.ID.data.x}, ${screen.ID.form.x} and backticked expressions (reference §1.6, §2).
// Completing posts the payload and the picked files; the server makes the nfm_reply of it.
// data_exchange posts the payload to the simulator, which calls the real data endpoint encrypted
// as WhatsApp does (app/simulator/flow_exchange.py); the answer is the next screen, or this one
// again with its errors (a snackbar, and `error-message` bindings under the inputs).
"use strict";
window.LoketFlow = (() => {
  const R = window.LoketRender, {evaluate} = window.LoketFlowExpr;
  const {Picked, PICKERS} = window.LoketFlowFields;

  // --- one opened Flow ---
  function open(api, item, phone) {
    let state = null;
    const root = R.el("div", "flow");
    root.setAttribute("role", "dialog");
    root.innerHTML = `<header class="flow-top"><button type="button" class="flow-back" aria-label="Tutup">✕</button>
      <h2 class="flow-title"></h2></header><main class="flow-body"></main><div class="flow-error" role="alert"></div>
      <footer class="flow-foot"><button type="button" id="flow-footer" class="flow-footer"></button>
      <p class="flow-managed">Dikelola oleh ${R.escapeHtml(phone.office)}</p></footer>`;
    const $ = (sel) => root.querySelector(sel);
    const close = () => root.remove();
    phone.frame.querySelectorAll(".flow").forEach((other) => other.remove());  // one form at a time
    phone.frame.appendChild(root);

    fetch(`${api}/flows/${encodeURIComponent(item.wamid)}?wa_id=${encodeURIComponent(phone.wa())}`)
      .then((r) => (r.ok ? r.json() : Promise.reject(new Error(String(r.status)))))
      .then((opened) => {
        const screens = new Map(opened.flow.screens.map((s) => [s.id, s]));
        // forms: values by screen; shown: the inputs each screen shows now (what Footer checks).
        state = {opened, screens, stack: [opened.screen], data: {[opened.screen]: opened.data}, forms: {}, shown: {}, footer: null};
        draw();
      })
      .catch((error) => {
        console.error("the Flow could not be opened", error);
        $(".flow-title").textContent = "Formulir tidak dapat dibuka";
        $(".flow-footer").hidden = true;
      });

    const current = () => state.stack[state.stack.length - 1];
    // Choices change what an If shows: redraw the screen (typed text is stored as it is typed).
    const inputs = window.LoketFlowFields.fields({resolve, changed: (form, name, value) => { form[name] = value; draw(); }});

    // A binding's value; a form field that is not on its screen now (a false If) has none.
    function lookup(path, screenId) {
      const parts = path.split(".");
      let scope = screenId;
      if (parts[0] === "screen") { scope = parts[1]; parts.splice(0, 2); }
      const [kind, ...rest] = parts;
      if (kind === "form" && !(state.shown[scope] || new Map()).has(rest[0])) return undefined;
      let value = kind === "data" ? state.data[scope] : kind === "form" ? state.forms[scope] : undefined;
      for (const key of rest) value = value == null ? undefined : value[key];
      return value;
    }
    function resolve(value, screenId) {
      if (typeof value !== "string") return value;
      const get = (path) => lookup(path, screenId);
      const bound = value.match(/^\$\{([^}]+)\}$/);
      if (bound) return get(bound[1]);
      if (value.length > 1 && value.startsWith("`") && value.endsWith("`")) return evaluate(value.slice(1, -1), get);
      return value;
    }

    // --- drawing a screen ---
    function draw() {
      const screenId = current(), screen = state.screens.get(screenId);
      const scroll = $(".flow-body").scrollTop;
      state.forms[screenId] = state.forms[screenId] || {};
      state.shown[screenId] = new Map();
      state.footer = null;
      $(".flow-title").textContent = resolve(screen.title, screenId) || "";
      $(".flow-back").textContent = state.stack.length > 1 ? "←" : "✕";
      $(".flow-back").setAttribute("aria-label", state.stack.length > 1 ? "Kembali" : "Tutup");
      const body = R.el("div", "flow-screen");
      body.dataset.screen = screenId;
      children(screen.layout.children, screenId, body);
      $(".flow-body").replaceChildren(body);
      $(".flow-body").scrollTop = scroll;
      const footer = $(".flow-footer");
      footer.hidden = !state.footer;
      if (state.footer) footer.textContent = resolve(state.footer.label, screenId);
    }

    function children(list, screenId, box) {
      for (const c of list || []) {
        if (c.visible !== undefined && resolve(c.visible, screenId) === false) continue;
        if (c.type === "If") children(evaluate(c.condition, (p) => lookup(p, screenId)) ? c.then : c.else, screenId, box);
        else if (c.type === "Switch") {
          const value = resolve(c.value, screenId);
          children(c.cases[String(value)] || c.cases.default, screenId, box);
        } else if (c.type === "Footer") state.footer = c;
        else { const node = component(c, screenId); if (node) box.appendChild(node); }
      }
    }

    function component(c, screenId) {
      const text = (cls) => R.el("p", cls, R.escapeHtml(resolve(c.text, screenId) ?? ""));
      if (c.type === "TextHeading") return text("flow-heading");
      if (c.type === "TextSubheading") return text("flow-subheading");
      if (c.type === "TextBody") {
        const node = text("flow-text");
        if (String(c["font-weight"] || "").includes("bold")) node.style.fontWeight = "bold";
        return node;
      }
      if (c.type === "TextCaption") return text("flow-caption");
      if (c.type === "RichText") return R.el("p", "flow-text", R.escapeHtml([].concat(resolve(c.text, screenId)).join("\n")));
      if (c.type === "Image") { const img = R.el("img", "flow-image"); img.src = `data:image/png;base64,${resolve(c.src, screenId)}`; img.alt = c["alt-text"] || ""; return img; }
      if (c.type === "EmbeddedLink") {
        const link = R.el("button", "flow-link", R.escapeHtml(resolve(c.text, screenId)));
        link.type = "button";
        link.addEventListener("click", () => act(c["on-click-action"]));
        return link;
      }
      if (!c.name) return null;
      const form = state.forms[screenId];
      state.shown[screenId].set(c.name, c);
      if (form[c.name] === undefined && !PICKERS.has(c.type)) {
        const init = resolve(c["init-value"], screenId);
        if (init !== undefined && init !== null && init !== "") form[c.name] = init;
      }
      const field = R.el("div", "flow-field");
      field.dataset.name = c.name;
      field.dataset.type = c.type;
      if (!inputs.build(field, c, form, screenId)) { field.innerHTML = `<span class="meta">[${R.escapeHtml(c.type)}]</span>`; return field; }
      if (c["helper-text"]) field.appendChild(R.el("small", "flow-helper", R.escapeHtml(resolve(c["helper-text"], screenId))));
      const invalid = R.el("small", "flow-invalid");
      const told = resolve(c["error-message"], screenId);  // the endpoint's reason, if any
      if (typeof told === "string") invalid.textContent = told;
      field.appendChild(invalid);
      return field;
    }

    function valid(screenId) {
      let first = null;
      const form = state.forms[screenId];
      for (const c of state.shown[screenId].values()) {
        const why = inputs.problem(c, form[c.name], screenId);
        const node = $(`.flow-field[data-name="${CSS.escape(c.name)}"] .flow-invalid`);
        if (node) node.textContent = why || "";
        if (why && !first) first = node;
      }
      if (first) first.closest(".flow-field").scrollIntoView({block: "center"});
      return !first;
    }

    // --- actions ---
    async function act(action) {
      const screenId = current();
      $(".flow-error").textContent = "";
      if (!valid(screenId)) return;
      const payload = {};
      for (const [key, value] of Object.entries(action.payload || {})) payload[key] = resolve(value, screenId);
      if (action.name === "navigate") {
        const next = action.next.name;
        state.data[next] = payload;
        state.stack.push(next);
        $(".flow-body").scrollTop = 0;
        draw();
      } else if (action.name === "complete") await complete(payload);
      else if (action.name === "data_exchange") await exchange(screenId, payload);
      else $(".flow-error").textContent = `Simulator belum bisa menjalankan aksi ${action.name}.`;
    }

    // The endpoint's answer: another screen (pushed with its data), this one again with its
    // errors, SUCCESS (WhatsApp closes the form and sends the completion: not used by Loket's
    // forms), or a refusal whose error_msg WhatsApp shows.
    async function exchange(screenId, payload) {
      const footer = $(".flow-footer");
      footer.disabled = true;
      const r = await fetch(`${api}/flows/${encodeURIComponent(item.wamid)}/exchange`, {
        method: "POST", headers: {"content-type": "application/json"},
        body: JSON.stringify({wa_id: phone.wa(), screen: screenId, data: payload}),
      }).catch(() => null);
      footer.disabled = false;
      const reply = r && r.ok ? await r.json() : null;
      const answer = reply ? reply.answer : null;
      if (!reply || reply.status !== 200 || !answer || !answer.screen) {
        $(".flow-error").textContent = (answer && answer.error_msg) || "Terjadi kesalahan. Coba lagi.";
        return;
      }
      const data = answer.data || {};
      if (answer.screen === screenId) {
        state.data[screenId] = {...(state.data[screenId] || {}), ...data};
        draw();
        $(".flow-error").textContent = data.error_message || "";
      } else if (state.screens.has(answer.screen)) {
        state.data[answer.screen] = data;
        state.stack.push(answer.screen);
        $(".flow-body").scrollTop = 0;
        draw();
      } else $(".flow-error").textContent = `Layar ${answer.screen} tidak ada di formulir ini.`;
    }

    // Values left empty (a field an If hid, an optional picker left empty) are left out.
    async function complete(payload) {
      const body = new FormData(), values = {};
      body.append("wa_id", phone.wa());
      body.append("name", phone.name());
      for (const [key, value] of Object.entries(payload)) {
        if (value === undefined || value === null || value === "" || (Array.isArray(value) && !value.length)) continue;
        if (Array.isArray(value) && value[0] instanceof Picked) {
          for (const picked of value) body.append(`${picked.kind}:${key}`, picked.file, picked.file.name);
        } else values[key] = value;
      }
      body.append("values", JSON.stringify(values));
      const footer = $(".flow-footer");
      footer.disabled = true;
      const r = await fetch(`${api}/flows/${encodeURIComponent(item.wamid)}/complete`, {method: "POST", body}).catch(() => null);
      footer.disabled = false;
      if (!r || !r.ok) {
        let reason = "Formulir belum terkirim. Coba lagi.";
        try { const detail = (await r.json()).detail; if (typeof detail === "string") reason = detail; } catch (e) { /* keep */ }
        $(".flow-error").textContent = reason;
        return;
      }
      close();
      phone.sent((await r.json()).wamid);
    }

    $(".flow-footer").addEventListener("click", () => { if (state && state.footer) act(state.footer["on-click-action"]); });
    $(".flow-back").addEventListener("click", () => {
      if (!state || state.stack.length <= 1) return close();
      state.stack.pop();
      $(".flow-error").textContent = "";
      draw();
    });
    return root;
  }

  return {open, evaluate};
})();
