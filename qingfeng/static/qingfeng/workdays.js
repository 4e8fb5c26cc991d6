// Working-day calendar: clicking a day fills the administrator's "修改单日" form.
document.addEventListener("DOMContentLoaded", () => {
  const form = document.getElementById("qf-day-form");
  if (!form) return;
  const day = form.querySelector("[name=day]");
  const kind = form.querySelector("[name=is_workday]");
  const note = form.querySelector("[name=note]");
  document.querySelectorAll("td.qf-day-pick[data-date]").forEach((cell) => {
    cell.setAttribute("role", "button");
    cell.setAttribute("tabindex", "0");
    const pick = () => {
      day.value = cell.dataset.date;
      kind.value = cell.dataset.workday;
      note.value = cell.dataset.note || "";
      note.focus();
    };
    cell.addEventListener("click", pick);
    cell.addEventListener("keydown", (ev) => {
      if (ev.key === "Enter" || ev.key === " ") {
        ev.preventDefault();
        pick();
      }
    });
  });
});
