import { initAll } from "../build/govuk-frontend.min.js";

initAll();

// Findings drafted online: every keystroke is kept in this browser tab (sessionStorage, gone when
// the tab closes) with the latest version this tab knows (the page's, then each save's answer), so
// that text survives a lost connection or a session that timed out. A page that finds kept text
// unlike its own offers to put it back, based on that version: the server shows a conflict only if
// someone else saved since. Requests may arrive in any order, so each save also says which page
// sent it and at which edit; the server keeps the later edit (reviews.drafting.save_section).
const box = document.querySelector("textarea[data-draft-key]");
if (box) {
  const key = `cmr-draft:${box.dataset.draftKey}`;
  const status = document.getElementById("save-status");
  const edit = document.getElementById("draft-edit");
  document.getElementById("draft-page").value = Array.from(
    crypto.getRandomValues(new Uint8Array(16)),
    (byte) => byte.toString(16).padStart(2, "0"),
  ).join("");
  edit.value = "0";
  // Looked up each time: every save's answer puts a new field in place of the old one.
  const version = () => document.getElementById("base-version");
  const keep = (text) =>
    sessionStorage.setItem(key, JSON.stringify({ text, version: version().value }));
  const kept = JSON.parse(sessionStorage.getItem(key) || "null");
  if (kept && kept.text !== box.value) {
    const offer = document.getElementById("kept-text");
    offer.hidden = false;
    offer.querySelector("[data-restore]").addEventListener("click", () => {
      box.value = kept.text;
      version().value = kept.version;
      offer.hidden = true;
      box.dispatchEvent(new Event("input", { bubbles: true }));
    });
    offer.querySelector("[data-discard]").addEventListener("click", () => {
      sessionStorage.removeItem(key);
      offer.hidden = true;
    });
  } else if (kept) {
    keep(kept.text);
  }
  box.addEventListener("input", () => {
    edit.value = String(Number(edit.value) + 1);
    keep(box.value);
  });
  document.body.addEventListener("htmx:afterSettle", () => {
    const copy = JSON.parse(sessionStorage.getItem(key) || "null");
    if (copy) keep(copy.text);
  });
  document.body.addEventListener("htmx:beforeSwap", (event) => {
    if (event.detail.xhr.responseURL.includes("/sign-in/")) {
      event.detail.shouldSwap = false;
      status.textContent =
        "You have been signed out. Your text is kept in this browser tab: sign in again and " +
        "come back to this page to put it back.";
    }
  });
  document.body.addEventListener("htmx:responseError", () => {
    status.textContent =
      "Your text could not be saved. It is kept in this browser tab: reload the page to see why.";
  });
  document.body.addEventListener("htmx:sendError", () => {
    status.textContent =
      "Your text could not be saved: the connection failed. It is kept in this browser tab " +
      "and will be saved when you type again.";
  });
  // A conflict not yet resolved: closing the tab (and its kept text) or leaving the page asks
  // first. Choosing (any Save, or using their text) is not leaving.
  let choosing = false;
  box.form.addEventListener("submit", () => {
    choosing = true;
  });
  // The conflict message arrives after the page: listen on the document.
  document.addEventListener("click", (event) => {
    if (event.target.closest("[data-discard-draft]")) {
      sessionStorage.removeItem(key);
      choosing = true;
    }
  });
  window.addEventListener("beforeunload", (event) => {
    if (!choosing && status.querySelector("[data-conflict]")) event.preventDefault();
  });
}
