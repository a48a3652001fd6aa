"use strict";
// Shows the translations of one field (title_en, title_es, …) as tabs, one per language.
// A tab is marked with a dot when its language is still empty, and outlined when it has an
// error. Without this script the fields stand one under another, which also works.
(function () {
  function rowOf(el) {
    return el.closest(".form-row, .fieldBox") || el.parentElement;
  }
  function languageName(code) {
    try {
      const names = new Intl.DisplayNames([document.documentElement.lang || "en"], { type: "language" });
      return names.of(code) || code;
    } catch (e) {
      return code;
    }
  }
  // An optional field (data-optional, e.g. the short title) is never "missing".
  function isEmpty(el) {
    return !el.dataset.optional && !(el.value || "").trim();
  }
  function build() {
    const groups = new Map();
    document.querySelectorAll("[class*='mt-field-']").forEach(function (el) {
      if (el.closest(".inline-related, .tabular")) return;
      const match = /mt-field-(\w+)-(\w+)/.exec(el.className);
      if (!match) return;
      const key = match[1];
      if (!groups.has(key)) groups.set(key, []);
      groups.get(key).push({ el: el, lang: match[2].replace("_", "-"), row: rowOf(el) });
    });
    groups.forEach(function (fields, key) {
      if (fields.length < 2) return;
      const bar = document.createElement("div");
      bar.className = "mt-tabs";
      bar.setAttribute("role", "tablist");
      fields.forEach(function (field, index) {
        const tab = document.createElement("button");
        tab.type = "button";
        tab.setAttribute("role", "tab");
        tab.textContent = languageName(field.lang);
        tab.title = field.lang;
        if (isEmpty(field.el)) tab.classList.add("mt-tab-missing");
        if (field.row.querySelector(".errorlist")) tab.classList.add("mt-tab-error");
        field.el.addEventListener("input", function () {
          tab.classList.toggle("mt-tab-missing", isEmpty(field.el));
        });
        tab.addEventListener("click", function () { show(index); });
        field.tab = tab;
        bar.appendChild(tab);
      });
      function show(selected) {
        fields.forEach(function (field, index) {
          field.row.hidden = index !== selected;
          field.tab.setAttribute("aria-selected", index === selected ? "true" : "false");
        });
      }
      fields[0].row.parentElement.insertBefore(bar, fields[0].row);
      const firstError = fields.findIndex(function (f) { return f.tab.classList.contains("mt-tab-error"); });
      show(firstError >= 0 ? firstError : 0);
      bar.dataset.field = key;
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", build);
  else build();
})();
