// Person list: changing the supervising org reloads the filter bar so the unit list follows.
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("[data-qf-autosubmit]").forEach((el) => {
    el.addEventListener("change", () => {
      const form = el.form;
      if (!form) return;
      const unit = form.querySelector("[name=unit]");
      if (unit) unit.value = "";
      form.requestSubmit();
    });
  });
});
