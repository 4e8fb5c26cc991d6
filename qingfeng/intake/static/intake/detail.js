// Report detail page: after the identity was shown once, drop it from the page when the
// officer leaves or the tab is hidden, so it does not linger on screen or in bfcache.
document.addEventListener("DOMContentLoaded", () => {
  const shown = document.getElementById("qf-identity-shown");
  if (!shown) return;
  const wipe = () => { shown.textContent = "（已隐藏，如需再次查看请重新申请）"; };
  window.addEventListener("pagehide", wipe);
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "hidden") wipe();
  });
});
