// Logbook autosave. The form works without this file (Save draft / Submit are plain POSTs).
// With it, the answers are posted as a draft every 20 seconds after a change, kept in this
// phone's localStorage until the server confirmed them, and restored from there if the page is
// opened again before they reached the server (a dropped connection). When the session has
// ended, the server keeps the posted answers for after the login (logbooks/middleware.py) and we
// show a link to log in that comes back here.
(function () {
  "use strict";
  const form = document.getElementById("logbook-form");
  const status = document.getElementById("autosave-status");
  const texts = document.getElementById("autosave-messages");
  if (!form || !window.fetch || !window.FormData) return;
  const storeKey = "tod-logbook:" + form.dataset.autosaveUrl;
  const INTERVAL = 20000;
  let dirty = false;
  let busy = false;

  function say(message, link) {
    status.textContent = message + " ";
    if (link) {
      const a = document.createElement("a");
      a.href = form.dataset.loginUrl;
      a.textContent = texts.dataset.login;
      status.appendChild(a);
    }
  }

  function snapshot() {
    const values = {};
    new FormData(form).forEach((value, key) => {
      if (key === "csrfmiddlewaretoken") return;
      (values[key] = values[key] || []).push(value);
    });
    return values;
  }

  function keepLocally() {
    try {
      localStorage.setItem(storeKey, JSON.stringify({ at: Date.now(), values: snapshot() }));
    } catch (e) { /* storage full or disabled: the server draft is still there */ }
  }

  function restoreLocally() {
    let saved = null;
    try { saved = JSON.parse(localStorage.getItem(storeKey) || "null"); } catch (e) { saved = null; }
    if (!saved || !saved.values) return;
    Object.entries(saved.values).forEach(([name, values]) => {
      form.querySelectorAll('[name="' + name + '"]').forEach((field) => {
        if (field.type === "checkbox" || field.type === "radio") {
          field.checked = values.includes(field.value);
        } else {
          field.value = values[0];
        }
      });
    });
    dirty = true;
  }

  async function save() {
    if (!dirty || busy) return;
    busy = true;
    dirty = false;
    keepLocally();
    const data = new FormData(form);
    data.set("action", "draft");
    data.set("autosave", "1");
    try {
      const response = await fetch(form.dataset.autosaveUrl, {
        method: "POST",
        body: data,
        credentials: "same-origin",
        redirect: "manual",
        headers: { "X-Requested-With": "XMLHttpRequest" },
      });
      if (response.type === "opaqueredirect" || response.status === 401 || response.status === 403) {
        say(texts.dataset.expired, true);
      } else if (response.ok) {
        const body = await response.json();
        say(texts.dataset.saved + " " + body.saved_at + ".");
        localStorage.removeItem(storeKey);
      } else {
        dirty = true;
      }
    } catch (e) {
      dirty = true;
      say(texts.dataset.offline);
    } finally {
      busy = false;
    }
  }

  restoreLocally();
  form.addEventListener("input", () => { dirty = true; keepLocally(); });
  form.addEventListener("change", () => { dirty = true; keepLocally(); });
  form.addEventListener("submit", () => { localStorage.removeItem(storeKey); });
  window.addEventListener("online", save);
  setInterval(save, INTERVAL);
})();
