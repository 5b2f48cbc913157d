// The inputs of a Flow screen (reference §2.3–2.8) and the checks the phone makes before a
// Footer acts. `ctx.resolve(value, screenId)` reads bindings; `ctx.changed(form, name, value)`
// stores a choice and redraws the screen (a choice can change what an If shows).
"use strict";
window.LoketFlowFields = (() => {
  const R = window.LoketRender;
  const INPUT_TYPES = {email: "email", password: "password", passcode: "password", phone: "tel"};
  const PICKERS = new Set(["PhotoPicker", "DocumentPicker"]);
  // A file in a picker, and which picker took it: "photo" or "document".
  class Picked { constructor(file, kind) { this.file = file; this.kind = kind; } }
  // The builders for one opened Flow, reading and storing through its `ctx`.
  function fields(ctx) {
    const {resolve, changed} = ctx;
    // The label's text sits in one span: in a column-flex <label> the input goes below it.
    const labelOf = (c, screenId, tag = "label") => {
      const optional = c.required || c["min-selected-items"] ? "" : ' <span class="flow-optional">(opsional)</span>';
      return R.el(tag, "flow-label", `<span>${R.escapeHtml(resolve(c.label, screenId))}${optional}</span>`);
    };

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
        if (file.type.startsWith("image/")) { const img = R.el("img"); img.src = URL.createObjectURL(file); img.alt = ""; chip.appendChild(img); }
        else chip.insertAdjacentHTML("beforeend", R.ICON.doc);
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
        const add = R.el("button", "flow-pick", photos ? "+ Pilih foto" : "+ Pilih dokumen");
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

    // Fills `field` with the input for component `c`; false for a type it does not know.
    function build(field, c, form, screenId) {
      if (!FIELDS[c.type]) return false;
      FIELDS[c.type](field, c, form, screenId);
      return true;
    }
    return {build, problem};
  }

  return {fields, Picked, PICKERS};
})();
