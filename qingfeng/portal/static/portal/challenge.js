// Proof of work for the public report form (ALTCHA v1 challenge, our own solver).
// Find n in [0, maxNumber] with SHA-256(salt + n) == challenge, then post the payload
// base64(JSON {algorithm, challenge, number, salt, signature}) in the hidden "altcha" field.
(function () {
  "use strict";

  function hex(buffer) {
    var bytes = new Uint8Array(buffer);
    var out = "";
    for (var i = 0; i < bytes.length; i++) out += bytes[i].toString(16).padStart(2, "0");
    return out;
  }

  async function solve(c) {
    var encoder = new TextEncoder();
    for (var n = 0; n <= c.maxNumber; n++) {
      var digest = await crypto.subtle.digest("SHA-256", encoder.encode(c.salt + n));
      if (hex(digest) === c.challenge) return n;
    }
    return null;
  }

  function start(form) {
    var box = form.querySelector("[data-pow]");
    var input = form.querySelector("[data-pow-input]");
    var status = box.querySelector("[data-pow-status]");
    var challenge = JSON.parse(box.getAttribute("data-challenge"));
    var waiting = false;
    var done = false;

    if (!window.crypto || !crypto.subtle) {
      status.textContent = "当前浏览器不支持安全验证，请更换浏览器或拨打 12388 举报。";
      box.classList.add("qf-pow-failed");
      return;
    }
    var solving = solve(challenge).then(function (n) {
      if (n === null) throw new Error("no solution");
      input.value = btoa(JSON.stringify({
        algorithm: challenge.algorithm,
        challenge: challenge.challenge,
        number: n,
        salt: challenge.salt,
        signature: challenge.signature
      }));
      done = true;
      status.textContent = "验证完成";
      box.classList.add("qf-pow-done");
      if (waiting) form.submit();
    }).catch(function () {
      status.textContent = "安全验证失败，请刷新页面重试。";
      box.classList.add("qf-pow-failed");
    });

    form.addEventListener("submit", function (event) {
      if (done) return;
      event.preventDefault();
      waiting = true;
      status.textContent = "正在完成安全验证，完成后自动提交…";
      return solving;
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form[data-pow-form]").forEach(start);
  });
})();
