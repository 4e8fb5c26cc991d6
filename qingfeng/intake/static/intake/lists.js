// Report list and statistics: changing the body (org) select submits the filter form.
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("[data-qf-autosubmit]").forEach((el) => {
    el.addEventListener("change", () => {
      if (el.form) el.form.requestSubmit();
    });
  });
});
