// Lead pages: the list's body filter submits on change; the registration/edit form's
// "匹配监察对象" pick fills the hidden person field. Without JavaScript the filter still
// submits with its button and the lead is saved without a linked person.
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("[data-qf-autosubmit]").forEach((el) => {
    el.addEventListener("change", () => {
      if (el.form) el.form.requestSubmit();
    });
  });

  const form = document.getElementById("qf-lead-form");
  if (!form) return;
  const input = document.getElementById("id_person");
  const linked = document.getElementById("qf-person-linked");
  const matches = document.getElementById("qf-person-matches");
  const setLink = (personId, label) => {
    if (!input || !linked) return;
    input.value = personId || "";
    linked.textContent = "";
    if (!personId) return;
    const badge = document.createElement("span");
    badge.className = "badge text-bg-success";
    badge.textContent = `已关联：${label}`;
    const unlink = document.createElement("button");
    unlink.type = "button";
    unlink.className = "btn btn-link btn-sm p-0 ms-1 qf-unlink";
    unlink.textContent = "取消关联";
    linked.append(badge, unlink);
  };
  form.addEventListener("click", (ev) => {
    const pick = ev.target.closest(".qf-pick");
    if (pick) {
      setLink(pick.getAttribute("data-person"), pick.getAttribute("data-label"));
      if (matches) matches.textContent = "";
      return;
    }
    if (ev.target.closest(".qf-unlink")) setLink("", "");
  });
});
