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
