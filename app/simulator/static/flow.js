// A WhatsApp Flow, opened full-screen in the phone from a flow message's button.
// It renders the Flow JSON the server answers (app/simulator/flow_routes.py) one screen at a time:
// text, inputs, choices, dates, opt-ins, photo and document pickers (real file inputs), If and
// Switch, and the Footer's navigate / complete actions. Bindings: ${data.x}, ${form.x},
// ${screen.ID.data.x}, ${screen.ID.form.x} and backticked expressions (reference §1.6, §2).
// Completing posts the payload and the picked files; the server makes the nfm_reply of it.
"use strict";
window.LoketFlow = (() => {
  const R = window.LoketRender;
  const INPUT_TYPES = {email: "email", password: "password", passcode: "password", phone: "tel"};
  const PICKERS = new Set(["PhotoPicker", "DocumentPicker"]);
  // A file in a picker, and which picker took it: "photo" or "document".
  class Picked { constructor(file, kind) { this.file = file; this.kind = kind; } }

  // --- expressions: a binding, literals, == != < <= > >= && || ! + - * / % and concatenation ---
  const TOKEN = /\s*(\$\{[^}]+\}|'(?:[^'\\]|\\.)*'|\d+(?:\.\d+)?|true\b|false\b|==|!=|<=|>=|&&|\|\||[!<>()+\-*/%])/y;

  function tokens(text) {
    const out = [];
    TOKEN.lastIndex = 0;
    while (TOKEN.lastIndex < text.length) {
      const start = TOKEN.lastIndex, match = TOKEN.exec(text);
      if (!match) { if (/^\s*$/.test(text.slice(start))) break; throw new Error(`cannot read ${text.slice(start)}`); }
      out.push(match[1]);
    }
    return out;
  }

  // Recursive descent; `get(path)` reads a binding. Juxtaposed values concatenate as strings.
  function evaluate(text, get) {
    const list = tokens(text);
    let at = 0;
    const peek = () => list[at], take = () => list[at++];
    const binary = (next, ops, apply) => () => {
      let left = next();
      while (ops.includes(peek())) { const op = take(); left = apply(op, left, next()); }
      return left;
    };
    function primary() {
      const t = take();
      if (t === undefined) throw new Error("expression ends early");
      if (t === "(") { const v = or(); take(); return v; }
      if (t === "!") return !primary();
      if (t === "-") return -primary();
      if (t.startsWith("${")) return get(t.slice(2, -1));
      if (t.startsWith("'")) return t.slice(1, -1).replace(/\\(.)/g, "$1");
      if (t === "true" || t === "false") return t === "true";
      if (/^\d/.test(t)) return Number(t);
      throw new Error(`unexpected ${t}`);
    }
    const mul = binary(primary, ["*", "/", "%"], (op, a, b) => (
      op === "*" ? a * b : Number(b) === 0 ? 0 : op === "/" ? a / b : a % b));  // ÷0 is 0 (§1.6)
    const add = binary(mul, ["+", "-"], (op, a, b) => (op === "+" ? a + b : a - b));
    function concat() {
      let value = add();
      while (peek() !== undefined && (peek().startsWith("${") || peek().startsWith("'") || peek() === "(")) {
        value = String(value ?? "") + String(add() ?? "");
      }
      return value;
    }
    const rel = binary(concat, ["<", "<=", ">", ">="], (op, a, b) => (
      op === "<" ? a < b : op === "<=" ? a <= b : op === ">" ? a > b : a >= b));
    const eq = binary(rel, ["==", "!="], (op, a, b) => (op === "==" ? a === b : a !== b));
    const and = binary(eq, ["&&"], (op, a, b) => Boolean(a) && Boolean(b));
    const or = binary(and, ["||"], (op, a, b) => Boolean(a) || Boolean(b));
    const value = or();
    if (at < list.length) throw new Error(`unexpected ${peek()}`);
    return value;
  }

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
    phone.frame.appendChild(root);

    fetch(`${api}/flows/${encodeURIComponent(item.wamid)}?wa_id=${encodeURIComponent(phone.wa())}`)
      .then((r) => (r.ok ? r.json() : Promise.reject(new Error(String(r.status)))))
      .then((opened) => {
        const screens = new Map(opened.flow.screens.map((s) => [s.id, s]));
        state = {opened, screens, stack: [opened.screen], data: {[opened.screen]: opened.data}, forms: {}, shown: {}, footer: null};
        draw();
      })
      .catch(() => { $(".flow-title").textContent = "Formulir tidak dapat dibuka"; $(".flow-footer").hidden = true; });

    const current = () => state.stack[state.stack.length - 1];

    // A binding's value; a form field that is not on its screen now (a false If) has none.
    function lookup(path, screenId) {
      const parts = path.split(".");
      let scope = screenId;
      if (parts[0] === "screen") { scope = parts[1]; parts.splice(0, 2); }
      const [kind, ...rest] = parts;
      if (kind === "form" && !(state.shown[scope] || new Set()).has(rest[0])) return undefined;
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
      state.shown[screenId] = new Set();
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
      if (c.type === "TextBody") return text("flow-text");
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
      state.shown[screenId].add(c.name);
      if (form[c.name] === undefined && !PICKERS.has(c.type)) {
        const init = resolve(c["init-value"], screenId);
        if (init !== undefined && init !== null && init !== "") form[c.name] = init;
      }
      const field = R.el("div", "flow-field");
      field.dataset.name = c.name;
      field.dataset.type = c.type;
      const build = FIELDS[c.type];
      if (!build) { field.innerHTML = `<span class="meta">[${R.escapeHtml(c.type)}]</span>`; return field; }
      build(field, c, form, screenId);
      if (c["helper-text"]) field.appendChild(R.el("small", "flow-helper", R.escapeHtml(resolve(c["helper-text"], screenId))));
      field.appendChild(R.el("small", "flow-invalid"));
      return field;
    }

    const labelOf = (c, screenId, tag = "label") => R.el(tag, "flow-label", R.escapeHtml(resolve(c.label, screenId)) + (c.required ? "" : ' <span class="flow-optional">(opsional)</span>'));
    // Choices change what an If shows: redraw the screen (text keeps its focus, so is not redrawn).
    const changed = (form, name, value) => { form[name] = value; draw(); };

    const FIELDS = {
      TextInput(field, c, form, screenId) {
        const input = R.el("input", "flow-input");
        input.type = INPUT_TYPES[c["input-type"]] || "text";
        if (c["input-type"] === "number") input.inputMode = "numeric";
        if (c["max-chars"]) input.maxLength = Number(resolve(c["max-chars"], screenId));
        textEntry(field, c, form, screenId, input);
      },
      TextArea(field, c, form, screenId) {
        const input = R.el("textarea", "flow-input");
        input.rows = 3;
        if (c["max-length"]) input.maxLength = Number(c["max-length"]);
        textEntry(field, c, form, screenId, input);
      },
      Dropdown(field, c, form, screenId) {
        field.appendChild(labelOf(c, screenId));
        const select = R.el("select", "flow-input", '<option value="">Pilih…</option>');
        for (const o of resolve(c["data-source"], screenId) || []) {
          const option = R.el("option", "", R.escapeHtml(o.title));
          option.value = o.id;
          option.disabled = o.enabled === false;
          select.appendChild(option);
        }
        select.value = form[c.name] ?? "";
        select.name = c.name;
        select.addEventListener("change", () => changed(form, c.name, select.value || undefined));
        field.querySelector("label").appendChild(select);
      },
      RadioButtonsGroup(field, c, form, screenId) { choices(field, c, form, screenId, "radio"); },
      CheckboxGroup(field, c, form, screenId) { choices(field, c, form, screenId, "checkbox"); },
      DatePicker(field, c, form, screenId) {
        const input = R.el("input", "flow-input");
        input.type = "date";
        if (c["min-date"]) input.min = resolve(c["min-date"], screenId);
        if (c["max-date"]) input.max = resolve(c["max-date"], screenId);
        input.name = c.name;
        input.value = form[c.name] ?? "";
        input.addEventListener("change", () => changed(form, c.name, input.value || undefined));
        field.appendChild(labelOf(c, screenId)).appendChild(input);
      },
      OptIn(field, c, form, screenId) {
        const label = R.el("label", "flow-optin");
        const box = R.el("input");
        box.type = "checkbox";
        box.name = c.name;
        box.checked = form[c.name] === true;
        box.addEventListener("change", () => changed(form, c.name, box.checked));
        label.appendChild(box);
        label.appendChild(R.el("span", "", R.escapeHtml(resolve(c.label, screenId))));
        field.appendChild(label);
      },
      PhotoPicker(field, c, form, screenId) { picker(field, c, form, screenId, "photos"); },
      DocumentPicker(field, c, form, screenId) { picker(field, c, form, screenId, "documents"); },
    };

    function textEntry(field, c, form, screenId, input) {
      input.name = c.name;
      input.value = form[c.name] ?? "";
      input.addEventListener("input", () => { form[c.name] = input.value === "" ? undefined : input.value; });
      field.appendChild(labelOf(c, screenId)).appendChild(input);
    }

    function choices(field, c, form, screenId, kind) {
      const group = R.el("fieldset", "flow-choices");
      group.appendChild(labelOf(c, screenId, "legend"));
      if (c.description) group.appendChild(R.el("small", "flow-helper", R.escapeHtml(resolve(c.description, screenId))));
      const picked = new Set([].concat(form[c.name] ?? []));
      for (const o of resolve(c["data-source"], screenId) || []) {
        const row = R.el("label", "flow-option");
        const input = R.el("input");
        input.type = kind;
        input.name = c.name;
        input.value = o.id;
        input.checked = picked.has(o.id);
        input.disabled = o.enabled === false;
        input.addEventListener("change", () => {
          if (kind === "radio") return changed(form, c.name, o.id);
          input.checked ? picked.add(o.id) : picked.delete(o.id);
          changed(form, c.name, picked.size ? [...picked] : undefined);
        });
        row.appendChild(R.el("span", "flow-option-text", R.escapeHtml(o.title) + (o.description ? `<small>${R.escapeHtml(o.description)}</small>` : "")));
        row.appendChild(input);
        group.appendChild(row);
      }
      field.appendChild(group);
    }

    // A picker keeps the File objects themselves; they are uploaded only on completion.
    function picker(field, c, form, screenId, unit) {
      const photos = unit === "photos";
      const max = Number(c[`max-uploaded-${unit}`] ?? 30);
      const files = form[c.name] || [];
      field.appendChild(R.el("div", "flow-label", R.escapeHtml(resolve(c.label, screenId))));
      if (c.description) field.appendChild(R.el("small", "flow-helper", R.escapeHtml(resolve(c.description, screenId))));
      const list = R.el("div", "flow-files");
      files.forEach(({file}, index) => {
        const chip = R.el("div", "flow-file");
        if (photos && file.type.startsWith("image/")) { const img = R.el("img"); img.src = URL.createObjectURL(file); img.alt = ""; chip.appendChild(img); }
        chip.appendChild(R.el("span", "flow-file-name", R.escapeHtml(file.name)));
        const remove = R.el("button", "flow-file-remove", "✕");
        remove.type = "button";
        remove.setAttribute("aria-label", `Hapus ${file.name}`);
        remove.addEventListener("click", () => changed(form, c.name, files.filter((_, i) => i !== index)));
        chip.appendChild(remove);
        list.appendChild(chip);
      });
      field.appendChild(list);
      const input = R.el("input");
      input.type = "file";
      input.hidden = true;
      input.name = c.name;
      input.multiple = max > 1;
      input.accept = photos ? "image/*" : (c["allowed-mime-types"] || []).join(",");
      const limit = Number(c["max-file-size-kb"] || 25600) * 1024;
      input.addEventListener("change", () => {
        const chosen = [...input.files];
        const wrong = chosen.find((f) => f.size > limit || (!photos && c["allowed-mime-types"] && !c["allowed-mime-types"].includes(f.type)) || (photos && !f.type.startsWith("image/")));
        if (wrong) { field.querySelector(".flow-invalid").textContent = wrong.size > limit ? `${wrong.name} terlalu besar (maks. ${Math.floor(limit / 1048576)} MB).` : `${wrong.name}: jenis berkas ini tidak bisa dipakai.`; return; }
        const taken = chosen.map((f) => new Picked(f, photos ? "photo" : "document"));
        changed(form, c.name, [...files, ...taken].slice(0, max));
      });
      field.appendChild(input);
      if (files.length < max) {
        const add = R.el("button", "flow-pick", photos ? "＋ Pilih foto" : "＋ Pilih dokumen");
        add.type = "button";
        add.addEventListener("click", () => input.click());
        field.appendChild(add);
      }
    }

    // --- checks before the Footer acts: what the phone itself refuses ---
    function problem(c, value, screenId) {
      const empty = value === undefined || value === "" || (Array.isArray(value) && value.length === 0);
      if (PICKERS.has(c.type)) {
        const unit = c.type === "PhotoPicker" ? "photos" : "documents";
        const min = Number(c[`min-uploaded-${unit}`] || 0), count = (value || []).length;
        return count < min ? `Tambahkan ${min} ${unit === "photos" ? "foto" : "dokumen"}.` : null;
      }
      if (c.type === "OptIn") return c.required && value !== true ? "Centang untuk melanjutkan." : null;
      if (empty) return c.required ? (c.type.endsWith("Group") || c.type === "Dropdown" ? "Pilih salah satu." : "Wajib diisi.") : null;
      if (c.type === "CheckboxGroup" && c["min-selected-items"] && value.length < Number(c["min-selected-items"])) return `Pilih paling sedikit ${c["min-selected-items"]}.`;
      if (c.type !== "TextInput" && c.type !== "TextArea") return null;
      const min = c["min-chars"] ? Number(resolve(c["min-chars"], screenId)) : 0;
      if (value.length < min) return `Paling sedikit ${min} karakter.`;
      if (c.pattern && !new RegExp(c.pattern).test(value)) return c["error-message"] || "Formatnya belum sesuai.";
      if (c["input-type"] === "email" && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(value)) return "Alamat email belum benar.";
      return null;
    }

    function valid(screenId) {
      let first = null;
      const form = state.forms[screenId];
      const fields = [];
      const collect = (list) => {
        for (const c of list || []) {
          if (c.visible !== undefined && resolve(c.visible, screenId) === false) continue;
          if (c.type === "If") collect(evaluate(c.condition, (p) => lookup(p, screenId)) ? c.then : c.else);
          else if (c.type === "Switch") { const v = resolve(c.value, screenId); collect(c.cases[String(v)] || c.cases.default); }
          else if (c.name) fields.push(c);
        }
      };
      collect(state.screens.get(screenId).layout.children);
      for (const c of fields) {
        const why = problem(c, form[c.name], screenId);
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
