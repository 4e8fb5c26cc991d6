// Qingfeng page behaviour, loaded as a file so the CSP can forbid inline scripts.
document.addEventListener("DOMContentLoaded", () => {
  // Org tree: expand/collapse children.
  document.querySelectorAll(".qf-tree-toggle").forEach((el) => {
    el.addEventListener("click", () => {
      const list = el.parentElement.querySelector(":scope > ul");
      if (list) {
        list.hidden = !list.hidden;
        el.textContent = list.hidden ? "▸" : "▾";
      }
    });
  });
  // Confirmation for destructive buttons: <button data-confirm="...">.
  document.querySelectorAll("[data-confirm]").forEach((el) => {
    el.addEventListener("click", (ev) => {
      if (!window.confirm(el.getAttribute("data-confirm"))) ev.preventDefault();
    });
  });
});
