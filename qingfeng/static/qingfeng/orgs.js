// Org tree: open and close nodes. Deeper levels are fetched by htmx on the first click
// (hx-trigger="click once"), so this handler only shows or hides the child list; it is
// delegated so that nodes loaded later work too.
document.addEventListener("click", (ev) => {
  const button = ev.target.closest(".qf-org-toggle");
  if (!button) return;
  const list = button.parentElement.querySelector(":scope > ul");
  if (!list) return;
  const opening = list.hidden;
  list.hidden = !opening;
  button.textContent = opening ? "▾" : "▸";
  button.setAttribute("aria-expanded", opening ? "true" : "false");
  button.setAttribute("aria-label", opening ? "折叠" : "展开");
});
