// Registration page: channel-dependent fields, the real-name block, subject rows and
// the "匹配监察对象" pick. Without JavaScript every field simply stays visible.
document.addEventListener("DOMContentLoaded", () => {
  const form = document.getElementById("qf-register-form");
  if (!form) return;

  const channel = form.querySelector("select[name=channel]");
  const syncChannel = () => {
    form.querySelectorAll(".qf-channel-block").forEach((block) => {
      const wanted = block.getAttribute("data-channels").split(" ");
      block.classList.toggle("d-none", !wanted.includes(channel.value));
    });
  };
  if (channel) {
    channel.addEventListener("change", syncChannel);
    syncChannel();
  }

  const realName = form.querySelector("input[name=is_real_name]");
  const identity = document.getElementById("qf-identity-fields");
  const syncIdentity = () => identity.classList.toggle("d-none", !realName.checked);
  if (realName && identity) {
    realName.addEventListener("change", syncIdentity);
    syncIdentity();
  }

  const rows = document.getElementById("qf-subject-rows");
  const total = form.querySelector("input[name=subjects-TOTAL_FORMS]");
  const template = document.getElementById("qf-subject-template");
  const addButton = document.getElementById("qf-subject-add");
  const maxRows = 10;
  const syncAdd = () => {
    addButton.disabled = rows.querySelectorAll(".qf-subject-row").length >= maxRows;
  };
  addButton.addEventListener("click", () => {
    const index = parseInt(total.value, 10);
    if (rows.querySelectorAll(".qf-subject-row").length >= maxRows) return;
    const html = template.innerHTML.replace(/__prefix__/g, String(index));
    const holder = document.createElement("div");
    holder.innerHTML = html.trim();
    const row = holder.firstElementChild;
    rows.appendChild(row);
    total.value = String(index + 1);
    if (window.htmx) window.htmx.process(row);
    syncAdd();
    const first = row.querySelector("input[type=text]");
    if (first) first.focus();
  });
  syncAdd();

  const setLink = (prefix, personId, label) => {
    const input = document.getElementById(`id_${prefix}-person`);
    const linked = document.getElementById(`${prefix}-linked`);
    if (!input || !linked) return;
    input.value = personId || "";
    linked.textContent = "";
    if (personId) {
      const badge = document.createElement("span");
      badge.className = "badge text-bg-success";
      badge.textContent = `已关联：${label}`;
      const unlink = document.createElement("button");
      unlink.type = "button";
      unlink.className = "btn btn-link btn-sm p-0 ms-1 qf-unlink";
      unlink.setAttribute("data-row", prefix);
      unlink.textContent = "取消关联";
      linked.append(badge, unlink);
    }
  };

  form.addEventListener("click", (ev) => {
    const pick = ev.target.closest(".qf-pick");
    if (pick) {
      const prefix = pick.getAttribute("data-row");
      setLink(prefix, pick.getAttribute("data-person"), pick.getAttribute("data-label"));
      const matches = document.getElementById(`${prefix}-matches`);
      if (matches) matches.textContent = "";
      return;
    }
    const unlink = ev.target.closest(".qf-unlink");
    if (unlink) {
      setLink(unlink.getAttribute("data-row"), "", "");
      return;
    }
    const remove = ev.target.closest(".qf-subject-remove");
    if (remove) {
      // Blank the row rather than renumbering: empty rows are ignored on the server.
      const row = remove.closest(".qf-subject-row");
      row.querySelectorAll("input").forEach((input) => { input.value = ""; });
      row.classList.add("d-none");
      syncAdd();
    }
  });
});
