// refurb — small progressive enhancements. Every page works without this file.
"use strict";

// Main menu: always shown on wide screens; folded behind the "Menu" button on phones.
(function () {
  const toggle = document.querySelector(".menu-toggle");
  const menu = document.getElementById("menu-principal");
  if (!toggle || !menu) return;
  const small = window.matchMedia("(max-width: 47.99rem)");
  function apply() {
    const open = toggle.getAttribute("aria-expanded") === "true";
    toggle.hidden = !small.matches;
    menu.hidden = small.matches && !open;
  }
  toggle.addEventListener("click", function () {
    const open = toggle.getAttribute("aria-expanded") === "true";
    toggle.setAttribute("aria-expanded", String(!open));
    apply();
  });
  small.addEventListener("change", apply);
  apply();
})();

// A form shown again with its errors: the summary of every error is brought into view and
// focused, so a screen reader reads it and a phone user sees it. Without this file the
// summary is still at the top of the form, announced by role="alert".
(function () {
  const summary = document.querySelector(".error-summary");
  if (!summary) return;
  summary.scrollIntoView({ block: "start" });
  summary.focus({ preventScroll: true });
})();

// "Copier" buttons (data-copy="<id of the field>"): shown only where the clipboard can be used;
// without them the field is still there to select and copy by hand.
(function () {
  document.querySelectorAll("[data-copy]").forEach(function (button) {
    const field = document.getElementById(button.dataset.copy);
    const said = document.querySelector('[data-copied="' + button.dataset.copy + '"]');
    if (!field || !navigator.clipboard) return;
    button.hidden = false;
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(field.value).then(function () {
        if (said) said.hidden = false;
      });
    });
  });
})();
