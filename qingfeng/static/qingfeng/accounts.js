// Accounts pages: copy buttons for the TOTP secret and a new API token; TOTP code input
// keeps digits only. Loaded as a file because the CSP forbids inline scripts.
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("[data-qf-copy]").forEach((btn) => {
    btn.addEventListener("click", () => {
      const target = document.querySelector(btn.getAttribute("data-qf-copy"));
      if (!target || !navigator.clipboard) return;
      navigator.clipboard.writeText(target.textContent.replace(/\s+/g, "")).then(() => {
        const old = btn.innerHTML;
        btn.textContent = "已复制";
        window.setTimeout(() => { btn.innerHTML = old; }, 1500);
      });
    });
  });
  document.querySelectorAll("input[autocomplete='one-time-code']").forEach((input) => {
    input.addEventListener("input", () => {
      const digits = input.value.replace(/\D/g, "").slice(0, 6);
      if (digits !== input.value) input.value = digits;
    });
  });
  // Filter bar: changing a select submits the form at once.
  const filters = document.getElementById("qf-user-filters");
  if (filters) {
    filters.querySelectorAll("select").forEach((sel) => {
      sel.addEventListener("change", () => filters.submit());
    });
  }
});
